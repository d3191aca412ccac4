"""The pipeline end to end on the bundled demo site, on SQLite and on PostgreSQL, and the
first two dedupe levels: identity across polls, and one article under several URLs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from communique.demo import DemoSite
from ingest import pipeline
from ingest.fetch import Fetcher
from ingest.model import FetchOptions, SourceSpec
from ingest.store.engine import open_store
from ingest.store.schema import clusters, sources, stories, story_revisions
from tests.conftest import FixtureSite

OPTIONS = FetchOptions(allow_private_networks=True, per_host_delay=0, timeout=10)


@pytest.fixture
def demo() -> Iterator[DemoSite]:
    with DemoSite() as site:
        yield site


def demo_specs(site: DemoSite) -> list[SourceSpec]:
    import tempfile
    from pathlib import Path

    from communique.demo import demo_config
    from communique.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.toml"
        path.write_text(demo_config(site.base_url, "sqlite:///unused.db", "127.0.0.1", 8080))
        return list(load_settings(path).sources)


def run(engine: sa.Engine, specs: list[SourceSpec]) -> list[pipeline.SourceReport]:
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, specs)
        return pipeline.ingest_many(ctx, specs, workers=4)


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_demo_site_ingests_once_on_both_stores(store_url: str, demo: DemoSite) -> None:
    engine = open_store(store_url)
    specs = demo_specs(demo)
    reports = run(engine, specs)
    assert all(r.ok for r in reports), [(r.name, r.error) for r in reports]
    assert sum(r.new for r in reports) == 20
    assert count(engine, stories) == 20
    # The APEC meeting, carried by several outlets, collapses into fewer clusters than stories.
    assert count(engine, clusters) < 20
    again = run(engine, specs)
    assert sum(r.new for r in again) == 0
    assert {r.outcome for r in again} <= {"not-modified", "unchanged", "ok"}
    assert count(engine, stories) == 20
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(sources.c.name, sources.c.last_error, sources.c.next_fetch_at)
        )
        for name, error, next_fetch in rows:
            assert error is None, (name, error)
            assert next_fetch is not None and next_fetch.tzinfo is not None


def test_unchanged_sources_are_recorded_together_when_the_run_ends(
    tmp_path, demo: DemoSite
) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    specs = demo_specs(demo)
    run(engine, specs)
    with engine.connect() as conn:
        before = dict(conn.execute(sa.select(sources.c.name, sources.c.last_fetch_at)).all())
    writes: list[int] = []

    def counted(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("sqlite_begin", "BEGIN IMMEDIATE") == "BEGIN IMMEDIATE":
            writes.append(1)

    sa.event.listen(engine, "begin", counted)
    again = run(engine, specs)
    sa.event.remove(engine, "begin", counted)
    assert {r.outcome for r in again} <= {"not-modified", "unchanged"}
    # One write for every source's record (and the sync before the run), not one each.
    assert len(writes) <= 2, len(writes)
    with engine.connect() as conn:
        after = dict(conn.execute(sa.select(sources.c.name, sources.c.last_fetch_at)).all())
    assert all(after[name] > before[name] for name in before)


RSS_ITEM = """<item><title>{title}</title><link>{link}</link>{guid}
<pubDate>Mon, 18 Nov 2024 09:00:00 GMT</pubDate>
<description><![CDATA[<p>{body}</p>]]></description></item>"""

BODY = (
    "GENEVA — Negotiators from Armenia and Azerbaijan met in Geneva on Monday for a new round "
    "of talks on a peace treaty, the Swiss foreign ministry said, as both sides reported "
    "progress on the delimitation of their shared border and on the reopening of transport "
    "links between the two countries after decades of conflict over Nagorno-Karabakh."
)


def feed(*items: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Alpine Post</title>'
        "<link>http://alpine.example/</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def one_source(site: FixtureSite) -> list[SourceSpec]:
    return [SourceSpec(name="Alpine Post", url=site.url("/feed.xml"), full_text="never")]


def test_a_changed_item_is_a_revision_with_the_same_id(sqlite_url: str, site: FixtureSite) -> None:
    engine = open_store(sqlite_url)
    item = RSS_ITEM.format(
        title="Armenia and Azerbaijan resume peace talks",
        link=site.url("/a/1"),
        guid="<guid>alpine-1</guid>",
        body=BODY,
    )
    site.add("/feed.xml", feed(item), content_type="application/rss+xml")
    run(engine, one_source(site))
    with engine.connect() as conn:
        first = conn.execute(
            sa.select(stories.c.id, stories.c.revision, stories.c.updated_at)
        ).one()
    revised = item.replace("reported progress", "reported substantial progress").replace(
        "resume peace talks", "make progress in peace talks"
    )
    site.add("/feed.xml", feed(revised), content_type="application/rss+xml")
    reports = run(engine, one_source(site))
    assert reports[0].revised == 1 and reports[0].new == 0
    with engine.connect() as conn:
        second = conn.execute(
            sa.select(stories.c.id, stories.c.revision, stories.c.updated_at, stories.c.title)
        ).one()
    assert second.id == first.id
    assert second.revision == first.revision + 1
    assert second.updated_at is not None and second.title.startswith("Armenia and Azerbaijan make")
    assert count(engine, story_revisions) == 1


def test_identity_falls_back_from_guid_to_link_to_content(
    sqlite_url: str, site: FixtureSite
) -> None:
    engine = open_store(sqlite_url)
    no_guid = RSS_ITEM.format(
        title="Talks in Geneva", link=site.url("/a/2?utm_source=rss"), guid="", body=BODY
    )
    no_link = (
        "<item><title>Border commission meets</title><description>" + BODY + "</description></item>"
    )
    site.add("/feed.xml", feed(no_guid, no_link), content_type="application/rss+xml")
    run(engine, one_source(site))
    # Polled again with the tracking parameter changed: the canonical link is the identity.
    site.add(
        "/feed.xml",
        feed(no_guid.replace("utm_source=rss", "utm_source=twitter"), no_link),
        content_type="application/rss+xml",
    )
    reports = run(engine, one_source(site))
    assert reports[0].new == 0
    with engine.connect() as conn:
        keys = sorted(conn.execute(sa.select(stories.c.item_key)).scalars())
    assert keys[0].startswith("hash:") and keys[1] == "url:" + site.url("/a/2")


def test_a_guid_the_feed_gives_two_articles_identifies_neither(
    sqlite_url: str, site: FixtureSite
) -> None:
    engine = open_store(sqlite_url)
    guid = "<guid isPermaLink='false'>http://alpine.example/?p=9580</guid>"
    first = RSS_ITEM.format(title="Talks in Geneva", link=site.url("/a/1"), guid=guid, body=BODY)
    other = RSS_ITEM.format(
        title="Oil output passes a record",
        link=site.url("/a/2"),
        guid=guid,
        body="GEORGETOWN — Guyana's oil output passed 900,000 barrels a day in March, the "
        "energy ministry said, as a fourth production ship reached full capacity off the coast "
        "and officials promised a review of how the revenue fund is spent.",
    )
    site.add("/feed.xml", feed(first, other), content_type="application/rss+xml")
    assert run(engine, one_source(site))[0].new == 2
    # Polled again: both are known by their links, and a repeat is still one story.
    site.add("/feed.xml", feed(first, other, first), content_type="application/rss+xml")
    assert run(engine, one_source(site))[0].new == 0
    with engine.connect() as conn:
        keys = sorted(conn.execute(sa.select(stories.c.item_key)).scalars())
    assert keys == ["url:" + site.url("/a/1"), "url:" + site.url("/a/2")]


@pytest.mark.parametrize(
    "variant",
    [
        "https://alpine.example/news/talks/",
        "http://www.alpine.example/news/talks",
        "https://m.alpine.example/news/talks?utm_medium=social",
        "https://amp.alpine.example/news/talks/amp",
    ],
)
def test_one_article_under_several_urls_is_stored_once(
    sqlite_url: str, site: FixtureSite, variant: str
) -> None:
    engine = open_store(sqlite_url)
    original = RSS_ITEM.format(
        title="Talks in Geneva", link="http://alpine.example/news/talks", guid="", body=BODY
    )
    site.add("/feed.xml", feed(original), content_type="application/rss+xml")
    run(engine, one_source(site))
    moved = RSS_ITEM.format(title="Talks in Geneva", link=variant, guid="", body=BODY)
    site.add("/feed.xml", feed(moved), content_type="application/rss+xml")
    reports = run(engine, one_source(site))
    assert reports[0].new == 0, variant
    assert count(engine, stories) == 1


LISTING = """<html><body><main>
<article class="teaser"><a class="headline" href="/story/good">Envoys meet in Oslo</a></article>
<article class="teaser"><a class="headline" href="/story/listing">Latest news</a></article>
<article class="teaser"><a class="headline" href="/story/huge">A very long page</a></article>
<article class="teaser"><a class="headline" href="/story/bare">An empty template</a></article>
</main></body></html>"""

ARTICLE = """<html lang="en"><head><title>Envoys meet in Oslo</title></head><body>
<div class="story-body"><p>OSLO — Envoys from Colombia and the ELN guerrilla group met in Oslo on
Tuesday for a new round of peace talks hosted by Norway, the Norwegian foreign ministry said,
after months of stalled negotiations over a ceasefire and the release of hostages.</p>
<p>Both delegations said they had agreed on an agenda for the coming weeks, and Norwegian
diplomats described the atmosphere as constructive despite deep differences.</p></div>
<div class="share">Share on X</div></body></html>"""


def html_source(site: FixtureSite) -> SourceSpec:
    from ingest.model import ArticleRules, ScrapeRules

    return SourceSpec(
        name="Nordic Wire",
        url=site.url("/news/"),
        kind="html",
        scrape=ScrapeRules(item="article.teaser", link="a.headline"),
        article=ArticleRules(body="div.story-body", remove=(".share",)),
    )


def test_bad_article_pages_are_recorded_on_the_source_and_lose_nothing_else(
    sqlite_url: str, site: FixtureSite
) -> None:
    engine = open_store(sqlite_url)
    site.add("/news/", LISTING, content_type="text/html")
    site.add("/story/good", ARTICLE, content_type="text/html; charset=utf-8")
    site.add("/story/listing", LISTING, content_type="text/html")
    site.add("/story/huge", "<p>" + "word " * 400_000 + "</p>", content_type="text/html")
    site.add(
        "/story/bare", "<html><body><p>Nothing here</p></body></html>", content_type="text/html"
    )
    options = FetchOptions(allow_private_networks=True, per_host_delay=0, max_bytes=200_000)
    with Fetcher(options) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [html_source(site)])
        [report] = pipeline.ingest_many(ctx, [html_source(site)])
    assert report.outcome == "ok" and report.new == 1 and report.failed == 3
    with engine.connect() as conn:
        title, body = conn.execute(sa.select(stories.c.title, stories.c.body_text)).one()
        error = conn.execute(sa.select(sources.c.last_error)).scalar_one()
    assert title == "Envoys meet in Oslo" and "Share on X" not in body
    # Fetch failures are known first (article pages are fetched before extraction runs).
    assert error.startswith("3 of 4 items dropped; first: item " + site.url("/story/huge"))
    assert "exceeds max_bytes (200000 bytes)" in error


def test_a_listing_selector_matching_nothing_is_a_source_error(
    sqlite_url: str, site: FixtureSite
) -> None:
    engine = open_store(sqlite_url)
    site.add("/news/", "<html><body><p>Redesigned page</p></body></html>", content_type="text/html")
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [html_source(site)])
        [report] = pipeline.ingest_many(ctx, [html_source(site)])
    assert report.outcome == "error"
    with engine.connect() as conn:
        error = conn.execute(sa.select(sources.c.last_error)).scalar_one()
    assert "scrape.item" in error and "article.teaser" in error and "matched nothing" in error


def test_the_same_article_at_a_new_url_is_a_revision(sqlite_url: str, site: FixtureSite) -> None:
    engine = open_store(sqlite_url)
    body = BODY + " " + BODY.replace("Monday", "Tuesday")
    old = RSS_ITEM.format(
        title="Armenia and Azerbaijan resume peace talks", link=site.url("/a/1"), guid="", body=body
    )
    site.add("/feed.xml", feed(old), content_type="application/rss+xml")
    run(engine, one_source(site))
    # The outlet moves its site (new path, edited slug): no GUID ties the two URLs.
    moved = old.replace(site.url("/a/1"), site.url("/news/2024/armenia-azerbaijan-talks"))
    site.add("/feed.xml", feed(moved), content_type="application/rss+xml")
    reports = run(engine, one_source(site))
    assert reports[0].new == 0, reports[0]
    with engine.connect() as conn:
        urls = list(conn.execute(sa.select(stories.c.url)).scalars())
    assert urls == [site.url("/news/2024/armenia-azerbaijan-talks")]
    # Known by its new URL from now on: the next poll does no work for it.
    site.add("/feed.xml", feed(moved) + " ", content_type="application/rss+xml")
    again = run(engine, one_source(site))
    assert again[0].seen == 1 and again[0].new == 0


def test_a_run_of_failures_records_when_it_began_and_a_success_ends_it(
    sqlite_url: str, site: FixtureSite
) -> None:
    from datetime import UTC, datetime

    from ingest.store.sources import health

    engine = open_store(sqlite_url)
    specs = one_source(site)
    now = [datetime(2026, 3, 1, 1, tzinfo=UTC)]
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher, clock=lambda: now[0])
        pipeline.sync(ctx, specs)
        site.add("/feed.xml", "<html>not a feed</html>", content_type="text/html")
        for hour in (2, 3, 4):
            now[0] = datetime(2026, 3, 1, hour, tzinfo=UTC)
            assert pipeline.ingest_many(ctx, specs)[0].outcome == "error"
        with engine.connect() as conn:
            (failing,) = health(conn)
        assert (failing.error_count, failing.failing_since) == (
            3,
            datetime(2026, 3, 1, 2, tzinfo=UTC),
        )
        item = RSS_ITEM.format(title="Talks", link=site.url("/a/1"), guid="", body=BODY)
        site.add("/feed.xml", feed(item), content_type="application/rss+xml")
        now[0] = datetime(2026, 3, 1, 5, tzinfo=UTC)
        assert pipeline.ingest_many(ctx, specs)[0].outcome == "ok"
        with engine.connect() as conn:
            (fine,) = health(conn)
    assert (fine.error_count, fine.failing_since) == (0, None)


def test_a_broken_process_pool_is_reported_and_not_held_against_the_source(
    sqlite_url: str, site: FixtureSite
) -> None:
    # A real pool whose workers die as they start (as a script without a __main__ guard
    # makes them): the source's report says what broke and why, and its row counts no error.
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from ingest.store.sources import health

    engine = open_store(sqlite_url)
    item = RSS_ITEM.format(title="Talks", link=site.url("/a/1"), guid="", body=BODY)
    site.add("/feed.xml", feed(item), content_type="application/rss+xml")
    specs = one_source(site)
    spawn = multiprocessing.get_context("spawn")
    broken = ProcessPoolExecutor(1, mp_context=spawn, initializer=os._exit, initargs=(1,))
    try:
        with Fetcher(OPTIONS) as fetcher:
            ctx = pipeline.Context(engine=engine, fetcher=fetcher, cpu=broken)
            pipeline.sync(ctx, specs)
            [report] = pipeline.ingest_many(ctx, specs)
    finally:
        broken.shutdown(wait=False)
    assert report.outcome == "error" and report.error == pipeline.POOL_BROKE
    assert 'if __name__ == "__main__":' in report.error
    with engine.connect() as conn:
        (row,) = health(conn)
    assert (row.error_count, row.last_error) == (0, None)
    assert count(engine, stories) == 0
