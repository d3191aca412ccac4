"""Retention: pruning by age (from first sight) and by count, with clusters kept consistent."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from ingest.dedupe import DedupeParams
from ingest.model import SourceSpec, Story
from ingest.store import sources as source_rows
from ingest.store import stories as story_rows
from ingest.store.clusters import assign_cluster
from ingest.store.engine import open_store
from ingest.store.retention import (
    RetentionPolicy,
    drop_tombstones,
    prune,
    pruned_keys,
)
from ingest.store.schema import clusters, lsh_bands, pruned_items, stories, story_tags

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TEXT = (
    "The foreign ministers of {a} and {b} met in Geneva on Tuesday to discuss the ceasefire "
    "agreement, the exchange of prisoners and the reopening of the border crossings, officials "
    "said after six hours of talks that both delegations described as constructive. {n}"
)


@pytest.fixture
def engine(store_url: str) -> sa.Engine:
    engine = open_store(store_url)
    with engine.begin() as conn:
        source_rows.sync_sources(
            conn,
            [
                SourceSpec("one", "https://one.example/f"),
                SourceSpec("two", "https://two.example/f"),
            ],
            NOW,
        )
    yield engine
    engine.dispose()


def make_story(key: str, text: str, first_seen: datetime, published: datetime) -> Story:
    return Story(
        source="one",
        key=key,
        url=f"https://one.example/{key}",
        title=f"Ministers meet ({key})",
        body_html=f"<p>{text}</p>",
        body_text=text,
        summary=text[:80],
        published=published,
        first_seen=first_seen,
        outlet="One",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        countries=("CH",),
        topics=("talks",),
    )


def add(
    engine: sa.Engine,
    source: str,
    key: str,
    *,
    seen_days_ago: float,
    published_days_ago: float | None = None,
    text: str | None = None,
) -> int:
    first_seen = NOW - timedelta(days=seen_days_ago)
    published = NOW - timedelta(days=published_days_ago or seen_days_ago)
    story = make_story(key, text or TEXT.format(a=key, b="Z", n=key * 40), first_seen, published)
    with engine.begin() as conn:
        source_id = source_rows.state(conn, source).id
        story_id = story_rows.insert_story(
            conn, source_id, story, raw_hash=key, article_key=story.url
        )
        assign_cluster(conn, story_id, story, DedupeParams())
    return story_id


def ids(engine: sa.Engine) -> set[int]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(stories.c.id))}


def count(engine: sa.Engine, table: sa.Table, *where: object) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
        )


def test_nothing_is_pruned_by_default(engine):
    add(engine, "one", "a", seen_days_ago=4000)
    report = prune(engine, RetentionPolicy(), NOW)
    assert report.removed == 0 and len(ids(engine)) == 1


def test_age_counts_from_first_sight_not_from_publication(engine):
    old = add(engine, "one", "old", seen_days_ago=40)
    archive = add(engine, "one", "archive", seen_days_ago=1, published_days_ago=900)
    report = prune(engine, RetentionPolicy(max_age_days=30), NOW)
    assert report.by_age == 1
    assert ids(engine) == {archive}
    assert old not in ids(engine)


def test_the_per_source_count_keeps_the_most_recently_seen(engine):
    kept = [add(engine, "one", f"k{i}", seen_days_ago=i) for i in range(3)]
    for i in range(3, 8):
        add(engine, "one", f"k{i}", seen_days_ago=i)
    other = add(engine, "two", "x", seen_days_ago=100)
    report = prune(engine, RetentionPolicy(max_per_source=3), NOW)
    assert report.by_count == 5
    assert ids(engine) == {*kept, other}


def test_pruning_in_batches_removes_everything_due(engine, monkeypatch):
    monkeypatch.setattr("ingest.store.retention.BATCH", 2)
    for i in range(5):
        add(engine, "one", f"b{i}", seen_days_ago=50 + i)
    assert prune(engine, RetentionPolicy(max_age_days=10), NOW).by_age == 5
    assert ids(engine) == set()


def test_a_cluster_shrinks_and_rechooses_its_representative(engine):
    text = TEXT.format(a="France", b="Japan", n="")
    first = add(engine, "one", "first", seen_days_ago=60, published_days_ago=2, text=text)
    copy = add(engine, "two", "copy", seen_days_ago=1, text=text + " Reuters.")
    with engine.connect() as conn:
        cluster = conn.execute(
            sa.select(stories.c.cluster_id).where(stories.c.id == copy)
        ).scalar_one()
        joined = conn.execute(
            sa.select(stories.c.cluster_id).where(stories.c.id == first)
        ).scalar_one()
    assert cluster == joined  # the copy joined the first story's cluster
    prune(engine, RetentionPolicy(max_age_days=30), NOW)
    with engine.connect() as conn:
        row = conn.execute(sa.select(clusters).where(clusters.c.id == cluster)).one()
    assert (row.size, row.representative_id) == (1, copy)
    assert count(engine, lsh_bands, lsh_bands.c.story_id == first) == 0
    assert count(engine, lsh_bands, lsh_bands.c.story_id == copy) > 0


def test_an_emptied_cluster_goes_with_its_tags_and_bands(engine):
    story_id = add(engine, "one", "lonely", seen_days_ago=90)
    with engine.connect() as conn:
        cluster = conn.execute(
            sa.select(stories.c.cluster_id).where(stories.c.id == story_id)
        ).scalar_one()
    prune(engine, RetentionPolicy(max_age_days=30), NOW)
    assert count(engine, clusters, clusters.c.id == cluster) == 0
    assert count(engine, story_tags, story_tags.c.story_id == story_id) == 0
    assert count(engine, lsh_bands) == 0


def test_pruned_items_are_remembered_until_the_grace_period_ends(engine):
    add(engine, "one", "gone", seen_days_ago=90)
    add(engine, "one", "kept", seen_days_ago=1)
    prune(engine, RetentionPolicy(max_age_days=30), NOW)
    with engine.begin() as conn:
        source_id = source_rows.state(conn, "one").id
        assert pruned_keys(conn, source_id, ["gone", "kept", "never"]) == {"gone"}
        assert drop_tombstones(conn, NOW - timedelta(days=1)) == 0
        assert drop_tombstones(conn, NOW + timedelta(seconds=1)) == 1
    assert count(engine, pruned_items) == 0
