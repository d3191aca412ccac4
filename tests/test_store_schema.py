"""The migrations build exactly the schema the code declares (ingest/store/schema.py), on
SQLite and PostgreSQL: a column or index added to one and not the other fails here."""

from __future__ import annotations

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
