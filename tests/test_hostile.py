"""Hostile input from remote servers: nothing they send may make us read local files,
lose other items, or republish what they should not control."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest import pipeline
from ingest.errors import ParseError
from ingest.fetch import Fetcher
from ingest.model import Fetched, FetchOptions, SourceSpec
from ingest.parse import parse_feed
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories
from tests.conftest import FixtureSite

OPTIONS = FetchOptions(allow_private_networks=True, per_host_delay=0)
LOCAL_FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>LOCAL FILE</title>'
    "<link>http://local.example/</link><description>d</description>"
    "<item><title>Read from our own disk</title><link>http://local.example/1</link>"
    "<description>secret</description></item></channel></rss>"
)


def _fetched(body: bytes) -> Fetched:
    url = "https://feeds.example/feed.xml"
    headers = {"content-type": "application/rss+xml"}
    return Fetched(url=url, final_url=url, status=200, headers=headers, body=body)


@pytest.mark.parametrize("kind", ["feed file", "/etc/passwd", "/dev/zero"])
def test_a_body_that_is_a_path_is_never_opened(kind: str, tmp_path: Path) -> None:
    local = tmp_path / "local.xml"
    local.write_text(LOCAL_FEED)
    path = {"feed file": str(local)}.get(kind, kind)
    source = SourceSpec(name="evil", url="https://feeds.example/feed.xml")
    with pytest.raises(ParseError) as caught:
        parse_feed(source, _fetched(path.encode()))
    assert "source 'evil'" in str(caught.value)


def test_a_served_path_is_not_ingested(sqlite_url: str, site: FixtureSite, tmp_path: Path) -> None:
    local = tmp_path / "local.xml"
    local.write_text(LOCAL_FEED)
    site.add("/feed.xml", str(local), content_type="application/rss+xml")
    spec = SourceSpec(name="evil", url=site.url("/feed.xml"), full_text="never")
    engine = open_store(sqlite_url)
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [spec])
        [report] = pipeline.ingest_many(ctx, [spec])
    assert not report.ok
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(stories)).scalar_one() == 0
        error = conn.execute(sa.select(sources.c.last_error)).scalar_one()
    assert error is not None and ("not a feed" in error or "XML error" in error), error


# --- one bad item loses only itself ------------------------------------------------------------

RSS_HEAD = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://t.example/</link><description>d</description>'
RSS_ITEM = "<item><title>{title}</title><link>http://t.example/{n}</link>{extra}</item>"


def rss(*items: str) -> bytes:
    return (RSS_HEAD + "".join(items) + "</channel></rss>").encode()


def test_a_lone_surrogate_in_one_title_drops_only_that_item() -> None:
    body = rss(
        RSS_ITEM.format(title="Good one", n=1, extra=""),
        RSS_ITEM.format(title="bad &#xD800; title", n=2, extra=""),
        RSS_ITEM.format(title="Good two", n=3, extra=""),
    )
    feed = parse_feed(SourceSpec(name="s", url="https://t.example/f"), _fetched(body))
    assert [i.title for i in feed.items] == ["Good one", "Good two"]
    assert len(feed.dropped) == 1 and "item 2" in feed.dropped[0]
    assert "UnicodeEncodeError" in feed.dropped[0]


def test_a_json_item_dated_year_one_keeps_the_others() -> None:
    import json

    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {"id": "1", "url": "https://j.example/1", "title": "Ancient",
             "content_text": "x", "date_published": "0001-01-01T00:00:00+14:00"},
            {"id": "2", "url": "https://j.example/2", "title": "Fine",
             "content_text": "y", "date_published": "2025-03-04T10:00:00Z"},
        ],
    }  # fmt: skip
    fetched = Fetched(
        url="https://j.example/f", final_url="https://j.example/f", status=200,
        headers={"content-type": "application/feed+json"}, body=json.dumps(doc).encode(),
    )  # fmt: skip
    feed = parse_feed(SourceSpec(name="j", url="https://j.example/f"), fetched)
    assert [i.title for i in feed.items] == ["Ancient", "Fine"]
    assert feed.items[0].published is None  # no UTC form: unknown, clamped later


def test_dropped_items_are_recorded_on_the_source(sqlite_url: str, site: FixtureSite) -> None:
    body = rss(
        RSS_ITEM.format(title="bad &#xD800; title", n=1, extra="<description>x</description>"),
        RSS_ITEM.format(
            title="Envoys meet in Oslo", n=2, extra="<description>Envoys met.</description>"
        ),
    )
    site.add("/feed.xml", body, content_type="application/rss+xml")
    spec = SourceSpec(name="mixed", url=site.url("/feed.xml"), full_text="never")
    report, error, titles = _ingest(sqlite_url, spec)
    assert report.ok and report.new == 1 and report.failed == 1
    assert titles == ["Envoys meet in Oslo"]
    assert error is not None and "item 1" in error and "UnicodeEncodeError" in error


def _ingest(url: str, spec: SourceSpec) -> tuple[pipeline.SourceReport, str | None, list[str]]:
    engine = open_store(url)
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [spec])
        [report] = pipeline.ingest_many(ctx, [spec])
    with engine.connect() as conn:
        error = conn.execute(sa.select(sources.c.last_error)).scalar_one()
        titles = list(conn.execute(sa.select(stories.c.title).order_by(stories.c.id)).scalars())
    return report, error, titles


# --- items per fetch are capped, newest first ------------------------------------------------


def test_a_huge_feed_is_capped_to_the_newest_items() -> None:
    items = [
        RSS_ITEM.format(title=f"Item {n}", n=n, extra=f"<pubDate>{_rfc822(n)}</pubDate>")
        for n in range(20_000)
    ]
    body = rss(*items[::-1][:10_000], *items[::-1][10_000:])
    spec = SourceSpec(name="big", url="https://t.example/f", max_items=50)
    feed = parse_feed(spec, _fetched(body))
    assert len(feed.items) == 50 and feed.capped == 19_950
    assert {i.title for i in feed.items} == {f"Item {n}" for n in range(19_950, 20_000)}
    assert any("max_items (50)" in n for n in feed.notes)


def _rfc822(n: int) -> str:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    return format_datetime(datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n), usegmt=True)


def test_the_cap_is_recorded_on_the_source(sqlite_url: str, site: FixtureSite) -> None:
    items = [
        RSS_ITEM.format(
            title=f"Envoys meet for round {n} of talks", n=n,
            extra=f"<pubDate>{_rfc822(n)}</pubDate><description>Round {n} of talks.</description>",
        )
        for n in range(12)
    ]  # fmt: skip
    site.add("/feed.xml", rss(*items), content_type="application/rss+xml")
    spec = SourceSpec(name="capped", url=site.url("/feed.xml"), full_text="never", max_items=5)
    report, error, titles = _ingest(sqlite_url, spec)
    assert report.new == 5 and report.capped == 7
    assert error == "7 items over max_items skipped"
    assert sorted(int(t.split()[4]) for t in titles) == [7, 8, 9, 10, 11], titles


# --- dates we publish stay within [1970, first seen] ------------------------------------------

ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><title>Far Dates</title><id>urn:x</id>
<updated>9999-12-31T23:59:59Z</updated>
<entry><title>Envoys meet in Oslo for talks</title><id>urn:far:1</id>
<link href="http://far.example/1"/><published>0001-01-01T00:00:00Z</published>
<updated>9999-12-31T23:59:59Z</updated><content type="text">Envoys met in Oslo.</content></entry>
<entry><title>Ministers sign a trade accord</title><id>urn:far:2</id>
<link href="http://far.example/2"/><dc:date>9999-06-01T00:00:00Z</dc:date>
<content type="text">Ministers signed an accord.</content></entry>
</feed>"""


