"""The bundled demo news web behind ``communique demo``: served over a real socket, fetched
with our real HTTP client, read with feedparser, json and BeautifulSoup, and configured by
``demo_config`` exactly as the ``demo`` command configures it."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import pytest
from bs4 import BeautifulSoup

from communique.demo import (
    DEMO_SOURCES,
    PLACEHOLDER,
    SITE_DIR,
    Answer,
    DemoSite,
    demo_config,
    load_site,
    route,
)
from communique.settings import Settings, load_settings
from ingest.errors import FetchError
from ingest.extract import extract_article
from ingest.fetch import Fetcher
from ingest.model import Fetched, FetchOptions
from ingest.parse import parse_feed
from ingest.scrape import scrape_listing, split_selector
from tests.conftest import shared_path

FEEDS = {  # path: (media type, feedparser version, items)
    "/meridian-wire/rss.xml": ("application/rss+xml", "rss20", 6),
    "/harbour-times/atom.xml": ("application/atom+xml", "atom10", 4),
    "/global-digest/feed/": ("application/rss+xml", "rss20", 3),
}
JSON_FEED = "/eastern-dispatch/feed.json"
LISTING = "/continental-observer/"
# URIs that name a vocabulary rather than link to a page; everything else must be ours.
NAMESPACES = {
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/rss/1.0/modules/content/",
    "http://purl.org/rss/1.0/modules/slash/",
    "http://purl.org/rss/1.0/modules/syndication/",
    "http://wellformedweb.org/CommentAPI/",
    "http://www.w3.org/2005/Atom",
    "https://jsonfeed.org/version/1.1",
    "https://schema.org",
}


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoSite]:
    with DemoSite() as site:
        yield site


@pytest.fixture(scope="module")
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchOptions(allow_private_networks=True, per_host_delay=0)) as f:
        yield f


@pytest.fixture(scope="module")
def settings(demo: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    path = tmp_path_factory.mktemp("demo") / "communique.toml"
    store = f"sqlite:///{path.parent / 'demo.db'}"
    path.write_text(demo_config(demo.base_url, store, "127.0.0.1", 8099), encoding="utf-8")
    return load_settings(path)


def get_html(fetcher: Fetcher, url: str) -> Fetched:
    return fetcher.get(url, accept="text/html")


def soup(fetched: Fetched) -> BeautifulSoup:
    return BeautifulSoup(fetched.body, "lxml")


# --- serving --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FEEDS))
def test_xml_feeds_are_served_with_their_media_type_and_parse(
    demo: DemoSite, fetcher: Fetcher, path: str
) -> None:
    media_type, version, count = FEEDS[path]
    fetched = fetcher.get(demo.url(path))
    assert fetched.status == 200
    assert fetched.headers["content-type"] == f"{media_type}; charset=utf-8"
    doc = feedparser.parse(fetched.body, response_headers=fetched.headers)
    assert not doc.bozo, doc.get("bozo_exception")
    assert doc.version == version
    assert len(doc.entries) == count
    for entry in doc.entries:
        assert entry.link.startswith(demo.base_url + "/")
        assert entry.published_parsed is not None, entry.title
        assert entry.title


def test_json_feed_is_json_feed_1_1(demo: DemoSite, fetcher: Fetcher, tmp_path: Path) -> None:
    fetched = fetcher.get(demo.url(JSON_FEED))
    assert fetched.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(fetched.body)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == demo.url(JSON_FEED)
    assert len(feed["items"]) == 4
    for item in feed["items"]:
        assert item["url"].startswith(demo.base_url + "/")
        assert datetime.fromisoformat(item["date_published"]).utcoffset() is not None
        assert item["content_html"].startswith("<p>")
    validator = shared_path("tools", "jsonfeed", "validate_jsonfeed.py")
    (tmp_path / "feed.json").write_bytes(fetched.body)
    run = subprocess.run(
        [sys.executable, str(validator), str(tmp_path / "feed.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_wire_gives_summaries_and_the_others_full_text(demo: DemoSite, fetcher: Fetcher) -> None:
    wire = feedparser.parse(fetcher.get(demo.url("/meridian-wire/rss.xml")).body)
    assert all("content" not in e and len(e.summary) < 300 for e in wire.entries)
    paper = feedparser.parse(fetcher.get(demo.url("/harbour-times/atom.xml")).body)
    assert all(len(e.content[0].value) > 3 * len(e.summary) for e in paper.entries)
    digest = feedparser.parse(fetcher.get(demo.url("/global-digest/feed/")).body)
    assert all("Leave a Replay" in e.content[0].value for e in digest.entries)


def test_feed_dates_carry_several_time_zones(demo: DemoSite, fetcher: Fetcher) -> None:
    raw = b"".join(fetcher.get(demo.url(p)).body for p in [*FEEDS, JSON_FEED])
    for zone in (b" GMT<", b"+09:00<", b" EST<", b'+08:00"'):
        assert zone in raw, zone


def test_listing_page_is_html_in_english(demo: DemoSite, fetcher: Fetcher) -> None:
    fetched = get_html(fetcher, demo.url(LISTING))
    assert fetched.headers["content-type"] == "text/html; charset=utf-8"
    page = soup(fetched)
    assert page.html is not None and page.html["lang"] == "en"
    assert len(page.select("article.teaser")) == 3


def test_conditional_get_answers_304(demo: DemoSite, fetcher: Fetcher) -> None:
    url = demo.url("/harbour-times/atom.xml")
    first = fetcher.get(url)
    assert first.etag and first.last_modified
    by_etag = fetcher.get(url, etag=first.etag)
    assert by_etag.status == 304 and by_etag.not_modified and by_etag.body == b""
    by_date = fetcher.get(url, last_modified=first.last_modified)
    assert by_date.status == 304
    stale = fetcher.get(url, etag='"not-this-one"', last_modified=first.last_modified)
    assert stale.status == 200 and stale.body == first.body  # If-None-Match decides


def test_robots_txt_allows_everything(demo: DemoSite, fetcher: Fetcher) -> None:
    robots = RobotFileParser()
    robots.parse(fetcher.get(demo.url("/robots.txt"), robots=False).body.decode().splitlines())
    for path in ("/", LISTING, *FEEDS, JSON_FEED):
        assert robots.can_fetch("communique", demo.url(path))


def test_directory_without_slash_redirects(demo: DemoSite, fetcher: Fetcher) -> None:
    fetched = fetcher.get(demo.url("/global-digest/feed"))
    assert fetched.status == 200
    assert fetched.final_url == demo.url("/global-digest/feed/")


def test_unknown_paths_and_traversal_are_404(demo: DemoSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError) as info:
        get_html(fetcher, demo.url("/meridian-wire/no-such-story.html"))
    assert info.value.status == 404
    # httpx normalises "..", so send the raw request line ourselves.
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(demo.base_url).port, timeout=10)
    conn.request("GET", "/../demo.py")
    assert conn.getresponse().status == 404
    conn.close()
    found = route(demo.site, "/meridian-wire/%2e%2e/%2e%2e/demo.py")
    assert isinstance(found, Answer) and found.status == 404


def test_head_answers_without_a_body(demo: DemoSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(demo.base_url).port, timeout=10)
    conn.request("HEAD", LISTING)
    response = conn.getresponse()
    assert response.status == 200
    assert int(response.headers["Content-Length"]) > 1000
    assert response.read() == b""
    conn.close()


# --- content --------------------------------------------------------------------------------


def test_no_placeholder_and_no_outside_links(demo: DemoSite) -> None:
    for name, resource in demo.site.items():
        text = resource.body.decode("utf-8")
        assert PLACEHOLDER not in text, name
        for url in re.findall(r"https?://[^\s\"'<>\]]+", text):
            assert url.startswith(demo.base_url + "/") or url in NAMESPACES, (name, url)


def test_every_link_resolves(demo: DemoSite, fetcher: Fetcher) -> None:
    """Crawl from the portal page and every feed: each link answers 200 on the site itself,
    and every page of the site is reached."""
    todo = [demo.url("/")] + [demo.url(p) for p in [*FEEDS, JSON_FEED]]
    seen: set[str] = set()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        fetched = fetcher.get(url, accept="*/*")
        assert fetched.status == 200, url
        todo += [link for link in links_in(fetched) if link not in seen]
    served = {urlsplit(u).path for u in seen}
    pages = {name for name in demo.site if name.endswith(".html") or "/" in name}
    missing = [n for n in pages if not any(_serves(path, n) for path in served)]
    assert not missing


def links_in(fetched: Fetched) -> list[str]:
    base = fetched.final_url
    if "json" in fetched.headers["content-type"]:
        feed = json.loads(fetched.body)
        found = [feed["home_page_url"], feed["feed_url"]]
        found += [i["url"] for i in feed["items"]]
    elif "html" in fetched.headers["content-type"]:
        page = soup(fetched)
        found = [t["href"] for t in page.select("a[href], link[href]")]
        found += [t["content"] for t in page.select('meta[property="og:url"]')]
    else:
        doc = feedparser.parse(fetched.body)
        found = [doc.feed.link] + [link.href for e in doc.entries for link in e.links]
    absolute = (urldefrag(urljoin(base, str(link)))[0] for link in found)
    return [link for link in absolute if link]


def _serves(path: str, name: str) -> bool:
    rel = path.lstrip("/")
    return name in (rel, rel + ".html", rel + "index.html", rel + "index.xml")


def test_article_pages_carry_metadata_and_boilerplate(demo: DemoSite, fetcher: Fetcher) -> None:
    pages = [n for n in demo.site if n.count("/") >= 3]
    assert 20 <= len(pages) <= 25
    for name in pages:
        fetched = get_html(fetcher, demo.url("/" + name))
        page = soup(fetched)
        assert page.html is not None and page.html["lang"] == "en", name
        published = page.select_one('meta[property="article:published_time"]')
        assert published and datetime.fromisoformat(published["content"]).utcoffset() is not None
        canonical = page.select_one('link[rel="canonical"]')
        assert canonical and canonical["href"].startswith(demo.base_url), name
        assert page.select_one('meta[property="og:site_name"]'), name
        assert page.select_one("#cookie-banner") and page.select_one("#newsletter"), name
        assert page.select_one("[aria-label='Share this story']"), name
        assert page.find(string=re.compile("Related|Read more|Recent Posts")), name


def test_apec_story_is_carried_by_four_outlets(demo: DemoSite) -> None:
    """The founding example: wire original, syndicated copy, junk-laden rewrite, state media."""
    texts = {n: r.body.decode() for n, r in demo.site.items() if n.count("/") >= 3}
    carriers = {n.split("/")[0] for n, t in texts.items() if "Ishiba" in t and "Xi " in t}
    assert {"meridian-wire", "harbour-times", "global-digest", "eastern-dispatch"} <= carriers
    assert any("LIMA (Meridian Wire) —" in t for t in texts.values())
    rewrite = next(t for n, t in texts.items() if n.startswith("global-digest/2024/11/china"))
    assert "ANKARA—" in rewrite and "Interview with Dr. Hiroshi Tanaka" in rewrite
    assert "What were the major outcomes of the Xi Jinping" in rewrite
    assert "Leave a Replay" in rewrite
    feed = demo.site["global-digest/feed/index.xml"].body.decode()
    title = "China and Japan Seek Stable Relations Amid Military Concerns and Seafood Import Ban"
    content = feed.split(title + "</title>", 1)[1].split("</content:encoded>", 1)[0]
    assert content.count(title) == 2  # the headline twice before the body, as in the seed


def test_site_is_small_and_deterministic(demo: DemoSite) -> None:
    files = [p for p in SITE_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 300_000
    again = load_site(SITE_DIR, demo.base_url)
    assert {n: r.body for n, r in again.items()} == {n: r.body for n, r in demo.site.items()}
    assert {n: r.etag for n, r in again.items()} == {n: r.etag for n, r in demo.site.items()}


# --- the config that points communique at the site ------------------------------------------


def test_demo_config_loads(demo: DemoSite, settings: Settings) -> None:
    assert settings.server.host == "127.0.0.1" and settings.server.port == 8099
    assert settings.store.url.endswith("demo.db")
    assert settings.fetch.allow_private_networks and settings.fetch.per_host_delay == 0
    assert settings.schedule.min_interval == 60
    assert [s.name for s in settings.sources] == [s.name for s in DEMO_SOURCES]
    assert all(s.interval == 120 and s.outlet == s.name for s in settings.sources)
    assert all(s.url.startswith(demo.base_url + "/") for s in settings.sources)
    feeds = {f.slug: f for f in settings.feeds}
    assert set(feeds) == {"all", "diplomacy", "china-japan"}
    assert feeds["diplomacy"].min_score == 0.3
    assert feeds["china-japan"].countries == ("CN", "JP")


def test_demo_config_quotes_awkward_values(tmp_path: Path) -> None:
    store = 'sqlite:///C:\\Users\\o"brien\\demo.db'
    path = tmp_path / "c.toml"
    path.write_text(demo_config("http://127.0.0.1:1234/", store, "::1", 9000), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.store.url == store
    assert loaded.server.host == "::1"
    assert loaded.sources[0].url == "http://127.0.0.1:1234/meridian-wire/rss.xml"


def test_scrape_selectors_match_the_listing(
    demo: DemoSite, fetcher: Fetcher, settings: Settings
) -> None:
    spec = settings.source("The Continental Observer")
    assert spec.kind == "html" and spec.scrape is not None
    page = soup(get_html(fetcher, spec.url))
    items = page.select(spec.scrape.item)
    assert len(items) == 3
    for item in items:
        href = _value(item, spec.scrape.link)
        assert href and get_html(fetcher, urljoin(spec.url, href)).status == 200
        assert _value(item, spec.scrape.title)
        assert _value(item, spec.scrape.summary or "")
        date = _value(item, spec.scrape.date or "")
        assert date and datetime.fromisoformat(date).utcoffset() is not None


def test_article_selectors_match_every_page_of_their_source(
    demo: DemoSite, fetcher: Fetcher, settings: Settings
) -> None:
    checked = 0
    for spec in settings.sources:
        if spec.article is None:
            continue
        rules = spec.article
        prefix = urlsplit(spec.url).path.strip("/").split("/")[0]
        for name in (n for n in demo.site if n.startswith(prefix + "/") and n.count("/") >= 3):
            page = soup(get_html(fetcher, demo.url("/" + name)))
            assert len(page.select(rules.body or "")) == 1, name
            body = page.select_one(rules.body or "")
            assert body is not None and len(body.find_all("p")) >= 4
            for selector in rules.remove:  # each block to cut really sits inside the body
                assert body.select(selector), (name, selector)
            for selector in (rules.title, rules.date, rules.author):
                assert selector and _value(page, selector), (name, selector)
            checked += 1
    assert checked >= 9


def _value(element: BeautifulSoup | object, selector: str) -> str | None:
    css, attr = split_selector(selector)
    found = element.select_one(css)  # type: ignore[attr-defined]
    if found is None:
        return None
    value = found.get(attr) if attr else found.get_text(" ", strip=True)
    return str(value) if value else None


# --- our own ingest leaves read the site ----------------------------------------------------


def test_ingest_parsers_read_every_demo_source(fetcher: Fetcher, settings: Settings) -> None:
    counts = {}
    for spec in settings.sources:
        accept = "text/html" if spec.kind == "html" else None
        fetched = fetcher.get(spec.url, accept=accept)
        parsed = scrape_listing(spec, fetched) if spec.kind == "html" else parse_feed(spec, fetched)
        assert all(item.url and item.title and item.published for item in parsed.items)
        counts[spec.name] = len(parsed.items)
    assert sum(counts.values()) == 20
    assert counts["The Continental Observer"] == 3


def test_extraction_with_the_demo_rules_drops_the_boilerplate(
    demo: DemoSite, fetcher: Fetcher, settings: Settings
) -> None:
    spec = settings.source("The Continental Observer")
    url = demo.url("/continental-observer/europe/2024/11/14/shadow-fleet-sanctions-package")
    article = extract_article(get_html(fetcher, url), spec.article)
    assert "Kremlin’s war chest" in article.body_html
    for junk in ("Related stories", "Brussels Briefing", "Post Comment", "Copy link"):
        assert junk not in article.body_html
    assert article.canonical_url == url


# --- lifecycle ------------------------------------------------------------------------------


def test_given_port_is_used_and_close_releases_it() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site = DemoSite(port=port).start()
    assert site.base_url == f"http://127.0.0.1:{port}"
    assert site.site["meridian-wire/rss.xml"].body.count(site.base_url.encode()) > 6
    site.close()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass


def test_base_url_needs_a_started_server() -> None:
    with pytest.raises(RuntimeError):
        _ = DemoSite().base_url
