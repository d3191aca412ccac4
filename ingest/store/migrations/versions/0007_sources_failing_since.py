"""when a source's current run of failed fetches began

The status page says since when a source has been failing. The store kept the last success
and the number of failures in a row, not the time of the first of them; from now on the
fetch that starts a run of failures records it. A run already going on at the upgrade has no
recorded start (NULL), and the page says so.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("failing_since")