def test_out_of_range_dates_never_reach_outputs(sqlite_url: str, site: FixtureSite) -> None:
    import email.utils
    from datetime import UTC, datetime, timedelta

    import feedparser
    import httpx

    from feeds.spec import FeedSpec
    from tests.feeds_support import serve

    site.add("/atom.xml", ATOM, content_type="application/atom+xml")
    spec = SourceSpec(name="far", url=site.url("/atom.xml"), full_text="never")
    report, _, _ = _ingest(sqlite_url, spec)
    assert report.new == 2
    now = datetime.now(UTC)
    engine = open_store(sqlite_url)
    with engine.connect() as conn:
        for pub, upd in conn.execute(sa.select(stories.c.published_at, stories.c.updated_at)):
            for value in (pub, upd):
                if value is not None:
                    value = value.replace(tzinfo=value.tzinfo or UTC)
                    assert datetime(1970, 1, 1, tzinfo=UTC) <= value <= now + timedelta(hours=1)
    with serve(engine, [FeedSpec("all", "All", "Everything")]) as srv, httpx.Client() as client:
        for ext in ("atom", "rss", "json"):
            r = client.get(srv.url(f"feeds/all.{ext}"))
            modified = email.utils.parsedate_to_datetime(r.headers["last-modified"])
            assert modified <= now + timedelta(hours=1), (ext, r.headers["last-modified"])
            assert (
                b"9999" not in r.content
                and b" 0001 " not in r.content
                and b" 1 00:" not in r.content
            )
        rss = feedparser.parse(client.get(srv.url("feeds/all.rss")).content)
        assert rss.feed.updated_parsed.tm_year <= now.year


