"""Listing pages that declare their stories in schema.org JSON-LD: ``kind = "html"`` with
no selectors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from ingest import pipeline
from ingest.errors import ParseError
from ingest.fetch import Fetcher
from ingest.listing import read_listing
from ingest.model import FetchOptions, ParsedFeed, SourceSpec
from ingest.store.engine import open_store
from ingest.store.schema import stories
from tests.conftest import FixtureSite
from tests.discovery_support import add_articles, article_html, ld_listing_html
from tests.discovery_support import stories as make_stories

OPTIONS = FetchOptions(allow_private_networks=True, per_host_delay=0, timeout=10)


def read(site: FixtureSite, path: str) -> ParsedFeed:
    source = SourceSpec(name="Harbour", url=site.url(path), kind="html")
    with Fetcher(OPTIONS) as fetcher:
        return read_listing(source, fetcher.get(source.url), fetcher, datetime.now(UTC))


def test_an_item_list_gives_links_titles_dates_authors_sections(site: FixtureSite) -> None:
    items = make_stories()
    site.add("/world/", ld_listing_html(site, items), content_type="text/html")
    parsed = read(site, "/world/")
    assert [i.url for i in parsed.items] == [site.url(s.path()) for s in items]
    first = parsed.items[0]
    assert (first.title, first.published) == (items[0].title, items[0].published)
    assert first.author == "Mira Tanaka" and first.categories == ("World",)
    assert first.language == "en" and parsed.title == "World — Harbour Times"


def test_a_graph_of_articles_and_plain_links_in_a_list(site: FixtureSite) -> None:
    items = make_stories()
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Harbour Times", "url": site.url("/")},
            {"@type": ["NewsArticle"], "mainEntityOfPage": {"@id": items[0].path()},
             "headline": items[0].title, "datePublished": "2026-03-12T08:00:00+09:00",
             "articleSection": ["World", "Asia"]},
            {"@type": "ItemList", "itemListElement": [
                {"@type": "ListItem", "position": 1, "url": site.url(items[1].path()),
                 "name": items[1].title},
                site.url(items[2].path()),
            ]},
        ],
    }  # fmt: skip
    page = f'<html><head><script type="application/ld+json">{json.dumps(graph)}</script>'
    site.add("/", page + '<script type="application/ld+json">{broken</script></head></html>')
    parsed = read(site, "/")
    assert [i.title for i in parsed.items] == [items[0].title, items[1].title, None]
    assert parsed.items[0].url == site.url(items[0].path())
    assert parsed.items[0].published == datetime(2026, 3, 11, 23, 0, tzinfo=UTC)
    assert parsed.items[0].categories == ("World", "Asia")
    assert parsed.title == "Harbour Times"


def test_a_story_page_describing_itself_is_not_a_listing(site: FixtureSite) -> None:
    story = make_stories()[0]
    own = {"@type": "NewsArticle", "url": site.url(story.path()), "headline": story.title}
    page = article_html(story).replace(
        "</head>", f'<script type="application/ld+json">{json.dumps(own)}</script></head>'
    )
    site.add(story.path(), page, content_type="text/html")
    with pytest.raises(ParseError, match=r"'Harbour': the page lists no stories in JSON-LD"):
        read(site, story.path())


def test_the_listed_pages_are_ingested(sqlite_url: str, site: FixtureSite) -> None:
    items = make_stories()
    site.add("/world/", ld_listing_html(site, items), content_type="text/html")
    add_articles(site, items)
    source = SourceSpec(name="Harbour", url=site.url("/world/"), kind="html")
    engine = open_store(sqlite_url)
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [source])
        report = pipeline.ingest_source(ctx, source)
    assert report.ok and report.new == 5, report.error
    with engine.connect() as conn:
        rows = conn.execute(sa.select(stories.c.title, stories.c.author)).all()
    assert sorted(rows) == sorted((s.title, "Mira Tanaka") for s in items)
