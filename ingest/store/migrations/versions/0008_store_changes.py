"""a change log that servers read instead of counting the store

Servers asked the store once a second whether anything they render had changed, by counting
every story and scanning the clusters: 100 ms a call at a million stories on PostgreSQL,
growing with the store. Triggers on stories and clusters now add a row to store_changes
whenever a row that pages show is inserted, deleted, or changed in a column they show;
whatever writes (ingest, retention, operators' splits and merges, recovery, plain SQL), the
log moves. Servers read its newest id and the rows of its last ids, which also catches a
transaction that commits after a later one (its id is below the newest).

A later migration that rebuilds stories or clusters on SQLite (batch_alter_table copies the
table) drops these triggers with it and must create them again; the store_version tests
fail if it does not.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# What pages and feeds show of a row: a change elsewhere (the stored signature, the raw
# hash of an item seen again) changes no document.
SHOWN = {
    "stories": (
        "url", "title", "summary", "body_html", "body_text", "published_at", "updated_at",
        "author", "outlet", "language", "dateline", "attributions", "countries", "mentions",
        "organizations", "topics", "score", "cluster_id",
    ),
    "clusters": ("representative_id", "updated_at", "merged_into", "size"),
}  # fmt: skip


def upgrade() -> None:
    op.create_table("store_changes", sa.Column("id", ID, primary_key=True))
    if op.get_bind().dialect.name == "postgresql":
        # One row per statement, not per row: a retention batch is one change.
        op.execute(
            "CREATE FUNCTION store_changed() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN INSERT INTO store_changes DEFAULT VALUES; RETURN NULL; END $$"
        )
        action = "FOR EACH STATEMENT EXECUTE FUNCTION store_changed()"
    else:  # SQLite has row triggers only, and no DEFAULT VALUES inside one
        action = "BEGIN INSERT INTO store_changes (id) VALUES (NULL); END"
    for table, columns in SHOWN.items():
        for event in ("INSERT", "DELETE", f"UPDATE OF {', '.join(columns)}"):
            name = f"{table}_{event.split()[0].lower()}_changes"
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} {action}")


def downgrade() -> None:
    for table in SHOWN:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_changes" + (
                f" ON {table}" if op.get_bind().dialect.name == "postgresql" else ""
            ))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS store_changed()")
    op.drop_table("store_changes")
