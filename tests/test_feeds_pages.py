"""Pages for people: the feed page and the status page, as HTML and in headless Chromium."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree, html

from feeds.pages import opml, status_page
from feeds.spec import FeedSpec
from ingest.store.engine import open_store
from ingest.store.sources import SourceHealth
from tests.conftest import require_program
from tests.feeds_support import SITE, T0, Served, add_source, add_story, cluster_of, serve

FEEDS = [FeedSpec("all", "All stories", "Every story <b>we</b> have")]
TITLES = ["Ministers meet in Geneva", "Talks on <Iran> & sanctions", "日本と中国の外相が会談"]


@pytest.fixture
def served(sqlite_url: str) -> Iterator[Served]:
    engine = open_store(sqlite_url)
    with engine.begin() as conn:
        un, aj = add_source(conn, "un"), add_source(conn, "aj")
        ids = [add_story(conn, un, t, minutes=n) for n, t in enumerate(TITLES)]
        copy = add_story(conn, aj, "Geneva, another view", minutes=9)
        cluster_of(conn, [ids[0], copy], ids[0])
        add_story(
            conn, aj, "Scripted", minutes=10, body_html='<p>safe</p><script>alert("x")</script>'
        )
    with serve(engine, FEEDS) as srv:
        yield srv
    engine.dispose()


def test_feed_page_shows_items_subscribe_links_and_autodiscovery(served: Served) -> None:
    body = httpx.get(served.url("feeds/all/")).text
    doc = html.fromstring(body)
    assert [a.text_content() for a in doc.iterfind(".//article/h2/a")] == [
        "Scripted",
        *reversed(TITLES),
    ]
    alternates = {
        ln.get("type"): ln.get("href") for ln in doc.iterfind(".//link[@rel='alternate']")
    }
    assert alternates == {
        "application/atom+xml": served.url("feeds/all.atom"),
        "application/rss+xml": served.url("feeds/all.rss"),
        "application/feed+json": served.url("feeds/all.json"),
    }
    subscribe = [a.get("href") for a in doc.iterfind(".//p[@class='subscribe']/a")]
    assert subscribe == list(alternates.values())
    assert "<script" not in body and "Also reported by" in body and "Geneva, another view" in body
    assert "Every story &lt;b&gt;we&lt;/b&gt; have" in body  # escaped, not markup


def test_status_page_shows_source_health_escaped() -> None:
    health = [
        SourceHealth(
            "un <x>", "https://un.example/feed", None, True, T0, T0, 200, None, None, T0, 0, None, 7
        ),
        SourceHealth(
            "dw",
            "https://dw.example/feed",
            None,
            True,
            T0,
            None,
            503,
            "HTTP 503 <oops>",
            T0,
            T0,
            3,
            None,
            0,
        ),
    ]
    body = status_page(SITE, FEEDS, health).decode()
    assert "un &lt;x&gt;" in body and "HTTP 503 &lt;oops&gt;" in body
    assert '<time datetime="2026-03-01T12:00:00Z">2026-03-01 12:00:00 UTC</time>' in body
    rows = html.fromstring(body).iterfind(".//tbody/tr")
    assert [r.findtext("td[6]") for r in rows] == ["7", "0"]


def test_opml_lists_every_feed() -> None:
    root = etree.fromstring(opml(SITE, [*FEEDS, FeedSpec("d", "Diplomacy")]))
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [
        "http://news.example.org/feeds/all.atom",
        "http://news.example.org/feeds/d.atom",
    ]
    assert outlines[0].get("htmlUrl") == "http://news.example.org/feeds/all/"


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[bytes]:
    cmd = [
        require_program("chromium"),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, timeout=120)


@pytest.mark.chromium
def test_chromium_renders_the_feed_page(served: Served, tmp_path: Path) -> None:
    shot = tmp_path / "page.png"
    run = chromium(
        [f"--screenshot={shot}", "--window-size=1200,1600", served.url("feeds/all/")],
        tmp_path / "profile1",
    )
    assert shot.exists(), run.stderr.decode()[-2000:]
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    dom = chromium(["--dump-dom", served.url("feeds/all/")], tmp_path / "profile2")
    rendered = html.fromstring(dom.stdout.decode())
    titles = [a.text_content() for a in rendered.iterfind(".//article/h2/a")]
    assert titles == ["Scripted", *reversed(TITLES)]
    assert rendered.findtext(".//h1") == "All stories"
