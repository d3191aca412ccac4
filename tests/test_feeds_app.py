"""The HTTP app over a real socket (uvicorn on 127.0.0.1): caching, conditional GET, gzip,
archives, the export's byte equality and the WebSub ping."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import httpx
import pytest
import sqlalchemy as sa
from lxml import etree

from feeds.export import export_all
from feeds.spec import FeedSpec
from feeds.websub import ping_hub, topic_urls
from ingest.store.engine import open_store
from tests.feeds_support import add_source, add_story, cluster_of, serve
from tests.test_feeds_render import validate_json_feed

FEEDS = [FeedSpec("all", "All stories", "Everything"), FeedSpec("art", "Articles", group="article")]
TYPES = {
    "feeds/all.atom": "application/atom+xml; charset=utf-8",
    "feeds/all.rss": "application/rss+xml; charset=utf-8",
    "feeds/all.json": "application/feed+json; charset=utf-8",
    "feeds/all/": "text/html; charset=utf-8",
    "feeds.opml": "text/x-opml; charset=utf-8",
    "": "text/html; charset=utf-8",
}


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[sa.Engine]:
    eng = open_store(sqlite_url)
    with eng.begin() as conn:
        un = add_source(conn, "un-news", title="UN News", last_error="timed out", error_count=1)
        aj = add_source(conn, "aljazeera")
        a = add_story(conn, un, "Security Council meets on Sudan", minutes=1)
        b = add_story(conn, aj, "UN council discusses Sudan", minutes=2)
        cluster_of(conn, [a, b], a)
        add_story(conn, aj, "Trade talks stall", minutes=3)
    yield eng
    eng.dispose()


def plain(client: httpx.Client, url: str, **headers: str) -> httpx.Response:
    return client.get(url, headers={"accept-encoding": "identity", **headers})


def test_every_document_has_its_type_and_validators(engine: sa.Engine) -> None:
    with serve(engine, FEEDS) as srv, httpx.Client() as client:
        for path, ctype in TYPES.items():
            r = plain(client, srv.url(path))
            assert r.status_code == 200, path
            assert r.headers["content-type"] == ctype
            assert r.headers["etag"].startswith('"') and r.headers["last-modified"]
            assert r.headers["cache-control"].startswith("public, max-age=")
            assert r.headers["vary"] == "accept-encoding"
            assert int(r.headers["content-length"]) == len(r.content)


def test_status_page_lists_feeds_with_autodiscovery_and_source_health(engine: sa.Engine) -> None:
    with serve(engine, FEEDS) as srv, httpx.Client() as client:
        html = plain(client, srv.url("/")).text
    assert (
        f'type="application/atom+xml" title="All stories (Atom)" href="{srv.url("feeds/all.atom")}"'
        in html
    )
    assert srv.url("feeds/art.rss") in html and srv.url("feeds/all.json") in html
    assert "un-news" in html and "timed out" in html and "aljazeera" in html


def test_conditional_get_answers_304_without_rendering(engine: sa.Engine) -> None:
    with serve(engine, FEEDS) as srv, httpx.Client() as client:
        builds: list[str] = []
        real_build = srv.app.documents.build
        srv.app.documents.build = lambda p: builds.append(p) or real_build(p)  # type: ignore[method-assign]
        first = plain(client, srv.url("feeds/all.atom"))
        etag, lm = first.headers["etag"], first.headers["last-modified"]
        again = plain(client, srv.url("feeds/all.atom"), **{"if-none-match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        listed = plain(client, srv.url("feeds/all.atom"), **{"if-none-match": f'"x", W/{etag}'})
        assert listed.status_code == 304
        since = plain(client, srv.url("feeds/all.atom"), **{"if-modified-since": lm})
        assert since.status_code == 304
        stale = plain(client, srv.url("feeds/all.atom"), **{"if-none-match": '"other"'})
        assert stale.status_code == 200 and stale.content == first.content
        old = "Mon, 01 Jan 2024 00:00:00 GMT"
        assert (
            plain(client, srv.url("feeds/all.atom"), **{"if-modified-since": old}).status_code
            == 200
        )
        assert builds == ["feeds/all.atom"]  # rendered once for six requests


def test_gzip_when_asked_and_head_without_body(engine: sa.Engine) -> None:
    with serve(engine, FEEDS) as srv, httpx.Client() as client:
        identity = plain(client, srv.url("feeds/all.rss"))
        raw = client.get(srv.url("feeds/all.rss"), headers={"accept-encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"
        assert raw.content == identity.content  # httpx decoded it
        assert raw.headers["etag"] != identity.headers["etag"]
        refused = plain(client, srv.url("feeds/all.rss"), **{"accept-encoding": "gzip;q=0"})
        assert "content-encoding" not in refused.headers
        cond = {"accept-encoding": "gzip", "if-none-match": raw.headers["etag"]}
        assert client.get(srv.url("feeds/all.rss"), headers=cond).status_code == 304
        head = client.head(srv.url("feeds/all.rss"), headers={"accept-encoding": "identity"})
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == identity.headers["content-length"]
        assert head.headers["etag"] == identity.headers["etag"]
        stream = client.stream("GET", srv.url("feeds/all.rss"), headers={"accept-encoding": "gzip"})
        with stream as r:
            assert gzip.decompress(b"".join(r.iter_raw())) == identity.content


def test_errors_redirects_and_extra_routes(engine: sa.Engine) -> None:
    async def healthz(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    with serve(engine, FEEDS) as srv, httpx.Client() as client:
        srv.app.add_route("/healthz", healthz)
        assert client.get(srv.url("healthz")).text == "ok"
        assert client.get(srv.url("feeds/nope.atom")).status_code == 404
        assert client.get(srv.url("feeds/all.xml")).status_code == 404
        assert client.get(srv.url("feeds/all/archive/1.atom")).status_code == 404
        post = client.post(srv.url("feeds/all.atom"))
        assert post.status_code == 405 and post.headers["allow"] == "GET, HEAD"
        moved = client.get(srv.url("feeds/all"))
        assert moved.status_code == 301 and moved.headers["location"] == "/feeds/all/"


def test_changes_are_seen_by_version_check_or_invalidate(engine: sa.Engine) -> None:
    def titles(client: httpx.Client, url: str) -> list[str]:
        return [e.title for e in feedparser.parse(plain(client, url).content).entries]

    with serve(engine, FEEDS, check_interval=0) as srv, httpx.Client() as client:
        url = srv.url("feeds/art.atom")
        assert "Fresh news" not in titles(client, url)
        with engine.begin() as conn:
            add_story(conn, 1, "Fresh news", minutes=60)
        assert titles(client, url)[0] == "Fresh news"  # no one called invalidate
    with serve(engine, FEEDS, check_interval=3600) as srv, httpx.Client() as client:
        url = srv.url("feeds/art.atom")
        titles(client, url)
        with engine.begin() as conn:
            add_story(conn, 1, "Later news", minutes=90)
        assert "Later news" not in titles(client, url)  # cached until told
        srv.app.invalidate()
        assert titles(client, url)[0] == "Later news"


def test_archives_link_back_to_the_oldest_item(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for n in range(6):
            add_story(conn, 1, f"Old story {n}", minutes=-100 + n)
    feeds = [FeedSpec("art", "Articles", group="article", limit=3)]
    seen: list[str] = []
    with serve(engine, feeds, archive_page_size=2) as srv, httpx.Client() as client:
        url, rel = srv.url("feeds/art.atom"), "prev-archive"
        while url:
            root = etree.fromstring(plain(client, url).content)
            seen += [
                e.findtext("{http://www.w3.org/2005/Atom}title") for e in root.iterfind("{*}entry")
            ]
            links = {ln.get("rel"): ln.get("href") for ln in root.iterfind("{*}link")}
            url = links.get(rel)
        assert plain(client, srv.url("feeds/art/archive/4.atom")).status_code == 200
        last = plain(client, srv.url("feeds/art/archive/5.atom"))
        assert last.status_code == 404  # 9 items / 2 per page: 4 complete pages
        page1 = etree.fromstring(plain(client, srv.url("feeds/art/archive/1.atom")).content)
        assert page1.find("{http://purl.org/syndication/history/1.0}archive") is not None
    assert {f"Old story {n}" for n in range(6)} <= set(seen)
    assert {"Trade talks stall", "Security Council meets on Sudan"} <= set(seen)


def test_export_writes_the_bytes_the_server_sends(engine: sa.Engine, tmp_path: Path) -> None:
    with serve(engine, FEEDS) as srv, httpx.Client() as client:
        written = export_all(engine, FEEDS, srv.site, tmp_path)
        for slug in ("all", "art"):
            for fmt in ("atom", "rss", "json"):
                served = plain(client, srv.url(f"feeds/{slug}.{fmt}")).content
                assert (tmp_path / f"{slug}.{fmt}").read_bytes() == served
                assert (tmp_path / "feeds" / f"{slug}.{fmt}").read_bytes() == served
            page = plain(client, srv.url(f"feeds/{slug}/")).content
            assert (tmp_path / "feeds" / slug / "index.html").read_bytes() == page
        assert (tmp_path / "index.html").read_bytes() == plain(client, srv.url("")).content
        assert (tmp_path / "feeds.opml").read_bytes() == plain(
            client, srv.url("feeds.opml")
        ).content
    assert tmp_path / "all.atom" in written and not list(tmp_path.rglob(".*.tmp"))


class FakeHub:
    """A WebSub hub on 127.0.0.1 that records publish pings."""

    def __init__(self, status: int = 204) -> None:
        self.pings: list[dict[str, list[str]]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hub.pings.append(parse_qs(self.rfile.read(length).decode()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_feeds_announce_the_hub_and_the_hub_gets_the_ping(engine: sa.Engine) -> None:
    hub = FakeHub()
    try:
        with serve(engine, FEEDS, hub=hub.url) as srv, httpx.Client() as client:
            atom = etree.fromstring(plain(client, srv.url("feeds/all.atom")).content)
            assert atom.find("{*}link[@rel='hub']").get("href") == hub.url
            rss = etree.fromstring(plain(client, srv.url("feeds/all.rss")).content)
            assert rss.find("channel/{*}link[@rel='hub']").get("href") == hub.url
            topics = topic_urls(srv.site, FEEDS)
            assert ping_hub(hub.url, topics) is True
        assert hub.pings[0]["hub.mode"] == ["publish"]
        assert hub.pings[0]["hub.url"] == topics and srv.url("feeds/all.atom") in topics
    finally:
        hub.close()


def test_a_failing_hub_is_reported_not_raised() -> None:
    hub = FakeHub(status=500)
    try:
        assert ping_hub(hub.url, ["http://127.0.0.1/feeds/all.atom"]) is False
    finally:
        hub.close()
    assert ping_hub(hub.url, ["http://127.0.0.1/feeds/all.atom"], timeout=2) is False  # closed


def test_served_json_feeds_and_archives_pass_the_validator(
    engine: sa.Engine, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        for n in range(5):
            add_story(conn, 1, f"Old story {n}", minutes=-100 + n)
    feeds = [FeedSpec("art", "Articles", group="article", limit=3), FEEDS[0]]
    with serve(engine, feeds, archive_page_size=2) as srv, httpx.Client() as client:
        paths = ["feeds/art.json", "feeds/art/archive/1.json", "feeds/art/archive/3.json"]
        for path in [*paths, "feeds/all.json"]:
            validate_json_feed(plain(client, srv.url(path)).content, tmp_path)
        current = plain(client, srv.url("feeds/art.json")).json()
        assert current["next_url"] == srv.url("feeds/art/archive/4.json")
