"""how each story's body ended before its tail was cut

A block a source ends three or more different reports with is its boilerplate
(ingest.repeats). The stored body has that block cut once it is known, so what the next
poll compares its stories with is kept apart: the hashes of the body's blocks before the cut.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("ending", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("ending")
