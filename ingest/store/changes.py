"""The store's change log (``store_changes``): its rows are written by triggers (migration
0008) and read by servers (``feeds.query.store_version``); here it is kept short."""

from __future__ import annotations

import sqlalchemy as sa

from ingest.store.schema import store_changes

KEEP = 100_000  # rows kept: ten times the window servers re-count


def trim(conn: sa.Connection) -> None:
    """Drop the rows older than the newest ``KEEP``: one index range, empty most times."""
    newest = sa.select(sa.func.max(store_changes.c.id)).scalar_subquery()
    conn.execute(sa.delete(store_changes).where(store_changes.c.id < newest - KEEP))
