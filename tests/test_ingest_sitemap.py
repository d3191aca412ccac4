"""News sitemaps as sources: entries read, indexes followed (gzip included), ``max_age``
applied, and broken sitemaps giving a clear error or a bounded result."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import pipeline
from ingest.errors import ParseError
from ingest.fetch import Fetcher
from ingest.listing import MAX_SITEMAPS, read_listing
from ingest.model import Fetched, FetchOptions, ParsedFeed, SourceSpec
from ingest.sitemap import MAX_ENTRIES, read_sitemap
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories
from tests.conftest import FixtureSite
from tests.discovery_support import news_sitemap, sitemap_index, sitemap_site
from tests.discovery_support import stories as make_stories

OPTIONS = FetchOptions(allow_private_networks=True, per_host_delay=0, timeout=10)


def spec(site: FixtureSite, path: str, **kw: object) -> SourceSpec:
    return SourceSpec(name="Harbour", url=site.url(path), kind="sitemap", **kw)  # type: ignore[arg-type]


def read(site: FixtureSite, source: SourceSpec, now: datetime | None = None) -> ParsedFeed:
    with Fetcher(OPTIONS) as fetcher:
        fetched = fetcher.get(source.url)
        return read_listing(source, fetched, fetcher, now or datetime.now(UTC))


def test_a_news_sitemap_gives_url_title_date_language_keywords(site: FixtureSite) -> None:
    items = make_stories()
    site.add("/news.xml", news_sitemap(site, items), content_type="application/xml")
    parsed = read(site, spec(site, "/news.xml"))
    assert [i.url for i in parsed.items] == [site.url(s.path()) for s in items]
    first = parsed.items[0]
    assert first.title == items[0].title  # news:title, not the image's title
    assert first.published == items[0].published
    assert first.language == "en" and first.feed_title == "Harbour Times"
    assert first.categories == ("diplomacy", "Tokyo")
    assert parsed.title == "Harbour Times" and not parsed.dropped


def test_an_index_named_in_robots_leads_to_a_gzip_sitemap(site: FixtureSite) -> None:
    items = make_stories()
    index = sitemap_site(site, items)
    parsed = read(site, SourceSpec(name="Harbour", url=index, kind="sitemap"))
    assert len(parsed.items) == 5
    assert "1 sitemaps last changed before max_age: not read" in parsed.notes
    assert not any(r.path == "/archive-2019.xml" for r in site.requests)


def test_only_entries_within_max_age_newest_first_at_most_max_items(site: FixtureSite) -> None:
    items = make_stories()  # 1, 7, 13, 19 and 25 hours old
    site.add("/news.xml", news_sitemap(site, list(reversed(items))), content_type="text/xml")
    parsed = read(site, spec(site, "/news.xml", max_age=14 * 3600.0, max_items=2))
    assert [i.title for i in parsed.items] == [items[0].title, items[1].title]
    assert parsed.capped == 1
    assert "2 entries older than max_age (14h) skipped" in parsed.notes


def test_the_whole_ingest_stores_the_pages_it_names(sqlite_url: str, site: FixtureSite) -> None:
    items = make_stories()
    source = SourceSpec(name="Harbour", url=sitemap_site(site, items), kind="sitemap")
    engine = open_store(sqlite_url)
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [source])
        report = pipeline.ingest_source(ctx, source)
        assert report.ok and report.new == 5, report.error
        again = pipeline.ingest_source(ctx, source)
    assert again.new == 0 and again.seen == 5
    with engine.connect() as conn:
        rows = conn.execute(sa.select(stories.c.title, stories.c.body_text)).all()
    assert sorted(t for t, _ in rows) == sorted(s.title for s in items)
    assert all("Officials from" in text for _, text in rows)  # each page's own text


# --- broken sitemaps ------------------------------------------------------------------------


def test_a_sitemap_that_is_not_xml_is_a_clear_error(sqlite_url: str, site: FixtureSite) -> None:
    site.add("/news.xml", "this is { not xml", content_type="application/xml")
    source = spec(site, "/news.xml")
    with pytest.raises(ParseError, match=r"'Harbour': not a sitemap: XML error"):
        read(site, source)
    site.add("/page.xml", "<!doctype html><html><body>hi</body></html>", content_type="text/html")
    with pytest.raises(ParseError, match="not a sitemap: got an HTML page"):
        read(site, spec(site, "/page.xml"))
    site.add("/feed.xml", '<rss version="2.0"><channel/></rss>', content_type="text/xml")
    with pytest.raises(ParseError, match='use kind = "feed"'):
        read(site, spec(site, "/feed.xml"))
    engine = open_store(sqlite_url)  # and the pipeline records it on the source
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [source])
        report = pipeline.ingest_source(ctx, source)
    assert report.outcome == "error" and report.error_type == "ParseError"
    with engine.connect() as conn:
        error = conn.execute(sa.select(sources.c.last_error)).scalar_one()
    assert "not a sitemap: XML error" in error


def test_an_index_that_lists_itself_is_an_error_not_a_loop(site: FixtureSite) -> None:
    site.add("/index.xml", sitemap_index((site.url("/index.xml"), None)))
    with pytest.raises(ParseError, match="leads to no sitemap"):
        read(site, spec(site, "/index.xml"))
    assert sum(r.path == "/index.xml" for r in site.requests) == 1


def test_indexes_are_bounded_in_depth_and_count(site: FixtureSite) -> None:
    items = make_stories()
    site.add("/news.xml", news_sitemap(site, items[:1]), content_type="application/xml")
    # An index naming itself, the real sitemap, and many more indexes that name each other.
    many = [(site.url(f"/i{n}.xml"), None) for n in range(60)]
    site.add("/index.xml", sitemap_index((site.url("/index.xml"), None),
                                         (site.url("/news.xml"), None), *many))  # fmt: skip
    for n in range(60):
        site.add(f"/i{n}.xml", sitemap_index((site.url(f"/i{n + 1}.xml"), None)))
    parsed = read(site, spec(site, "/index.xml"))
    assert [i.title for i in parsed.items] == [items[0].title]
    assert len(site.requests) <= MAX_SITEMAPS + 2  # robots.txt and the files allowed
    assert any("more sitemaps not read" in n for n in parsed.notes)


def test_one_broken_child_loses_only_itself(site: FixtureSite) -> None:
    items = make_stories()
    site.add("/news.xml", news_sitemap(site, items), content_type="application/xml")
    site.add("/index.xml", sitemap_index((site.url("/gone.xml"), None),
                                         (site.url("/news.xml"), None)))  # fmt: skip
    parsed = read(site, spec(site, "/index.xml"))
    assert len(parsed.items) == 5
    assert parsed.dropped and "/gone.xml" in parsed.dropped[0] and "404" in parsed.dropped[0]


def test_fifty_thousand_entries_give_a_bounded_result_quickly(site: FixtureSite) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    entry = (
        "<url><loc>{base}/a/{n}</loc><news:news><news:publication_date>{when}"
        "</news:publication_date><news:title>Story {n}</news:title></news:news></url>"
    )
    body = "".join(
        entry.format(base=site.base, n=n, when=(now - timedelta(seconds=n)).isoformat())
        for n in range(MAX_ENTRIES + 10)
    )
    doc = news_sitemap(site, [], extra=body)
    site.add("/big.xml.gz", gzip.compress(doc.encode()), headers={"Content-Encoding": "identity"})
    started = time.monotonic()
    parsed = read(site, spec(site, "/big.xml.gz", max_items=100))
    assert time.monotonic() - started < 60  # a bound, not a speed target (bench/ has those)
    assert [i.title for i in parsed.items[:2]] == ["Story 0", "Story 1"]
    assert len(parsed.items) == 100 and parsed.capped == MAX_ENTRIES - 100
    assert "10 entries beyond 50000 in one file not read" in parsed.notes


def test_a_gzip_bomb_stops_at_max_bytes(site: FixtureSite) -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (4 * 1024 * 1024))
    site.add("/bomb.xml.gz", bomb, headers={"Content-Encoding": "identity"})
    source = spec(site, "/bomb.xml.gz")
    small = FetchOptions(allow_private_networks=True, per_host_delay=0, max_bytes=1024 * 1024)
    with Fetcher(small) as fetcher, pytest.raises(ParseError, match="more than max_bytes"):
        read_listing(source, fetcher.get(source.url), fetcher, datetime.now(UTC))


def test_entries_without_dates_or_in_the_future_are_skipped_and_said(site: FixtureSite) -> None:
    items = make_stories()
    later = datetime.now(UTC) + timedelta(days=30)
    extra = (
        f"<url><loc>{site.base}/undated-1</loc></url><url><loc>{site.base}/undated-2</loc></url>"
        f"<url><loc>{site.base}/later</loc><lastmod>{later.isoformat()}</lastmod></url>"
        "<url><loc>ftp://elsewhere/x</loc><lastmod>2024-01-01</lastmod></url>"
    )
    site.add("/news.xml", news_sitemap(site, items[:2], extra=extra), content_type="text/xml")
    parsed = read(site, spec(site, "/news.xml"))
    assert [i.title for i in parsed.items] == [items[0].title, items[1].title]
    assert parsed.dropped == (
        "2 sitemap entries without a date (news:publication_date or lastmod) skipped: "
        "their age cannot be told",
        "1 sitemap entries dated more than a day ahead skipped",
        "1 sitemap entries without an http(s) <loc> skipped",
    )


def test_entities_are_never_expanded(site: FixtureSite, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    when = datetime.now(UTC).isoformat()
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
        f"<urlset><url><loc>{site.base}/a/&x;</loc><lastmod>{when}</lastmod></url></urlset>"
    )
    site.add("/xxe.xml", xxe, content_type="application/xml")
    parsed = read(site, spec(site, "/xxe.xml"))
    assert all("TOP-SECRET" not in (i.url or "") for i in parsed.items)
    laughs = "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">{laughs}]>'
        f"<urlset><url><loc>{site.base}/&h;</loc><lastmod>{when}</lastmod></url></urlset>"
    )
    site.add("/lol.xml", bomb, content_type="application/xml")
    with pytest.raises(ParseError, match="not a sitemap"):
        read(site, spec(site, "/lol.xml"))


_FIELD = st.text(st.characters(codec="utf-8"), max_size=20) | st.sampled_from(
    ["<", "&", "&#0;", "]]>", "2024-13-45", "9999-12-31T23:59:59Z", "http://h/a", "ftp://x"]
)


@st.composite
def sitemaps(draw: st.DrawFn) -> bytes:
    root = draw(st.sampled_from(["urlset", "sitemapindex", "rss"]))
    child = "url" if root != "sitemapindex" else "sitemap"
    entries = "".join(
        f"<{child}><loc>{draw(_FIELD)}</loc><lastmod>{draw(_FIELD)}</lastmod>"
        f"<news:news><news:title>{draw(_FIELD)}</news:title></news:news></{child}>"
        for _ in range(draw(st.integers(0, 4)))
    )
    doc = f'<{root} xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</{root}>'
    body = doc.encode("utf-8", "surrogatepass")
    return gzip.compress(body) if draw(st.booleans()) else body


def _read_bytes(body: bytes) -> None:
    fetched = Fetched("http://h/s.xml", "http://h/s.xml", 200, {}, body)
    source = SourceSpec(name="f", url="http://h/s.xml", kind="sitemap")
    try:
        sitemap = read_sitemap(source, fetched, datetime.now(UTC), 1024 * 1024)
    except ParseError as e:
        assert str(e).startswith("source 'f': ")
        return
    assert all((i.url or "").startswith(("http://", "https://")) for i in sitemap.entries)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sitemaps())
def test_any_sitemap_gives_entries_or_a_parse_error(body: bytes) -> None:
    _read_bytes(body)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_entries_or_a_parse_error(body: bytes) -> None:
    _read_bytes(body)
