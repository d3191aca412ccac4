"""an index on stories by source and publication time

A new story's check for the same article moved to a new URL looks for the source's stories
published within an hour of it; without this index it read every source's stories of that
hour (all of them, in a cold ingest).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_stories_source_id_published_at", "stories", ["source_id", "published_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_stories_source_id_published_at", table_name="stories")
