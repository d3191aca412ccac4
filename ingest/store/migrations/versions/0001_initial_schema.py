"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('cluster_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('other_cluster_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_overrides'))
    )
    with op.batch_alter_table('cluster_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_overrides_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_overrides_story_id'), ['story_id'], unique=False)

    op.create_table('clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('merged_into', sa.Integer(), nullable=True),
    sa.Column('size', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['merged_into'], ['clusters.id'], name=op.f('fk_clusters_merged_into_clusters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clusters'))
    )
    with op.batch_alter_table('clusters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clusters_merged_into'), ['merged_into'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('config_url', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=10), server_default='feed', nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('interval_s', sa.Float(), server_default='900', nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('next_fetch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_fetch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('body_hash', sa.String(length=64), nullable=True),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('redirect_url', sa.Text(), nullable=True),
    sa.Column('redirect_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('disabled_reason', sa.Text(), nullable=True),
    sa.Column('seen_ratio', sa.Float(), nullable=True),
    sa.Column('fetch_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('stories_new_last', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_sources_name'))
    )
    op.create_table('pruned_items',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.Text(), nullable=False),
    sa.Column('pruned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_pruned_items_source_id_sources')),
    sa.PrimaryKeyConstraint('source_id', 'item_key', name=op.f('pk_pruned_items'))
    )
    with op.batch_alter_table('pruned_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pruned_items_pruned_at'), ['pruned_at'], unique=False)

    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.Text(), nullable=False),
    sa.Column('article_key', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), server_default='', nullable=False),
    sa.Column('body_html', sa.Text(), server_default='', nullable=False),
    sa.Column('body_text', sa.Text(), server_default='', nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_raw', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('outlet', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('word_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('dateline', sa.Text(), nullable=True),
    sa.Column('attributions', sa.JSON(), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), server_default='0', nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('raw_hash', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('minhash', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_stories_cluster_id_clusters')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_stories_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stories')),
    sa.UniqueConstraint('source_id', 'item_key', name=op.f('uq_stories_source_id_item_key'))
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stories_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stories_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index('ix_stories_source_id_article_key', ['source_id', 'article_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_stories_first_seen_at'), ['first_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stories_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stories_url'), ['url'], unique=False)

    op.create_table('lsh_bands',
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('band', sa.SmallInteger(), nullable=False),
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_lsh_bands_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('bucket', 'band', 'hash', 'story_id', name=op.f('pk_lsh_bands')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('lsh_bands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lsh_bands_story_id'), ['story_id'], unique=False)

    op.create_table('story_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_revisions_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_revisions'))
    )
    with op.batch_alter_table('story_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_revisions_story_id'), ['story_id'], unique=False)

    op.create_table('story_tags',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_tags_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('story_id', 'kind', 'value', name=op.f('pk_story_tags'))
    )
    with op.batch_alter_table('story_tags', schema=None) as batch_op:
        batch_op.create_index('ix_story_tags_kind_value', ['kind', 'value'], unique=False)




def downgrade() -> None:
    with op.batch_alter_table('pruned_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pruned_items_pruned_at'))

    op.drop_table('pruned_items')
    
    with op.batch_alter_table('story_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_story_tags_kind_value')

    op.drop_table('story_tags')
    with op.batch_alter_table('story_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_revisions_story_id'))

    op.drop_table('story_revisions')
    with op.batch_alter_table('lsh_bands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lsh_bands_story_id'))

    op.drop_table('lsh_bands')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_url'))
        batch_op.drop_index(batch_op.f('ix_stories_published_at'))
        batch_op.drop_index(batch_op.f('ix_stories_first_seen_at'))
        batch_op.drop_index(batch_op.f('ix_stories_content_hash'))
        batch_op.drop_index('ix_stories_source_id_article_key')
        batch_op.drop_index(batch_op.f('ix_stories_cluster_id'))

    op.drop_table('stories')
    op.drop_table('sources')
    with op.batch_alter_table('clusters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clusters_merged_into'))

    op.drop_table('clusters')
    with op.batch_alter_table('cluster_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_overrides_story_id'))
        batch_op.drop_index(batch_op.f('ix_cluster_overrides_cluster_id'))

    op.drop_table('cluster_overrides')

