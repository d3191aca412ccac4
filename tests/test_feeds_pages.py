"""Pages for people: feed pages of story cards, story pages, archive pages and the status page,
as HTML from the real server, as files from the export, and in headless Chromium with axe-core.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from lxml import etree, html

from feeds.export import export_all
from feeds.pages import opml
from feeds.spec import FeedSpec
from feeds.status_page import StatusData, status_page
from ingest.sanitize import summarize
from ingest.store.engine import open_store
from ingest.store.schema import clusters, stories
from ingest.store.sources import SourceHealth
from tests.conftest import require, require_program
from tests.feeds_support import SITE, T0, Served, add_cluster, add_source, add_story, cluster_of
from tests.feeds_support import serve as serve_feeds
from tests.fuzz_support import assert_inert

JS_DIR = Path(__file__).parent / "js"
FEEDS = [
    FeedSpec("all", "All stories", "Every story <b>we</b> have", limit=3),
    FeedSpec("asia", "Asia", "Stories about Japan", countries=("JP",)),
]
LEAD_TEXT = (
    "Foreign ministers met in Geneva on Sunday. They agreed to meet again in May. "
    "A third sentence that the teaser leaves out.\n\nA second paragraph, for the story page."
)
HOSTILE = '<script>alert("t")</script> & <img src=x onerror=alert(1)>'
LAST_FETCH = T0 + timedelta(hours=3)


@dataclass
class Site:
    srv: Served
    engine: sa.Engine
    geneva: int  # the cluster with three outlets
    merged: int  # a cluster merged into ``geneva``
    hostile: int  # a cluster whose every field is markup
    titles: list[str]  # every item of the "all" feed


def _stories(conn: sa.Connection) -> tuple[int, int, int, list[str]]:
    un = add_source(conn, "un", last_fetch_at=LAST_FETCH, last_success_at=LAST_FETCH,
                    next_fetch_at=LAST_FETCH + timedelta(minutes=15), interval_s=900)  # fmt: skip
    aj = add_source(conn, "aj", last_fetch_at=LAST_FETCH - timedelta(minutes=5), interval_s=3600)
    dw = add_source(conn, "dw <x>", last_fetch_at=LAST_FETCH, last_success_at=T0,
                    last_error="HTTP 503 <oops>", last_error_at=LAST_FETCH, error_count=3,
                    next_fetch_at=LAST_FETCH - timedelta(minutes=30))  # fmt: skip
    lead = add_story(conn, un, "Ministers meet in Geneva", minutes=0, countries=("FR", "US"),
                     topics=("diplomacy",), dateline="GENEVA", attributions=["AFP"],
                     summary=summarize(LEAD_TEXT), body_text=LEAD_TEXT)  # fmt: skip
    copy = add_story(conn, aj, "Geneva, another view", minutes=9)
    late = add_story(conn, dw, "Geneva talks end", minutes=25)
    geneva = cluster_of(conn, [lead, copy], lead)
    merged = cluster_of(conn, [late], late)
    conn.execute(sa.update(clusters).where(clusters.c.id == merged).values(merged_into=geneva))
    conn.execute(sa.update(stories).where(stories.c.id == late).values(cluster_id=geneva))
    titles = ["Ministers meet in Geneva"]
    for n in range(1, 6):
        sid = add_story(conn, un, f"Story number {n}", minutes=10 * n, countries=("JP",))
        cluster_of(conn, [sid], sid)
        titles.append(f"Story number {n}")
    evil = add_story(conn, aj, HOSTILE, minutes=70, dateline=HOSTILE, outlet=HOSTILE,
                     summary=HOSTILE, body_text=HOSTILE, attributions=[HOSTILE],
                     body_html="<p>x</p><script>alert(3)</script>")  # fmt: skip
    evil_copy = add_story(conn, un, HOSTILE + " (copy)", minutes=71)
    hostile = cluster_of(conn, [evil, evil_copy], evil)
    titles.append(HOSTILE)
    add_cluster(conn)  # a cluster without stories has no page
    return geneva, merged, hostile, titles


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    engine = open_store(sqlite_url)
    with engine.begin() as conn:
        geneva, merged, hostile, titles = _stories(conn)
    with serve_feeds(engine, FEEDS, archive_page_size=2) as srv:
        yield Site(srv, engine, geneva, merged, hostile, titles)
    engine.dispose()


def get(site: Site, path: str) -> httpx.Response:
    return httpx.get(site.srv.url(path))


def page(site: Site, path: str) -> html.HtmlElement:
    response = get(site, path)
    assert response.status_code == 200, (path, response.status_code)
    return html.fromstring(response.text)


def cards(doc: html.HtmlElement) -> list[html.HtmlElement]:
    return doc.findall(".//main/article[@class='card']")


def test_feed_page_is_a_river_of_story_cards(site: Site) -> None:
    doc = page(site, "feeds/all/")
    found = cards(doc)
    titles = [c.findtext("h2/a") for c in found]
    assert titles[:3] == [HOSTILE, "Story number 5", "Story number 4"]
    assert "Ministers meet in Geneva" not in titles  # older than the newest three
    hostile = found[0]
    assert hostile.find("h2/a").get("href").startswith("https://outlet")
    summary = hostile.find("details[@class='coverage']/summary")
    assert summary is not None and summary.text_content() == "Reported by 2 outlets"
    assert doc.findtext(".//h1") == "All stories"
    assert "Every story <b>we</b> have" in doc.text_content()  # shown as text
    stamp = hostile.find(".//p[@class='meta']/time")
    assert stamp.get("datetime") == "2026-03-01T13:10:00Z"
    assert stamp.get("title") == "2026-03-01 13:10:00 UTC"
    # Relative to the feed's newest change (the hostile copy, first seen at 13:12).
    assert stamp.text == "2 min ago"
    more = hostile.find(".//a[.='Full text and coverage']")
    assert more.get("href") == site.srv.url(f"stories/{site.hostile}/")
    subscribe = [a.get("href") for a in doc.iterfind(".//p[@class='subscribe']/a")]
    assert subscribe == [site.srv.url(f"feeds/all.{f}") for f in ("atom", "rss", "json")]


def _archive_walk(site: Site) -> list[tuple[str, list[html.HtmlElement]]]:
    """Every page of the "all" feed, following its "Older stories" links from the newest."""
    out, path = [], "feeds/all/"
    while path:
        doc = page(site, path)
        out.append((path, cards(doc)))
        older = doc.find(".//nav[@class='pager']/a[@rel='prev']")
        path = older.get("href").removeprefix(site.srv.url("")) if older is not None else ""
    return out


def test_paging_follows_the_feeds_archives_and_reaches_every_story(site: Site) -> None:
    walk = _archive_walk(site)
    assert [p for p, _ in walk] == [
        "feeds/all/", "feeds/all/archive/3/", "feeds/all/archive/2/", "feeds/all/archive/1/",
    ]  # fmt: skip
    seen = {c.findtext("h2/a") for _, page_cards in walk for c in page_cards}
    assert seen == set(site.titles)  # none lost between pages (RFC 5005 lets pages overlap)
    newer = page(site, "feeds/all/archive/3/").find(".//nav[@class='pager']/a[@rel='next']")
    assert newer.get("href") == site.srv.url("feeds/all/")
    assert get(site, "feeds/all/archive/4/").status_code == 404


def _geneva_card(site: Site) -> html.HtmlElement:
    for _, page_cards in _archive_walk(site):
        for card in page_cards:
            if card.findtext("h2/a") == "Ministers meet in Geneva":
                return card
    raise AssertionError("no Geneva card")


def test_a_card_has_teaser_parties_topics_and_the_other_outlets(site: Site) -> None:
    card = _geneva_card(site)
    meta = card.find("p[@class='meta']").text_content()
    assert meta.startswith("Outlet 1 · GENEVA · ")
    teaser = card.findtext("p[@class='teaser']")
    assert teaser == "Foreign ministers met in Geneva on Sunday. They agreed to meet again in May."
    assert [li.text for li in card.iterfind("ul[@class='tags']/li[@class='party']")] == [
        "France",
        "United States",
    ]
    assert [li.text for li in card.iterfind("ul[@class='tags']/li[@class='topic']")] == [
        "diplomacy"
    ]
    assert card.findtext("details/summary") == "Reported by 3 outlets"
    members = card.findall("details/ul[@class='members']/li")
    assert [li.findtext("a") for li in members] == ["Geneva, another view", "Geneva talks end"]
    assert all(li.find("time").get("datetime") for li in members)


def test_story_page_has_text_dateline_wires_members_timeline_and_feeds(site: Site) -> None:
    doc = page(site, f"stories/{site.geneva}/")
    assert doc.findtext(".//main/article/h1") == "Ministers meet in Geneva"
    body = [p.text for p in doc.iterfind(".//div[@class='body']/p")]
    assert body == LEAD_TEXT.split("\n\n")  # the full text, not the teaser
    assert doc.find(".//span[@class='dateline']").text == "GENEVA"
    assert "Wire: AFP" in doc.text_content()
    members = doc.findall(".//ol[@class='members']/li")
    assert [li.findtext("a") for li in members] == [
        "Ministers meet in Geneva",
        "Geneva, another view",
        "Geneva talks end",
    ]
    svg = doc.find(".//{*}svg[@class='chart timeline']")
    assert svg is not None and svg.get("role") == "img"
    assert "3 reports over 25 min" in svg.get("aria-label")
    dots = [c.get("data-time") for c in svg.iter("{*}circle")]
    assert dots == ["2026-03-01T12:00:00Z", "2026-03-01T12:09:00Z", "2026-03-01T12:25:00Z"]
    feeds = [a.get("href") for a in doc.iterfind(".//section[@aria-labelledby='in-feeds']//a")]
    assert feeds == [site.srv.url("feeds/all/")]  # not in Asia: it names no Japan


def test_a_merged_cluster_id_shows_its_cluster_and_unknown_ids_are_404(site: Site) -> None:
    doc = page(site, f"stories/{site.merged}/")
    assert doc.findtext(".//main/article/h1") == "Ministers meet in Geneva"
    canonical = doc.find(".//link[@rel='canonical']").get("href")
    assert canonical == site.srv.url(f"stories/{site.geneva}/")
    assert get(site, "stories/99999/").status_code == 404
    moved = httpx.get(site.srv.url(f"stories/{site.geneva}"))
    assert moved.status_code == 301 and moved.headers["location"] == f"/stories/{site.geneva}/"
    assert get(site, "stories/99999").status_code == 404
    assert get(site, "stories/abc/").status_code == 404


def test_status_page_shows_activity_sparklines_errors_and_schedule(site: Site) -> None:
    body = get(site, "").text
    assert get(site, "status").text == body  # /status is the same page
    doc = html.fromstring(body)
    assert "As of the latest fetch: 2026-03-01 15:00:00 UTC" in doc.text_content()
    chart = doc.find(".//section[@aria-labelledby='activity']//{*}svg")
    bars = chart.findall("{*}rect")
    assert len(bars) == 48
    assert "10 stories, 7 clusters" in chart.get("aria-label")  # 9 stories + the late one
    assert "the most overdue source has waited 30 min" in doc.text_content()
    rows = {r.findtext("th/a"): r for r in doc.iterfind(".//tbody/tr")}
    assert list(rows) == ["aj", "dw <x>", "un"]
    spark = rows["un"].find("td/{*}svg")
    points = spark.find("{*}polyline").get("points").split()
    assert len(points) == 30 and "un: 7 stories in the last 30 days" in spark.get("aria-label")
    errors = rows["dw <x>"].findall("td")[2].text_content()
    assert "HTTP 503 <oops>" in errors and "3 failed fetches in a row" in errors
    assert "failing since after the last success" in errors
    assert rows["un"].findall("td")[3].text == "every 15 min"
    assert rows["aj"].findall("td")[3].text == "every 1 h"
    next_fetch = rows["un"].findall("td")[4].find("time")
    assert next_fetch.text == "in 15 min" and next_fetch.get("datetime") == "2026-03-01T15:15:00Z"


def test_every_page_kind_escapes_what_stories_contain(site: Site) -> None:
    paths = ["", "feeds/all/", "feeds/all/archive/1/", f"stories/{site.hostile}/",
             f"stories/{site.geneva}/"]  # fmt: skip
    for path in paths:
        body = get(site, path).text
        doc = html.fromstring(body)
        assert "<script" not in body
        assert_inert(etree.tostring(doc.find(".//main"), encoding="unicode"))
    story = page(site, f"stories/{site.hostile}/")
    assert story.findtext(".//main/article/h1") == HOSTILE  # shown as text, whole
    assert story.find(".//span[@class='dateline']").text == HOSTILE


def test_export_writes_the_pages_the_server_sends(site: Site, tmp_path: Path) -> None:
    written = export_all(site.engine, FEEDS, site.srv.site, tmp_path)
    paths = {str(p.relative_to(tmp_path)) for p in written}
    for path in ("", "status/", "feeds/all/", "feeds/all/archive/2/", f"stories/{site.geneva}/",
                 f"stories/{site.hostile}/"):  # fmt: skip
        assert path + "index.html" in paths
        assert (tmp_path / path / "index.html").read_bytes() == get(site, path).content, path
    story_files = {p for p in paths if p.startswith("stories/")}
    assert len(story_files) == 7  # every cluster a card links to, and only those


def test_status_page_escapes_source_health() -> None:
    health = [
        SourceHealth("un <x>", "https://un.example/feed", None, True, T0, T0, 200, None, None,
                     T0, 0, None, 7),
        SourceHealth("dw", "https://dw.example/feed", None, True, T0, None, 503,
                     "HTTP 503 <oops>", T0, T0, 3, None, 0),
    ]  # fmt: skip
    body = status_page(SITE, FEEDS, StatusData(health, {}, [], 0.0, T0)).decode()
    assert "un &lt;x&gt;" in body and "HTTP 503 &lt;oops&gt;" in body
    assert "failing since the first fetch" in body
    rows = html.fromstring(body).iterfind(".//tbody/tr")
    assert [r.findtext("td[6]") for r in rows] == ["7", "0"]


def test_opml_lists_every_feed() -> None:
    root = etree.fromstring(opml(SITE, [*FEEDS, FeedSpec("d", "Diplomacy")]))
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [
        "http://news.example.org/feeds/all.atom",
        "http://news.example.org/feeds/asia.atom",
        "http://news.example.org/feeds/d.atom",
    ]
    assert outlines[0].get("htmlUrl") == "http://news.example.org/feeds/all/"


# --- in a browser ----------------------------------------------------------------------------


def browse(site: Site, paths: list[str], out: Path) -> list[dict]:  # type: ignore[type-arg]
    """Every page at a phone's and a desktop's width, light and dark, through check_pages.js."""
    node = require_program("node")
    chromium = require_program("chromium")
    for package in ("puppeteer-core", "axe-core"):
        require((JS_DIR / "node_modules" / package).is_dir(), "run `npm ci` in tests/js")
    out.mkdir()
    urls = [site.srv.url(p) for p in paths]
    cmd = [node, str(JS_DIR / "check_pages.js"), chromium, str(out), "390,1280", "light,dark"]
    run = subprocess.run([*cmd, *urls], capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode()[-3000:]
    return [json.loads(line) for line in run.stdout.decode().splitlines()]


@pytest.mark.chromium
def test_chromium_renders_every_page_kind_accessibly_at_both_widths(
    site: Site, tmp_path: Path
) -> None:
    paths = ["", "feeds/all/", "feeds/all/archive/1/", f"stories/{site.geneva}/",
             f"stories/{site.hostile}/"]  # fmt: skip
    results = browse(site, paths, tmp_path / "shots")
    assert len(results) == len(paths) * 4
    for r in results:
        where = (r["url"], r["width"], r["scheme"])
        assert r["axe"] == [], (where, r["axe"])
        assert r["foreign"] == [], where  # no request to another host
        assert 0 < r["bytes"] < 200_000, where
        assert r["dom"]["scrollWidth"] <= r["dom"]["innerWidth"], where  # no sideways scroll
        png = Path(r["screenshot"]).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
        assert all(t["datetime"] and t["title"] for t in r["dom"]["times"] if t["text"] != "—")
    by_path = {(r["url"].removeprefix(site.srv.url("")), r["width"]): r["dom"] for r in results}
    feed = by_path[("feeds/all/", 390)]
    assert feed["cards"] == 3 and feed["coverage"][0] == "Reported by 2 outlets"
    status = by_path[("", 390)]
    charts = [s for s in status["svgs"] if s["cls"] == "chart"]
    assert len(charts) == 1 and charts[0]["rects"] == 48 and charts[0]["width"] <= 390
    assert [s["polylines"] for s in status["svgs"] if s["cls"] == "spark"] == [1, 1, 1]
    story = by_path[(f"stories/{site.geneva}/", 1280)]
    assert story["members"] == 3
    assert [s["circles"] for s in story["svgs"]] == [3]


def test_the_server_keeps_a_bounded_number_of_story_pages(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("feeds.app.STORY_PAGES_CACHED", 2)
    story_ids = [site.geneva, site.hostile, site.merged]
    for cid in story_ids:
        assert get(site, f"stories/{cid}/").status_code == 200
    cached = [p for p in site.srv.app._cache if p.startswith("/stories/")]
    assert cached == [f"/stories/{site.hostile}/", f"/stories/{site.merged}/"]


def test_a_card_lists_a_few_reports_and_points_to_the_story_page_for_the_rest() -> None:
    from feeds.cards import CARD_MEMBERS, card
    from feeds.query import FeedItem, Member

    members = tuple(
        Member(n, f"https://o{n}.example/a", f"Outlet {n}", f"Report {n}", T0)
        for n in range(2, CARD_MEMBERS + 5)
    )
    item = FeedItem("cluster/7", 1, 7, "https://o1.example/a", "Title", "One. Two. Three.",
                    "", None, "Outlet 1", "o1", "https://o1.example/feed", "en", T0, T0, (),
                    (), (), (), None, members)  # fmt: skip
    doc = html.fromstring(card(SITE, item, T0))
    listed = doc.findall(".//ul[@class='members']/li")
    assert len(listed) == CARD_MEMBERS + 1
    assert listed[-1].findtext("a") == "3 more on the story page"
    assert listed[-1].find("a").get("href") == "http://news.example.org/stories/7/"
    assert doc.findtext(".//summary") == f"Reported by {CARD_MEMBERS + 4} outlets"
    assert doc.findtext(".//p[@class='teaser']") == "One. Two."


def test_a_status_page_before_any_fetch_says_so() -> None:
    health = [SourceHealth("un", "https://un.example/feed", None, True, None, None, None, None,
                           None, None, 0, None, 0)]  # fmt: skip
    body = status_page(SITE, FEEDS, StatusData(health, {}, [], 0.0, None)).decode()
    doc = html.fromstring(body)
    assert "No fetch recorded yet." in doc.text_content()
    assert doc.find(".//section[@aria-labelledby='activity']//{*}svg") is None
    spark = doc.find(".//tbody/tr/td/{*}svg")
    assert len(spark.find("{*}polyline").get("points").split()) == 30  # thirty empty days


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "just now"), (0.5, "just now"), (5, "5 min ago"), (180, "3 h ago"), (-10, "in 10 min"),
     (3 * 24 * 60, "3 days ago"), (90 * 24 * 60, "on 2025-12-01")],
)  # fmt: skip
def test_relative_times_count_from_the_reference(minutes: float, text: str) -> None:
    from feeds.page_parts import relative

    assert relative(T0 - timedelta(minutes=minutes), T0) == text


def test_status_page_says_when_a_run_of_failures_began() -> None:
    from feeds.status_page import _errors
    from ingest.store.sources import SourceHealth

    began = LAST_FETCH - timedelta(hours=5)
    source = SourceHealth(
        name="wire", url="https://w.example/f", title=None, enabled=True,
        last_fetch_at=LAST_FETCH, last_success_at=began - timedelta(hours=1), last_status=503,
        last_error="HTTP 503", last_error_at=LAST_FETCH, next_fetch_at=None, error_count=4,
        disabled_reason=None, story_count=0, failing_since=began,
    )  # fmt: skip
    text = html.fromstring(_errors(source, LAST_FETCH)).text_content()
    assert "failing since 5 h ago" in text and "4 failed fetches in a row" in text
