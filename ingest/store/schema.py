"""The store's tables: the contract between ``ingest`` (writes) and ``feeds`` (reads).

SQLAlchemy Core only, and only types and constructs that SQLite and PostgreSQL both run.
Changes go through an Alembic migration in ``migrations/versions``; a test checks that the
migrated schema matches these definitions.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always UTC-aware in Python, whatever the backend keeps.

    SQLite has no time zone type and hands back naive values; PostgreSQL's timestamptz
    hands back the session's zone.  Both are brought to UTC here, once.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; use UTC-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


UTC_DATETIME = UTCDateTime()

# Row ids and references to them: bigint on PostgreSQL (a store that several workers feed for
# years outgrows 2^31 stories and band rows' references); SQLite's INTEGER is 64-bit already,
# and must stay INTEGER for a primary key to be the rowid.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# One row per configured source: its health and its schedule of record.
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("url", sa.Text, nullable=False),  # fetched; follows an adopted redirect
    sa.Column("config_url", sa.Text),  # as configured, to tell a config change from a redirect
    sa.Column("kind", sa.String(10), nullable=False, server_default="feed"),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("interval_s", sa.Float, nullable=False, server_default="900"),
    sa.Column("title", sa.Text),  # the feed's own title, as last seen
    sa.Column("next_fetch_at", UTC_DATETIME),
    sa.Column("last_fetch_at", UTC_DATETIME),
    sa.Column("last_success_at", UTC_DATETIME),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("last_error_at", UTC_DATETIME),
    # When the current run of failed fetches began (NULL while fetches succeed, and for a
    # run that began before revision 0007).
    sa.Column("failing_since", UTC_DATETIME),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("body_hash", sa.String(64)),
    sa.Column("lease_owner", sa.String(100)),
    sa.Column("lease_until", UTC_DATETIME),
    sa.Column("redirect_url", sa.Text),  # a permanent redirect seen, not yet adopted
    sa.Column("redirect_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("disabled_reason", sa.Text),  # e.g. "410 Gone"; the source is skipped
    sa.Column("seen_ratio", sa.Float),  # share of already-seen items, smoothed
    sa.Column("fetch_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("stories_new_last", sa.Integer, nullable=False, server_default="0"),
)

clusters = sa.Table(
    "clusters",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("representative_id", ID),  # a stories.id; no FK, to avoid a cycle
    sa.Column("created_at", UTC_DATETIME, nullable=False),
    sa.Column("updated_at", UTC_DATETIME, nullable=False),
    sa.Column("merged_into", ID, sa.ForeignKey("clusters.id"), index=True),
    sa.Column("size", sa.Integer, nullable=False, server_default="1"),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("item_key", sa.Text, nullable=False),
    # The URL with http/https, www/m/amp hosts and AMP markers folded: one article, one key.
    sa.Column("article_key", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("body_html", sa.Text, nullable=False, server_default=""),
    sa.Column("body_text", sa.Text, nullable=False, server_default=""),
    sa.Column("published_at", UTC_DATETIME, nullable=False, index=True),
    sa.Column("published_raw", sa.Text),
    sa.Column("updated_at", UTC_DATETIME),
    sa.Column("first_seen_at", UTC_DATETIME, nullable=False, index=True),
    sa.Column("author", sa.Text),
    sa.Column("outlet", sa.Text, nullable=False),
    sa.Column("language", sa.String(16)),
    sa.Column("word_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("dateline", sa.Text),
    sa.Column("attributions", sa.JSON, nullable=False),
    sa.Column("countries", sa.JSON, nullable=False),  # the parties to the story
    sa.Column("mentions", sa.JSON, nullable=False, server_default="[]"),  # every country named
    sa.Column("organizations", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("topics", sa.JSON, nullable=False),
    sa.Column("score", sa.Float, nullable=False, server_default="0"),
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    sa.Column("raw_hash", sa.String(64), nullable=False),  # of the item as the feed gave it
    sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    sa.Column("cluster_id", ID, sa.ForeignKey("clusters.id"), index=True),
    sa.Column("minhash", sa.LargeBinary),  # the MinHash signature, for candidate scoring
    # How the body ended before cleaning cut its tail: {"blocks": [...], "tail": [...]}
    # (ingest.repeats). NULL on stories stored before revision 0005.
    sa.Column("ending", sa.JSON),
    sa.UniqueConstraint("source_id", "item_key"),
    sa.Index("ix_stories_source_id_article_key", "source_id", "article_key"),
    # One source's stories around a time: a moved article's lookup, per-source retention.
    sa.Index("ix_stories_source_id_published_at", "source_id", "published_at"),
)

# Earlier versions of a story whose content changed between polls.
story_revisions = sa.Table(
    "story_revisions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("story_id", ID, sa.ForeignKey("stories.id", ondelete="CASCADE"), index=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body_html", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("recorded_at", UTC_DATETIME, nullable=False),
)

# Tags for filtering in SQL: kind is "country" (a party), "mention", "org" or "topic".
story_tags = sa.Table(
    "story_tags",
    metadata,
    sa.Column(
        "story_id",
        ID,
        sa.ForeignKey("stories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("kind", sa.String(10), primary_key=True),
    sa.Column("value", sa.String(64), primary_key=True),
    sa.Index("ix_story_tags_kind_value", "kind", "value"),
)

# LSH band hashes of each story's MinHash: candidates come from an index lookup, not a scan.
# ``bucket`` (the story's publication time, in windows of the band's kind) leads the key, so
# a new story's rows and lookups fall in the few recent windows' part of the index: the
# pages they touch stay as many as the store grows, instead of scattering over all of it.
lsh_bands = sa.Table(
    "lsh_bands",
    metadata,
    sa.Column("bucket", sa.Integer, primary_key=True),
    sa.Column("band", sa.SmallInteger, primary_key=True),
    sa.Column("hash", sa.BigInteger, primary_key=True),
    sa.Column(
        "story_id",
        ID,
        sa.ForeignKey("stories.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    # The primary key is the lookup index; without a rowid SQLite keeps one B-tree for the
    # rows and that index instead of two, which is most of the store's size per story.
    sqlite_with_rowid=False,
)

# Operator decisions that later ingests must respect: "split" keeps a story out of a
# cluster, "merge" joins two clusters.
cluster_overrides = sa.Table(
    "cluster_overrides",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("story_id", ID, index=True),
    sa.Column("cluster_id", ID, index=True),
    sa.Column("other_cluster_id", ID),
    sa.Column("created_at", UTC_DATETIME, nullable=False),
    sa.Column("note", sa.Text),
)

# Stories removed by retention, remembered so a feed that still lists one does not bring it
# back as new; rows older than the retention window's grace period are dropped.
pruned_items = sa.Table(
    "pruned_items",
    metadata,
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("item_key", sa.Text, primary_key=True),
    sa.Column("pruned_at", UTC_DATETIME, nullable=False, index=True),
)

# The output feeds the configuration has defined, and since when: an empty feed's
# `updated` is its creation, not 1970.
output_feeds = sa.Table(
    "output_feeds",
    metadata,
    sa.Column("slug", sa.String(200), primary_key=True),
    sa.Column("created_at", UTC_DATETIME, nullable=False),
)

# One row per change to what pages and feeds show, written by the store's own triggers on
# stories and clusters (migration 0008), whatever the writer: servers compare the newest id
# and the rows of the last CHANGES_WINDOW ids (``feeds.query.store_version``) instead of
# counting every story, which cost 100 ms a call at a million stories on PostgreSQL.
store_changes = sa.Table(
    "store_changes",
    metadata,
    sa.Column("id", ID, primary_key=True),
)
