"""Atom, RSS and JSON Feed documents: valid, stable, sanitized, readable by feedparser."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.query import FeedItem, Member
from feeds.render import FeedView, render_atom, render_json, render_rss
from feeds.spec import FeedSpec, SiteSpec
from tests.conftest import shared_path
from tests.feeds_support import SITE, T0

ATOM = "{http://www.w3.org/2005/Atom}"


def make_item(n: int, title: str = "", **fields: object) -> FeedItem:
    values: dict[str, object] = {
        "key": f"story/{n}",
        "story_id": n,
        "cluster_id": None,
        "url": f"https://outlet.example.com/news/{n}",
        "title": title or f"Story {n}",
        "summary": f"Summary {n}",
        "body_html": f"<p>Body {n}</p>",
        "author": None,
        "outlet": "Outlet",
        "source_name": "outlet",
        "source_url": "https://outlet.example.com/feed.xml",
        "language": "en",
        "published": T0 + timedelta(minutes=n),
        "updated": T0 + timedelta(minutes=n),
        "countries": ("JP",),
        "mentions": ("CN", "JP"),
        "organizations": ("APEC",),
        "topics": ("summit",),
        "dateline": "TOKYO",
        "members": (),
    }
    return FeedItem(**(values | fields))  # type: ignore[arg-type]


CLUSTER = make_item(
    9,
    "Leaders meet in Tokyo",
    key="cluster/4",
    cluster_id=4,
    author="Jane Doe",
    members=(
        Member(10, "https://other.example.net/a", "Other Outlet", "Tokyo summit", T0),
        Member(11, "https://third.example.org/b", "Third", "Leaders in Tokyo", T0),
    ),
)
VIEW = FeedView(FeedSpec("all", "All stories", "Every story"), SITE, [CLUSTER, make_item(2)])


def test_atom_is_valid_and_fixes_feedgens_defects() -> None:
    root = etree.fromstring(render_atom(VIEW))
    entry = root.find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link")
    assert (link.get("rel"), link.get("type")) == ("alternate", "text/html")
    assert link.get("href") == CLUSTER.url
    assert entry.findtext(f"{ATOM}id") == "tag:news.example.org,2026:feed/all/cluster/4"
    assert entry.findtext(f"{ATOM}source/{ATOM}title") == "Outlet"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Jane Doe"
    assert entry.findtext(f"{ATOM}published") == "2026-03-01T12:09:00+00:00"
    terms = {c.get("term") for c in entry.iterfind(f"{ATOM}category")}
    assert terms == {"summit", "JP"}
    rels = {ln.get("rel"): ln.get("href") for ln in root.iterfind(f"{ATOM}link")}
    assert rels["self"] == "http://news.example.org/feeds/all.atom"
    assert rels["alternate"] == "http://news.example.org/feeds/all/"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_rss_channel_link_guid_dates_source_and_author() -> None:
    root = etree.fromstring(render_rss(VIEW))
    channel = root.find("channel")
    assert channel.findtext("link") == "http://news.example.org/feeds/all/"
    assert channel.findtext("language") == "en"
    self_link = channel.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://news.example.org/feeds/all.rss"
    item = channel.find("item")
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false" and guid.text.startswith("tag:")
    assert item.findtext("pubDate") == "Sun, 01 Mar 2026 12:09:00 +0000"
    assert item.find("source").get("url") == "https://outlet.example.com/feed.xml"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Jane Doe"
    assert {c.text for c in item.iterfind("category")} == {"summit", "JP"}


def test_cluster_content_ends_with_the_other_outlets() -> None:
    for render in (render_atom, render_rss):
        parsed = feedparser.parse(render(VIEW))
        html = parsed.entries[0].get("content", [{}])[0].get("value") or parsed.entries[0].summary
        assert "Also reported by" in html
        assert html.index("Other Outlet") < html.index("Third")
        assert "https://other.example.net/a" in html


@pytest.mark.parametrize("render", [render_atom, render_rss])
def test_feedparser_reads_back_titles_links_and_ids(render) -> None:  # type: ignore[no-untyped-def]
    parsed = feedparser.parse(render(VIEW))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == ["Leaders meet in Tokyo", "Story 2"]
    assert [e.link for e in parsed.entries] == [CLUSTER.url, "https://outlet.example.com/news/2"]
    assert parsed.entries[0].id == "tag:news.example.org,2026:feed/all/cluster/4"


def test_html_is_sanitized_in_every_format() -> None:
    evil = make_item(
        1,
        body_html='<p onclick="x()">Hi<script>alert(1)</script><iframe src="e"></iframe>'
        '<a href="javascript:alert(1)">j</a><img src="data:image/png;base64,AA">'
        '<img src="https://t.example/p.gif" width="1" height="1"><style>p{}</style></p>',
    )
    view = FeedView(FeedSpec("all", "All"), SITE, [evil])
    for body in (render_atom(view), render_rss(view), render_json(view)):
        text = body.decode()
        for bad in ("<script", "&lt;script", "onclick", "iframe", "javascript:", "data:image"):
            assert bad not in text
        assert "p.gif" not in text and "p{}" not in text and "Hi" in text


def test_hub_and_archive_links() -> None:
    site = SiteSpec(base_url="http://news.example.org/", hub="https://hub.example.com/")
    current = FeedView(FeedSpec("all", "All"), site, [make_item(1)], pages=3)
    archive = FeedView(FeedSpec("all", "All"), site, [make_item(1)], pages=3, page=2)
    atom = etree.fromstring(render_atom(current))
    rels = {ln.get("rel"): ln.get("href") for ln in atom.iterfind(f"{ATOM}link")}
    assert rels["hub"] == "https://hub.example.com/"
    assert rels["prev-archive"] == "http://news.example.org/feeds/all/archive/3.atom"
    page = etree.fromstring(render_rss(archive)).find("channel")
    rels = {ln.get("rel"): ln.get("href") for ln in page.iterfind(f"{ATOM}link")}
    assert page.find("{http://purl.org/syndication/history/1.0}archive") is not None
    assert rels["self"] == "http://news.example.org/feeds/all/archive/2.rss"
    assert rels["prev-archive"] == "http://news.example.org/feeds/all/archive/1.rss"
    assert rels["next-archive"] == "http://news.example.org/feeds/all/archive/3.rss"
    assert rels["current"] == "http://news.example.org/feeds/all.rss"
    feed = json.loads(render_json(current))
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example.com/"}]
    assert feed["next_url"] == "http://news.example.org/feeds/all/archive/3.json"


def test_json_feed_carries_the_communique_extension_and_validates(tmp_path: Path) -> None:
    feed = json.loads(render_json(VIEW))
    ext = feed["items"][0]["_communique"]
    assert ext["cluster"] == 4 and ext["outlet"] == "Outlet" and ext["dateline"] == "TOKYO"
    assert [m["outlet"] for m in ext["members"]] == ["Outlet", "Other Outlet", "Third"]
    assert ext["countries"] == ["JP"] and ext["topics"] == ["summit"]
    assert ext["mentions"] == ["CN", "JP"] and ext["organizations"] == ["APEC"]
    assert feed["items"][0]["date_published"] == "2026-03-01T12:09:00Z"
    validate_json_feed(render_json(VIEW), tmp_path)


def validate_json_feed(body: bytes, tmp_path: Path) -> None:
    validator = shared_path("tools", "jsonfeed", "validate_jsonfeed.py")
    path = tmp_path / "feed.json"
    path.write_bytes(body)
    run = subprocess.run([sys.executable, str(validator), str(path)], capture_output=True)
    assert run.returncode == 0, run.stdout.decode() + run.stderr.decode()


def test_an_empty_feed_is_still_valid() -> None:
    view = FeedView(FeedSpec("none", "Nothing"), SITE, [])
    assert etree.fromstring(render_atom(view)).findtext(f"{ATOM}updated")
    assert feedparser.parse(render_rss(view)).feed.title == "Nothing"
    assert json.loads(render_json(view))["items"] == []


def test_rendering_depends_only_on_the_data() -> None:
    assert render_atom(VIEW) == render_atom(VIEW)
    assert render_rss(VIEW) == render_rss(VIEW)


def visible(text: str) -> str:
    """What survives in a title: XML-legal characters, whitespace runs as one space."""
    from ingest.sanitize import xml_safe

    return " ".join(re.sub("[\x80-\x9f]", "", xml_safe(text)).split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4), st.text(max_size=80))
def test_any_story_text_gives_well_formed_feeds(titles: list[str], body: str) -> None:
    items = [
        make_item(n, title=t, body_html=body, summary=body, author=t, outlet=t or "x")
        for n, t in enumerate(titles, start=1)
    ]
    items = [i for i in items if visible(i.title)]
    view = FeedView(FeedSpec("all", body or "t"), SITE, list(reversed(items)))
    for render in (render_atom, render_rss):
        data = render(view)
        root = etree.fromstring(data)  # well-formed, or this raises
        path = f"{ATOM}entry/{ATOM}title" if render is render_atom else "channel/item/title"
        strict = [el.text or "" for el in root.iterfind(path)]
        assert [" ".join(t.split()) for t in strict] == [visible(i.title) for i in view.items]
        parsed = feedparser.parse(data)
        got = [" ".join(e.get("title", "").split()) for e in parsed.entries]
        assert len(got) == len(view.items)
        for title, item in zip(got, view.items, strict=True):
            assert title in (visible(item.title), undouble(visible(item.title)))
    json.loads(render_json(view))


def undouble(text: str) -> str:
    """feedparser repairs what looks like UTF-8 read as Latin-1 ("Ã©" → "é"), so a title that
    really is "Ã©" comes back repaired; that is feedparser's choice, not a flaw in our XML."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text
