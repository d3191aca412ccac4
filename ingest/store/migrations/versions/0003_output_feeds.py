"""output feeds and their creation time

An empty output feed needs an `updated` time: the time its definition was first seen.
Feeds already defined get the time of this upgrade when a command next registers them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "output_feeds",
        sa.Column("slug", sa.String(200), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("output_feeds")
