"""Feed documents of every dialect → ParsedFeed, from bytes and headers (as the fetcher gives)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.errors import ParseError
from ingest.fetch import Fetcher
from ingest.model import Fetched, FetchOptions, ParsedFeed, SourceSpec
from ingest.parse import parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
FEED_URL = "https://feeds.example/news/feed.xml"
SOURCE = SourceSpec(name="wire", url=FEED_URL)


def fetched(body: bytes, content_type: str = "application/xml", url: str = FEED_URL) -> Fetched:
    return Fetched(url=url, final_url=url, status=200, headers={"content-type": content_type},
                   body=body)  # fmt: skip


def parse_fixture(name: str, content_type: str = "application/xml") -> ParsedFeed:
    return parse_feed(SOURCE, fetched((FIXTURES / name).read_bytes(), content_type))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# --- the dialects -------------------------------------------------------------------------


def test_rss090() -> None:
    feed = parse_fixture("rss090.xml")
    assert feed.title == "Wire 0.90" and feed.link == "https://wire.example/"
    assert [i.title for i in feed.items] == ["Envoys meet in Geneva", "Ceasefire talks resume"]
    # A relative link is resolved against the feed's URL.
    assert feed.items[1].url == "https://feeds.example/2024/ceasefire-talks"
    assert all(i.guid is None and i.published is None for i in feed.items)


def test_rss091_with_entities_and_language() -> None:
    feed = parse_fixture("rss091.xml", "application/rss+xml")
    (item,) = feed.items
    assert item.title == "Sommet à Bruxelles"
    assert item.summary_html == "Les ministres se réunissent."
    assert feed.language == "fr" and item.language == "fr"


def test_rss092_keeps_html_in_the_summary() -> None:
    (item,) = parse_fixture("rss092.xml").items
    assert item.summary_html == "<p>The delegation <b>arrived</b> on Monday.</p>"
    assert item.categories == ("trade",)


def test_rss1_rdf() -> None:
    feed = parse_fixture("rss1.rdf", "application/rdf+xml")
    (item,) = feed.items
    assert item.guid == "https://rdf.example/a/1" and item.url == "https://rdf.example/a/1"
    assert item.author == "Aiko Tanaka" and item.categories == ("diplomacy",)
    # RSS 1.0's dc:date is its only date: kept raw, and as "updated" in UTC.
    assert item.published_raw == "2024-03-05T09:30:00+09:00"
    assert item.updated == utc(2024, 3, 5, 0, 30)
    assert item.language == "en"


def test_rss2_with_content_encoded() -> None:
    feed = parse_fixture("rss2.xml", "application/rss+xml; charset=utf-8")
    first, second = feed.items
    assert first.guid == "diplomat-4711"
    assert first.url == "https://diplomat.example/news/thaw?utm_source=rss"  # as given
    assert first.summary_html == "Short teaser about the thaw."
    assert first.content_html is not None
    assert first.content_html.startswith("<p>ANKARA — In a significant diplomatic encounter")
    assert first.published_raw == "Tue, 05 Mar 2024 14:00:00 +0100"
    assert first.published == utc(2024, 3, 5, 13, 0)
    assert first.author == "Jean Martin" and first.categories == ("Diplomacy", "Trade")
    assert first.feed_title == "Daily Diplomat" and first.language == "en-gb"
    assert first.source == "wire"
    assert second.url == "https://feeds.example/news/relative"
    assert feed.notes == ()


def test_atom03() -> None:
    (item,) = parse_fixture("atom03.xml", "application/atom+xml").items
    assert item.guid == "tag:kanzlei.example,2024:1"
    assert item.published == utc(2024, 3, 5, 10, 0) and item.updated == utc(2024, 3, 5, 12, 0)
    assert item.author == "Karl Weber" and item.language == "de"


def test_atom10() -> None:
    feed = parse_fixture("atom10.xml", "application/atom+xml")
    dated, undated = feed.items
    assert dated.url == "https://feeds.example/news/posts/g20-climate"
    assert dated.title == "G20 & the climate file"  # an HTML title is decoded once, here
    assert dated.summary_html == "<p>Short summary.</p>"
    assert dated.content_html is not None and "G20 summit" in dated.content_html
    assert dated.published == utc(2024, 3, 6, 14, 0)
    assert dated.categories == ("summit", "climate")
    # A text content is escaped into HTML; feedparser's copy of it as summary is dropped.
    assert undated.content_html == "<p>Plain text content.</p>" and undated.summary_html is None
    assert undated.published is None and undated.published_raw is None


def test_jsonfeed_10() -> None:
    feed = parse_fixture("jsonfeed10.json", "application/json")
    first, text_only = feed.items
    assert feed.title == "Chancery JSON 1.0" and feed.link == "https://chancery.example/"
    assert first.guid == "1001"  # a numeric id becomes a string
    assert first.url == "https://chancery.example/a/1001?fbclid=abc"
    assert first.content_html == "<p>The sanctions were eased.</p>"
    assert first.summary_html == "<p>Eased.</p>"
    assert first.published == utc(2024, 3, 5, 8, 0) and first.updated == utc(2024, 3, 5, 12, 0)
    assert first.author == "Ana Costa" and first.categories == ("sanctions", "talks")
    assert text_only.url is None and text_only.author == "Desk"
    assert text_only.content_html == "<p>An item with text only &amp; no URL.</p>"


def test_jsonfeed_11_detected_by_body_without_a_json_content_type() -> None:
    feed = parse_fixture("jsonfeed11.json", "text/plain")
    (item,) = feed.items
    assert item.url == "https://feeds.example/a/2002"
    assert item.author == "Li Wei, Sam Roe"
    assert item.language == "en-GB" and feed.language == "en-US"
    assert item.published == utc(2024, 3, 7, 8, 15)


def test_broken_but_usable_feed_is_read_with_a_note() -> None:
    feed = parse_fixture("broken_usable.xml")
    assert [i.url for i in feed.items] == [
        "https://sloppy.example/a/1",
        "https://sloppy.example/a/2",
    ]
    assert feed.items[0].title == "Unescaped & ampersand in a title"
    assert len(feed.notes) == 1 and "not well-formed" in feed.notes[0]


# --- not feeds ------------------------------------------------------------------------------


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match=r"source 'wire': not a feed: got text/html page"):
        parse_fixture("html_page.xml", "text/html; charset=utf-8")


def test_html_page_is_recognised_even_when_labelled_xml() -> None:
    with pytest.raises(ParseError, match="not a feed: got"):
        parse_fixture("html_page.xml", "application/xml")


def test_empty_body() -> None:
    with pytest.raises(ParseError, match=r"source 'wire': not a feed: empty body \(https://"):
        parse_fixture("empty.xml")


def test_xml_error_names_the_line() -> None:
    body = b"<?xml version='1.0'?>\n<rss version='2.0'>\n<channel><title>x</titl></channel></rss>"
    with pytest.raises(ParseError, match=r"XML error at line 3: mismatched tag"):
        parse_feed(SOURCE, fetched(body))


def test_xml_that_is_no_feed() -> None:
    with pytest.raises(ParseError, match="no RSS, RDF or Atom root element"):
        parse_feed(SOURCE, fetched(b"<?xml version='1.0'?><catalog><book/></catalog>"))


@pytest.mark.parametrize(
    ("body", "cause"),
    [(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "JSON error at line 1"),
     (b'{"title": "no version", "items": []}', "no jsonfeed.org version"),
     (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "'items' is not a list")],
)  # fmt: skip
def test_bad_json_feeds(body: bytes, cause: str) -> None:
    with pytest.raises(ParseError, match=cause):
        parse_feed(SOURCE, fetched(body, "application/feed+json"))


def test_valid_empty_feed_is_no_error() -> None:
    body = b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    feed = parse_feed(SOURCE, fetched(body))
    assert feed.title == "Quiet" and feed.items == ()


# --- charsets -------------------------------------------------------------------------------

_DOC = (
    '<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>Genève</title>'
    "<item><title>Déclaration à Genève</title><link>https://x.example/a</link></item>"
    "</channel></rss>"
)


@pytest.mark.parametrize(
    ("declared", "encoding", "content_type"),
    [("utf-8", "latin-1", "application/rss+xml; charset=utf-8"),  # Latin-1 labelled UTF-8
     ("iso-8859-1", "utf-8", "application/rss+xml; charset=iso-8859-1"),  # and vice versa
     ("utf-8", "utf-8", "text/xml; charset=iso-8859-1"),
     ("iso-8859-1", "utf-8", "application/xml"),
     ("iso-8859-1", "latin-1", "application/xml"),
     ("utf-8", "utf-8", "application/xml")],
)  # fmt: skip
def test_wrong_or_missing_charset_still_reads(
    declared: str, encoding: str, content_type: str
) -> None:
    body = _DOC.format(declared=declared).encode(encoding)
    feed = parse_feed(SOURCE, fetched(body, content_type))
    assert feed.title == "Genève"
    assert feed.items[0].title == "Déclaration à Genève"


def test_charset_repair_is_noted() -> None:
    body = _DOC.format(declared="iso-8859-1").encode("utf-8")
    feed = parse_feed(SOURCE, fetched(body, "application/xml; charset=iso-8859-1"))
    assert any("read as UTF-8" in note for note in feed.notes)


# --- over the wire and on junk ----------------------------------------------------------------


def test_parse_what_the_fetcher_got(site) -> None:
    site.add("/feed.xml", (FIXTURES / "rss2.xml").read_bytes(), content_type="application/rss+xml")
    options = FetchOptions(allow_private_networks=True, per_host_delay=0)
    with Fetcher(options) as fetcher:
        got = fetcher.get(site.url("/feed.xml"))
    feed = parse_feed(SOURCE, got)
    assert feed.items[1].url == site.url("/news/relative")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_a_feed_or_a_parse_error(body: bytes) -> None:
    try:
        feed = parse_feed(SOURCE, fetched(body))
    except ParseError as e:
        assert "source 'wire'" in str(e)
        return
    assert isinstance(feed, ParsedFeed)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(p.name for p in FIXTURES.iterdir())), st.integers(0, 2000))
def test_truncated_fixtures_give_a_feed_or_a_parse_error(name: str, cut: int) -> None:
    body = (FIXTURES / name).read_bytes()[:cut]
    with contextlib.suppress(ParseError):
        parse_feed(SOURCE, fetched(body))


def test_relative_links_in_html_fields_resolve_against_their_xml_base() -> None:
    body = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xml:base="https://site.example/news/"><title>T</title><id>urn:t</id>'
        "<updated>2026-01-01T00:00:00Z</updated><entry><id>urn:1</id><title>A</title>"
        '<updated>2026-01-01T00:00:00Z</updated><link href="2026/a"/>'
        '<summary type="html">&lt;a href="/about"&gt;about&lt;/a&gt;</summary>'
        '<content type="html" xml:base="2026/"><![CDATA[<p><a href="b.html">b</a> '
        "<img SRC='img/c.png'> <a href=\"https://other.example/x\">x</a> "
        '<a href="#note">n</a> <a href="mailto:desk@site.example">m</a></p>]]></content>'
        "</entry></feed>"
    )
    (item,) = parse_feed(SOURCE, fetched(body.encode(), "application/atom+xml")).items
    assert item.url == "https://site.example/news/2026/a"
    assert item.summary_html == '<a href="https://site.example/about">about</a>'
    assert item.content_html == (
        '<p><a href="https://site.example/news/2026/b.html">b</a> '
        "<img SRC='https://site.example/news/2026/img/c.png'> "
        '<a href="https://other.example/x">x</a> <a href="#note">n</a> '
        '<a href="mailto:desk@site.example">m</a></p>'
    )
