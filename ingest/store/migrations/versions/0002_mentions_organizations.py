"""parties, mentions and organizations

``countries`` now holds the states that are parties to a story; every country named moves
to the new ``mentions``, and blocs and bodies to ``organizations``. Stories stored before
keep their countries as parties (they were every country named) and get the same list as
mentions, so a feed filtering on mentions sees them too.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentions", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column("organizations", sa.JSON(), server_default="[]", nullable=False)
        )
    op.execute("UPDATE stories SET mentions = countries")
    op.execute(
        "INSERT INTO story_tags (story_id, kind, value) "
        "SELECT story_id, 'mention', value FROM story_tags WHERE kind = 'country'"
    )


def downgrade() -> None:
    op.execute("DELETE FROM story_tags WHERE kind IN ('mention', 'org')")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("organizations")
        batch_op.drop_column("mentions")
