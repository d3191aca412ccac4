"""Choosing a feed's items from the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from feeds.query import load_items, pick_all_oldest_first, pick_newest, store_version
from feeds.spec import FeedSpec
from ingest.store.engine import open_store
from ingest.store.schema import clusters, sources, stories
from ingest.store.sources import health as source_health
from tests.feeds_support import T0, add_cluster, add_source, add_story, cluster_of, revise_story


@pytest.fixture
def engine(store_url: str) -> sa.Engine:
    eng = open_store(store_url)
    yield eng
    eng.dispose()


def items(engine: sa.Engine, spec: FeedSpec) -> list:
    with engine.connect() as conn:
        return load_items(conn, spec, pick_newest(conn, spec))


def titles(engine: sa.Engine, spec: FeedSpec) -> list[str]:
    return [i.title for i in items(engine, spec)]


def test_article_feed_is_newest_first_and_limited(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        src = add_source(conn, "un")
        for n in range(7):
            add_story(conn, src, f"Story {n}", minutes=n)
    assert titles(engine, FeedSpec("a", "A", group="article", limit=5)) == [
        "Story 6",
        "Story 5",
        "Story 4",
        "Story 3",
        "Story 2",
    ]


def test_cluster_feed_gives_one_item_per_cluster_through_its_representative(
    engine: sa.Engine,
) -> None:
    with engine.begin() as conn:
        un, aj, dw = (add_source(conn, n) for n in ("un", "aj", "dw"))
        rep = add_story(conn, un, "Talks open in Geneva", minutes=1)
        copy1 = add_story(conn, aj, "Geneva talks begin", minutes=5)
        copy2 = add_story(conn, dw, "Diplomats gather in Geneva", minutes=3)
        cid = cluster_of(conn, [rep, copy1, copy2], rep)
        add_story(conn, dw, "Unrelated story", minutes=2)
    got = items(engine, FeedSpec("c", "C"))
    assert [i.title for i in got] == ["Unrelated story", "Talks open in Geneva"]
    cluster = got[1]
    assert cluster.key == f"cluster/{cid}" and cluster.story_id == rep
    assert [m.title for m in cluster.members] == [
        "Diplomats gather in Geneva",
        "Geneva talks begin",
    ]
    # the newest member's arrival (first seen a minute after it was published) moves `updated`
    assert cluster.updated == T0 + timedelta(minutes=6)
    assert cluster.published == T0 + timedelta(minutes=1)


def test_merged_clusters_are_followed_to_the_surviving_cluster(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        src = add_source(conn, "un")
        a = add_story(conn, src, "First report", minutes=1)
        b = add_story(conn, src, "Second report", minutes=2)
        keep = cluster_of(conn, [a], a)
        gone = cluster_of(conn, [b], b)
        conn.execute(sa.update(clusters).where(clusters.c.id == gone).values(merged_into=keep))
    got = items(engine, FeedSpec("c", "C"))
    assert len(got) == 1
    assert got[0].key == f"cluster/{keep}" and got[0].title == "First report"
    assert [m.title for m in got[0].members] == ["Second report"]


def test_filters_choose_the_primary_story_of_a_cluster(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        un, aj = add_source(conn, "un"), add_source(conn, "aj")
        rep = add_story(conn, un, "UN report", minutes=1)
        other = add_story(conn, aj, "AJ report", minutes=2)
        cluster_of(conn, [rep, other], rep)
    got = items(engine, FeedSpec("c", "C", sources=("aj",)))
    assert [i.title for i in got] == ["AJ report"]
    assert [m.title for m in got[0].members] == ["UN report"]


def test_tag_source_language_and_score_filters(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        un, aj = add_source(conn, "un"), add_source(conn, "aj")
        add_story(
            conn, un, "Japan China talks", topics=["summit"], countries=["JP", "CN"],
            mentions=["TW"], organizations=["APEC"],
        )  # fmt: skip
        add_story(conn, un, "Sanctions on X", minutes=1, topics=["sanctions"], score=0.9)
        add_story(conn, aj, "Sports result", minutes=2, score=0.05, language="en-GB")
        add_story(conn, aj, "Nachrichten", minutes=3, language="de")
    art = {"group": "article"}
    assert titles(engine, FeedSpec("f", "F", topics=("Summit",), **art)) == ["Japan China talks"]
    assert titles(engine, FeedSpec("f", "F", countries=("jp",), **art)) == ["Japan China talks"]
    # Taiwan is named, not a party: a feed for Taiwan's parties does not get the story.
    assert titles(engine, FeedSpec("f", "F", countries=("TW",), **art)) == []
    assert titles(engine, FeedSpec("f", "F", mentions=("tw",), **art)) == ["Japan China talks"]
    assert titles(engine, FeedSpec("f", "F", organizations=("apec",), **art)) == [
        "Japan China talks"
    ]
    assert titles(engine, FeedSpec("f", "F", sources=("aj",), **art)) == [
        "Nachrichten",
        "Sports result",
    ]
    assert titles(engine, FeedSpec("f", "F", min_score=0.6, **art)) == ["Sanctions on X"]
    assert titles(engine, FeedSpec("f", "F", languages=("en",), sources=("aj",), **art)) == [
        "Sports result"
    ]


def test_keywords_are_whole_words_case_insensitive_and_regexes_work(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        src = add_source(conn, "un")
        add_story(conn, src, "Iran talks resume", minutes=1)
        add_story(conn, src, "Iranian minister visits", minutes=2)
        add_story(conn, src, "Weather report", minutes=3, body_text="Iran is sunny")
        add_story(conn, src, "Talks on trade", minutes=4)
    art = {"group": "article"}
    assert titles(engine, FeedSpec("f", "F", include=("iran",), **art)) == [
        "Weather report",
        "Iran talks resume",
    ]
    assert titles(engine, FeedSpec("f", "F", include=("/iran(ian)?/",), **art)) == [
        "Weather report",
        "Iranian minister visits",
        "Iran talks resume",
    ]
    assert titles(engine, FeedSpec("f", "F", include=("talks",), exclude=("IRAN",), **art)) == [
        "Talks on trade"
    ]


def test_limit_is_filled_when_matches_are_sparse_and_deep(engine: sa.Engine) -> None:
    # 1200 non-matching stories are newer than the matching ones: the scan must go past
    # several batches to find `limit` matches.
    with engine.begin() as conn:
        src = add_source(conn, "un")
        for n in range(5):
            add_story(conn, src, f"Treaty signed {n}", minutes=n)
        rows = [
            {"title": f"Noise {n}", "minutes": 100 + n % 7}  # many share a timestamp
            for n in range(1200)
        ]
        for n, row in enumerate(rows):
            add_story(conn, src, row["title"], minutes=row["minutes"], item_key=f"noise-{n}")
    got = titles(engine, FeedSpec("f", "F", group="article", limit=4, include=("treaty",)))
    assert got == ["Treaty signed 4", "Treaty signed 3", "Treaty signed 2", "Treaty signed 1"]
    noise = titles(engine, FeedSpec("f", "F", group="article", limit=1000, exclude=("treaty",)))
    assert len(noise) == 1000 and len(set(noise)) == 1000


def test_a_revision_moves_updated_but_keeps_the_id(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        sid = add_story(conn, add_source(conn, "un"), "Old title")
    before = items(engine, FeedSpec("f", "F"))[0]
    with engine.begin() as conn:
        revise_story(conn, sid, "New title", T0 + timedelta(hours=3))
    after = items(engine, FeedSpec("f", "F"))[0]
    assert (before.key, after.key) == (f"story/{sid}", f"story/{sid}")
    assert after.title == "New title" and after.updated == T0 + timedelta(hours=3)
    assert before.updated < after.updated


def test_archive_order_is_arrival_order_of_the_first_matching_story(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        src = add_source(conn, "un")
        a = add_story(conn, src, "A", minutes=50)
        b = add_story(conn, src, "B", minutes=10)  # arrived later, published earlier
        c = add_story(conn, src, "C", minutes=20)
        cluster_of(conn, [a, c], a)
    with engine.connect() as conn:
        keys = pick_all_oldest_first(conn, FeedSpec("f", "F"))
        cid = conn.execute(sa.select(stories.c.cluster_id).where(stories.c.id == a)).scalar()
    assert keys == [f"cluster/{cid}", f"story/{b}"]


def test_source_health_counts_stories(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        un = add_source(conn, "un", last_error="timeout", error_count=2, last_error_at=T0)
        add_source(conn, "aj", last_success_at=T0, last_status=200)
        add_story(conn, un, "One")
        add_story(conn, un, "Two", minutes=1)
    with engine.connect() as conn:
        health = {h.name: h for h in source_health(conn)}
    assert health["un"].story_count == 2 and health["un"].last_error == "timeout"
    assert health["aj"].story_count == 0 and health["aj"].last_success_at == T0


def test_store_version_separates_stories_from_source_health(engine: sa.Engine) -> None:
    def version():  # type: ignore[no-untyped-def]
        with engine.connect() as conn:
            return store_version(conn)

    with engine.begin() as conn:
        src = add_source(conn, "un")
    v0 = version()
    with engine.begin() as conn:
        conn.execute(sa.update(sources).values(last_fetch_at=T0, next_fetch_at=T0))
    v1 = version()
    assert v1.stories == v0.stories and v1.sources != v0.sources
    with engine.begin() as conn:
        sid = add_story(conn, src, "News")
    v2 = version()
    assert v2.stories != v1.stories
    with engine.begin() as conn:
        revise_story(conn, sid, "News, revised", T0 + timedelta(hours=1))
    v3 = version()
    assert v3.stories != v2.stories
    with engine.begin() as conn:
        add_cluster(conn, representative_id=sid)
    assert version().stories != v3.stories


def test_store_version_moves_on_deletes_and_not_on_what_pages_never_show(
    engine: sa.Engine,
) -> None:
    def version():  # type: ignore[no-untyped-def]
        with engine.connect() as conn:
            return store_version(conn)

    with engine.begin() as conn:
        src = add_source(conn, "un")
        keep, gone = add_story(conn, src, "Kept"), add_story(conn, src, "Pruned", minutes=1)
    v0 = version()
    with engine.begin() as conn:  # an item seen again: its raw hash and signature only
        conn.execute(
            sa.update(stories).where(stories.c.id == keep).values(raw_hash="x", minhash=b"y")
        )
    assert version().stories == v0.stories
    with engine.begin() as conn:  # retention removes a story
        conn.execute(sa.delete(stories).where(stories.c.id == gone))
    assert version().stories != v0.stories


@pytest.mark.postgres
def test_store_version_sees_a_writer_that_commits_after_a_later_one(pg_url: str) -> None:
    # Two workers: the first takes the lower change id but commits last. Its change is below
    # the newest id a server has already seen, and must still move the version.
    engine = open_store(pg_url)
    try:
        with engine.begin() as conn:
            src = add_source(conn, "un")
        slow, fast = engine.connect(), engine.connect()
        slow.begin()
        add_story(slow, src, "Slow writer")
        with fast.begin():
            add_story(fast, src, "Fast writer", minutes=1)
        with engine.connect() as conn:
            seen = store_version(conn)
        slow.commit()
        with engine.connect() as conn:
            assert store_version(conn).stories != seen.stories
        slow.close()
        fast.close()
    finally:
        engine.dispose()


def test_also_reported_by_never_repeats_the_representatives_own_article(
    engine: sa.Engine,
) -> None:
    with engine.begin() as conn:
        un, aj = add_source(conn, "un"), add_source(conn, "aj")
        a = add_story(conn, un, "Security Council meets on Sudan", minutes=1, outlet="UN News")
        again = add_story(conn, un, "Security Council meets on Sudan", minutes=2, outlet="UN News")
        b = add_story(conn, aj, "UN council discusses Sudan", minutes=3, outlet="Al Jazeera")
        cluster_of(conn, [a, again, b], a)
    [item] = items(engine, FeedSpec("c", "C"))
    assert [m.outlet for m in item.members] == ["Al Jazeera"]


def test_a_cluster_item_carries_the_topics_of_every_report_of_its_event(
    engine: sa.Engine,
) -> None:
    # The representative's text never says "talks"; another report of the event does.
    with engine.begin() as conn:
        wire, local = add_source(conn, "wire"), add_source(conn, "local")
        rep = add_story(conn, wire, "Border reopens after Lome deal", minutes=1, topics=["trade"])
        other = add_story(
            conn, local, "Niger and Benin agree roadmap", minutes=2, topics=["diplomacy", "talks"]
        )
        cluster_of(conn, [rep, other], rep)
        alone = add_story(conn, wire, "Market prices rise", minutes=3, topics=["economy"])
    unfiltered = {i.story_id: i.topics for i in items(engine, FeedSpec("c", "C"))}
    assert unfiltered[rep] == ("trade", "diplomacy", "talks")
    assert unfiltered[alone] == ("economy",)
    # A feed of single stories shows each story's own.
    own = {i.story_id: i.topics for i in items(engine, FeedSpec("s", "S", group="story"))}
    assert own[rep] == ("trade",) and own[other] == ("diplomacy", "talks")
