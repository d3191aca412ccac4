"""The migrations build exactly the schema the code declares (ingest/store/schema.py), on
SQLite and PostgreSQL: a column or index added to one and not the other fails here."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ingest.store.engine import open_store
from ingest.store.schema import lsh_bands, metadata


def test_migrated_store_matches_the_declared_schema(store_url):
    engine = open_store(store_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
            # The LSH index is looked up by (bucket, band, hash): that order is the key's.
            pk = sa.inspect(conn).get_pk_constraint(lsh_bands.name)["constrained_columns"]
            if conn.dialect.name == "sqlite":  # one B-tree for rows and key, not two
                ddl = conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'lsh_bands'"
                ).scalar_one()
                assert "WITHOUT ROWID" in ddl
    finally:
        engine.dispose()
    assert diff == []
    assert pk == ["bucket", "band", "hash", "story_id"]


@pytest.mark.postgres
def test_postgresql_seeks_a_band_through_its_key_newest_first_without_sorting(pg_url):
    """The candidate lookup (lsh._LOOKUP_PG) on PostgreSQL: each seek an index scan of the
    primary key, backwards for the newest story ids, with no sort; seq scans are disabled
    only because a test table is small enough for one to look cheaper."""
    from ingest.store import lsh

    engine = open_store(pg_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            explain = conn.exec_driver_sql(
                f"EXPLAIN {lsh._LOOKUP_PG}", ("h", 65, [1, 2], [0, 1000], [42, 43])
            )
            plan = "\n".join(explain.scalars())
    finally:
        engine.dispose()
    assert "Scan Backward using pk_lsh_bands" in plan, plan
    assert "Sort Key: b.story_id" not in plan, plan  # the key's order, not a sort