# --- titles: decoded once, per their type ------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<title>1 &lt; 2 and 3 &gt; 2</title>", "1 < 2 and 3 > 2"),
        ('<title type="html">1 &amp;lt; 2 and &lt;b&gt;3&lt;/b&gt;</title>', "1 < 2 and 3"),
        ("<title>\u202eReversed\u2066 text</title>", "Reversed text"),
    ],
)
def test_titles_are_text_after_one_decoding(markup: str, expected: str) -> None:
    from datetime import UTC, datetime

    from ingest.normalize import normalize

    doc = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><id>urn:f</id><entry>'
        f'{markup}<id>urn:e</id><link href="https://t.example/1"/>'
        '<content type="text">Body text here.</content></entry></feed>'
    ).encode()
    spec = SourceSpec(name="t", url="https://t.example/f", full_text="never")
    [item] = parse_feed(spec, _fetched(doc)).items
    story = normalize(item, None, spec, now=datetime.now(UTC), key="k")
    assert story.title == expected


# --- terminal and markup injection, secrets ---------------------------------------------------

EVIL_REASON = b"[/] \x1b]0;pwned\x07\x1b[2J[bold red]boom"


class _RawServer:
    """Answers every request with one fixed raw HTTP response (any status line we like)."""

    def __init__(self, response: bytes) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.response = response
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(self.response)

    def close(self) -> None:
        self.sock.close()


