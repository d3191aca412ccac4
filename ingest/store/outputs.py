"""The output feeds defined in the configuration, and when each was first defined."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from ingest.store import locks
from ingest.store.schema import output_feeds


def register(conn: sa.Connection, slugs: Iterable[str], now: datetime) -> None:
    """Record the feeds not seen before as created ``now``; known ones keep their time."""
    locks.exclusive(conn, "outputs.register")
    known = set(conn.execute(sa.select(output_feeds.c.slug)).scalars())
    new = [{"slug": s, "created_at": now} for s in sorted(set(slugs) - known)]
    if new:
        conn.execute(sa.insert(output_feeds), new)


def created(conn: sa.Connection) -> dict[str, datetime]:
    """Each registered feed's creation time, by slug."""
    return {slug: when for slug, when in conn.execute(sa.select(output_feeds))}
