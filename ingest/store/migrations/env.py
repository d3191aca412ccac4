"""Alembic environment: runs on the connection handed over by ``engine.migrate``."""

from alembic import context

from ingest.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs `alembic` by hand
    raise SystemExit("run migrations through communique (ingest.store.engine.migrate)")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