def test_remote_text_cannot_inject_markup_controls_or_show_secrets(
    tmp_path: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    from communique.cli import main

    raw = _RawServer(
        b"HTTP/1.1 500 " + EVIL_REASON + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    site.add("/feed.xml", rss(RSS_ITEM.format(
        title="Talks [/] resume \x1b[2J in Oslo", n=1, extra="<description>Talks.</description>")),
        content_type="application/rss+xml")  # fmt: skip
    config = tmp_path / "c.toml"
    config.write_text(f"""
[store]
url = "sqlite:///{tmp_path / "s.db"}"
[fetch]
allow_private_networks = true
per_host_delay = 0
timeout = 5
[[sources]]
name = "evil"
url = "http://spy:hunter2@127.0.0.1:{raw.port}/feed.xml"
[[sources]]
name = "markup"
url = "{site.url("/feed.xml")}"
full_text = false
""")
    try:
        assert main(["--config", str(config), "ingest"]) == 0
        assert main(["--config", str(config), "sources"]) == 0
        assert main(["--config", str(config), "check", "markup"]) == 0
    finally:
        raw.close()
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert "\x1b" not in printed and "\x07" not in printed
    assert "hunter2" not in printed
    assert "[/]" in printed  # shown as itself, not taken for markup
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    with engine.connect() as conn:
        errors = [e for e in conn.execute(sa.select(sources.c.last_error)).scalars() if e]
    assert errors and all("\x1b" not in e and "hunter2" not in e for e in errors)


def test_log_lines_lose_controls_and_credentials() -> None:
    import logging

    from communique.logs import ShownFilter

    record = logging.LogRecord(
        "x", logging.WARNING, "f", 1, "fetch %s failed: %s",
        ("https://u:secret@h.example/f", "500 \x1b[2J\x1b]0;t\x07 boom\r\nFAKE LINE"), None,
    )  # fmt: skip
    record.url = "https://u:secret@h.example/f"
    ShownFilter().filter(record)
    message = record.getMessage()
    assert "secret" not in message and "\x1b" not in message and "\n" not in message
    assert record.url == "https://***@h.example/f"


# --- protocol oddities -------------------------------------------------------------------------


def test_a_304_to_an_unconditional_request_is_an_error(sqlite_url: str, site: FixtureSite) -> None:
    site.add("/feed.xml", b"", status=304)
    spec = SourceSpec(name="lazy", url=site.url("/feed.xml"))
    report, error, _ = _ingest(sqlite_url, spec)
    assert not report.ok and report.status == 304
    assert error is not None and "not conditional" in error


def test_an_atom_entry_with_a_urn_id_and_no_link_is_kept(
    sqlite_url: str, site: FixtureSite
) -> None:
    doc = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Urns</title>
<id>urn:uuid:feed</id><link href="{base}/news/"/><updated>2025-03-04T10:00:00Z</updated>
<entry><title>Envoys meet in Oslo for talks</title>
<id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><updated>2025-03-04T10:00:00Z</updated>
<content type="text">Envoys from both countries met in Oslo on Tuesday.</content></entry></feed>"""
    site.add("/atom.xml", doc.format(base=site.base), content_type="application/atom+xml")
    spec = SourceSpec(name="urns", url=site.url("/atom.xml"), full_text="never")
    report, _, titles = _ingest(sqlite_url, spec)
    assert report.new == 1 and titles == ["Envoys meet in Oslo for talks"], report
    engine = open_store(sqlite_url)
    with engine.connect() as conn:
        url, body = conn.execute(sa.select(stories.c.url, stories.c.body_text)).one()
    assert url.startswith(site.base + "/news")
    assert "no link of its own" in body, body


# --- the HTTP server caps request heads ---------------------------------------------------------


def _raw_request(port: int, data: bytes, *, pause: float = 0.0) -> bytes:
    import socket
    import time

    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        try:
            s.sendall(data)
            if pause:
                time.sleep(pause)
        except OSError:
            pass  # the server may hang up before it has read all of a huge head
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"content-length" in b"".join(chunks).lower():
                break
        return b"".join(chunks)


@pytest.fixture
def served_port(sqlite_url: str):  # type: ignore[no-untyped-def]
    from feeds.spec import FeedSpec
    from tests.feeds_support import serve

    engine = open_store(sqlite_url)
    with serve(engine, [FeedSpec("all", "All", "Everything")]) as srv:
        yield int(srv.url("").split(":")[2].split("/")[0])
    engine.dispose()


def test_huge_or_many_headers_get_431_and_others_are_served(served_port: int) -> None:
    import threading
    import time

    import httpx

    base = f"http://127.0.0.1:{served_port}/"
    big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (8 * 1024 * 1024) + b"\r\n\r\n"
    answers: list[bytes] = []
    attacker = threading.Thread(target=lambda: answers.append(_raw_request(served_port, big)))
    attacker.start()
    started = time.monotonic()
    assert httpx.get(base, timeout=10).status_code == 200  # not stalled by the attacker
    assert time.monotonic() - started < 5
    attacker.join(30)
    assert answers and answers[0].startswith(b"HTTP/1.1 431"), answers[:1]
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(
        b"X-H%d: v\r\n" % i for i in range(500)
    ) + b"\r\n"  # fmt: skip
    assert _raw_request(served_port, many).startswith(b"HTTP/1.1 431")
    ok = _raw_request(served_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert not ok.startswith(b"HTTP/1.1 431")


def test_a_slow_request_head_is_cut_off(served_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import communique.http_limits as limits

    monkeypatch.setattr(limits, "HEAD_TIMEOUT", 0.5)
    answer = _raw_request(served_port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a", pause=1.5)
    assert answer.startswith(b"HTTP/1.1 408")


HOSTILE_ITEM = (
    '<?xml version="1.0"?><rss version="2.0" xmlns:content='
    '"http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
    "<link>https://feeds.example/</link><description>d</description><item>"
    "<title>Envoys meet &lt;script&gt;alert(1)&lt;/script&gt; in Oslo</title>"
    "<link>https://feeds.example/2026/envoys</link><content:encoded><![CDATA["
    "<p>OSLO — Envoys met on Monday.<script>alert('script')</script></p>"
    '<p>They <a href="javascript:alert(2)">agreed</a> a <a href="/2026/text">text</a>.'
    '<img src="x.png" onerror="alert(3)"></p><iframe src="https://evil.example/"></iframe>'
    '<style>p{display:none}</style><p onclick="alert(4)">Talks resume in a month, both '
    "delegations said after the meeting, which lasted three hours.</p>]]></content:encoded>"
    "</item></channel></rss>"
)


def test_hostile_markup_in_a_feed_is_neither_stored_nor_shown() -> None:
    """feedparser's own sanitizer is off (``ingest.parse._feedparse``): ours must do its
    work on every HTML field, and relative links still come out absolute."""
    from ingest.digest import digest_item
    from ingest.pipeline import utcnow

    source = SourceSpec(name="hostile", url="https://feeds.example/feed.xml", full_text="never")
    (item,) = parse_feed(source, _fetched(HOSTILE_ITEM.encode())).items
    story = digest_item(item, None, source, "k", utcnow())
    shown = story.body_html.lower()
    for bad in ("<script", "alert", "javascript:", "onerror", "onclick", "<iframe", "<style"):
        assert bad not in shown, bad
    assert 'href="https://feeds.example/2026/text"' in story.body_html
    assert "alert" not in story.body_text and "display:none" not in story.body_text
    assert story.title == "Envoys meet <script>alert(1)</script> in Oslo"  # text, escaped on output
