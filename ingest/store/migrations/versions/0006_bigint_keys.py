"""bigint row ids and references on PostgreSQL

Several workers feeding one PostgreSQL store for years go past 2^31 rows of stories' ids as
they are referenced (bands, tags, revisions, overrides). SQLite's INTEGER is 64-bit already
(and a primary key must stay INTEGER to be the rowid), so this revision changes nothing
there. The identity sequences are widened with their columns. Timestamps were timestamptz
from the start, and the band index's primary key, (bucket, band, hash, story_id), is the
one the candidate lookup seeks (equality on the first three, newest story ids first).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Referencing columns first, then the keys they reference.
COLUMNS = [
    ("lsh_bands", "story_id"),
    ("story_tags", "story_id"),
    ("story_revisions", "story_id"),
    ("cluster_overrides", "story_id"),
    ("cluster_overrides", "cluster_id"),
    ("cluster_overrides", "other_cluster_id"),
    ("stories", "source_id"),
    ("stories", "cluster_id"),
    ("pruned_items", "source_id"),
    ("clusters", "representative_id"),
    ("clusters", "merged_into"),
    ("sources", "id"),
    ("clusters", "id"),
    ("stories", "id"),
    ("story_revisions", "id"),
    ("cluster_overrides", "id"),
]
SEQUENCED = ["sources", "clusters", "stories", "story_revisions", "cluster_overrides"]


def _widen(type_: sa.types.TypeEngine, as_: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=type_)
    for table in SEQUENCED:
        seq = bind.exec_driver_sql(f"SELECT pg_get_serial_sequence('{table}', 'id')").scalar()
        if seq:
            op.execute(f"ALTER SEQUENCE {seq} AS {as_}")


def upgrade() -> None:
    _widen(sa.BigInteger(), "bigint")


def downgrade() -> None:
    _widen(sa.Integer(), "integer")
