"""The fetcher over real sockets: limits, redirects, conditional GET, robots.txt, politeness."""

from __future__ import annotations

import gzip
import itertools
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ingest.errors import FetchError
from ingest.fetch import Fetcher, address_refusal, parse_retry_after
from ingest.model import FetchOptions

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"


def options(**overrides: object) -> FetchOptions:
    values: dict[str, object] = {
        "allow_private_networks": True,
        "per_host_delay": 0.0,
        "timeout": 5.0,
        "connect_timeout": 2.0,
    }
    values.update(overrides)
    return FetchOptions(**values)  # type: ignore[arg-type]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(options()) as f:
        yield f


# --- a raw socket server for misbehaving peers ------------------------------------------------


@contextmanager
def raw_server(serve: Callable[[socket.socket], None]) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that hands each connection to ``serve``."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_serve_quietly, args=(serve, conn), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def _serve_quietly(serve: Callable[[socket.socket], None], conn: socket.socket) -> None:
    try:
        conn.recv(65536)
        serve(conn)
    except OSError:
        pass
    finally:
        conn.close()


def trickle(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(400):  # one byte every 50 ms: each read is quick, the whole is not
        conn.sendall(b"x")
        time.sleep(0.05)


def trickle_headers(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 400:
        conn.sendall(bytes([byte]))
        time.sleep(0.05)


# --- basics -------------------------------------------------------------------------------


def test_get_returns_body_headers_and_sends_identity(site, fetcher: Fetcher) -> None:
    site.add("/feed.xml", FEED, content_type="application/rss+xml", headers={"ETag": '"v1"'})
    got = fetcher.get(site.url("/feed.xml"))
    assert got.status == 200 and got.body == FEED  # the fixture gzips it: decoded here
    assert got.headers["content-type"] == "application/rss+xml"
    assert got.headers["content-encoding"] == "gzip"
    assert all(name == name.lower() for name in got.headers)
    assert got.etag == '"v1"' and got.final_url == site.url("/feed.xml")
    sent = site.requests[-1].headers
    assert sent["User-Agent"].startswith("communique/")
    assert "application/rss+xml" in sent["Accept"]
    assert sent["Accept-Encoding"] == "gzip, deflate"


def test_accept_can_be_overridden(site, fetcher: Fetcher) -> None:
    site.add("/page", b"<html></html>", content_type="text/html")
    fetcher.get(site.url("/page"), accept="text/html")
    assert site.requests[-1].headers["Accept"] == "text/html"


@pytest.mark.parametrize("raw", [False, True])
def test_deflate_is_decoded_zlib_wrapped_or_raw(site, fetcher: Fetcher, raw: bool) -> None:
    compressor = zlib.compressobj(wbits=-15 if raw else 15)
    body = compressor.compress(FEED) + compressor.flush()
    site.add("/d", body, headers={"Content-Encoding": "deflate"})
    assert fetcher.get(site.url("/d")).body == FEED


def test_unknown_content_encoding_is_an_error(site, fetcher: Fetcher) -> None:
    site.add("/z", b"...", headers={"Content-Encoding": "zstd"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding: zstd"):
        fetcher.get(site.url("/z"))


# --- conditional GET ------------------------------------------------------------------------


def test_conditional_get_with_etag_gives_304(site, fetcher: Fetcher) -> None:
    site.add("/feed.xml", FEED, headers={"ETag": '"abc"'})
    first = fetcher.get(site.url("/feed.xml"))
    again = fetcher.get(site.url("/feed.xml"), etag=first.etag)
    assert site.requests[-1].headers["If-None-Match"] == '"abc"'
    assert again.not_modified and again.status == 304 and again.body == b""
    assert again.etag == '"abc"'


def test_304s_and_redirects_keep_the_connection(site, fetcher: Fetcher) -> None:
    # A 304 or a redirect closed unread would close its connection too, and every later
    # poll of the host would pay for a new one (a TLS handshake on a real site).
    ports: list[int] = []

    def conditional(req):
        ports.append(req.client_address[1])
        if req.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, FEED

    def moved(req):
        ports.append(req.client_address[1])
        return 302, {"Location": "/feed.xml"}, b"<p>moved</p>"

    site.add("/feed.xml", handler=conditional)
    site.add("/old.xml", handler=moved)
    first = fetcher.get(site.url("/feed.xml"))
    for _ in range(3):
        assert fetcher.get(site.url("/feed.xml"), etag=first.etag).not_modified
    assert fetcher.get(site.url("/old.xml"), etag=first.etag).not_modified
    assert len(ports) == 6 and len(set(ports)) == 1, ports


def test_conditional_get_with_last_modified(site, fetcher: Fetcher) -> None:
    stamp = "Tue, 05 Mar 2024 10:00:00 GMT"
    site.add("/feed.xml", FEED, headers={"Last-Modified": stamp})
    first = fetcher.get(site.url("/feed.xml"))
    assert first.last_modified == stamp
    again = fetcher.get(site.url("/feed.xml"), last_modified=stamp)
    assert site.requests[-1].headers["If-Modified-Since"] == stamp
    assert again.not_modified and again.last_modified == stamp


def test_changed_resource_is_fetched_despite_an_old_etag(site, fetcher: Fetcher) -> None:
    site.add("/feed.xml", FEED, headers={"ETag": '"new"'})
    got = fetcher.get(site.url("/feed.xml"), etag='"old"')
    assert not got.not_modified and got.body == FEED and got.etag == '"new"'


# --- redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "permanent"), [(301, True), (302, False), (307, False),
                                                    (308, True)])  # fmt: skip
def test_redirects_are_followed(site, fetcher: Fetcher, status: int, permanent: bool) -> None:
    site.add("/old", status=status, headers={"Location": "/new"})
    site.add("/new", FEED)
    got = fetcher.get(site.url("/old"))
    assert got.body == FEED and got.url == site.url("/old")
    assert got.final_url == site.url("/new")
    assert got.permanent_redirect == (site.url("/new") if permanent else None)


def test_permanent_redirect_names_the_final_url_of_a_chain(site, fetcher: Fetcher) -> None:
    site.add("/a", status=301, headers={"Location": "/b"})
    site.add("/b", status=302, headers={"Location": site.url("/c")})
    site.add("/c", FEED)
    assert fetcher.get(site.url("/a")).permanent_redirect == site.url("/c")


def test_too_many_redirects(site, fetcher: Fetcher) -> None:
    for n in range(7):
        site.add(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
    site.add("/r7", FEED)
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher.get(site.url("/r0"))
    site.add("/r2", FEED)  # five hops is fine
    assert fetcher.get(site.url("/r0"), robots=False).final_url == site.url("/r2")


def test_redirect_to_another_scheme_is_refused(site, fetcher: Fetcher) -> None:
    site.add("/ftp", status=302, headers={"Location": "ftp://127.0.0.1/x"})
    with pytest.raises(FetchError, match="not an http"):
        fetcher.get(site.url("/ftp"))


# --- HTTP errors and Retry-After --------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410, 500])
def test_http_errors_carry_the_status(site, fetcher: Fetcher, status: int) -> None:
    site.add("/gone", b"nope", status=status)
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/gone"))
    assert caught.value.status == status
    assert f"HTTP {status}" in str(caught.value) and site.url("/gone") in str(caught.value)
    assert caught.value.retry_after is None


def test_retry_after_seconds_on_429(site, fetcher: Fetcher) -> None:
    site.add("/busy", status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/busy"))
    assert caught.value.status == 429 and caught.value.retry_after == 120.0


def test_retry_after_http_date_on_503_is_capped(site) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(hours=5), usegmt=True)
    site.add("/down", status=503, headers={"Retry-After": later})
    with Fetcher(options(max_retry_after=600.0)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(site.url("/down"))
    assert caught.value.status == 503 and caught.value.retry_after == 600.0


def test_parse_retry_after() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 <= (parse_retry_after(soon, 3600) or 0) <= 90
    assert parse_retry_after("Tue, 05 Mar 2019 10:00:00 GMT", 3600) == 0.0
    assert parse_retry_after("7200", 3600) == 3600
    assert parse_retry_after("soon", 3600) is None
    assert parse_retry_after(None, 3600) is None


# --- network errors -------------------------------------------------------------------------


def test_connection_refused_is_named(fetcher: Fetcher) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused") as caught:
        fetcher.get(f"http://127.0.0.1:{port}/feed", robots=False)
    assert caught.value.status is None


# --- private addresses ----------------------------------------------------------------------


def test_private_addresses_are_refused_at_connect_time(site) -> None:
    site.add("/feed.xml", FEED)
    with Fetcher(options(allow_private_networks=False)) as fetcher:
        for url in (site.url("/feed.xml"), site.url("/feed.xml").replace("127.0.0.1", "localhost")):
            with pytest.raises(FetchError, match="loopback address") as caught:
                fetcher.get(url, robots=False)
            assert "allow_private_networks" in str(caught.value)
    assert site.requests == []  # refused before a byte was sent
    with Fetcher(options(allow_private_networks=True)) as fetcher:
        assert fetcher.get(site.url("/feed.xml"), robots=False).body == FEED


@pytest.mark.parametrize(
    ("address", "kind"),
    [("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
     ("169.254.169.254", "link-local"), ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"),
     ("::1", "loopback"), ("fe80::1", "link-local"), ("fc00::1", "private"),
     ("::ffff:127.0.0.1", "loopback"), ("100.64.0.1", "non-public"), ("240.0.0.1", "private"),
     ("93.184.216.34", None), ("2606:4700::1111", None)],
)  # fmt: skip
def test_address_refusal(address: str, kind: str | None) -> None:
    assert address_refusal(address) == kind


# --- limits ---------------------------------------------------------------------------------


def test_total_deadline_cuts_a_trickling_body() -> None:
    with raw_server(trickle) as base, Fetcher(options(timeout=1.0)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"timed out after 1s"):
            fetcher.get(base + "/slow", robots=False)
        assert time.monotonic() - started < 10  # cut, not read to the end (20 s)


def test_total_deadline_cuts_trickling_headers() -> None:
    with (
        raw_server(trickle_headers) as base,
        Fetcher(options(timeout=1.0)) as fetcher,
        pytest.raises(FetchError, match=r"timed out after 1s"),
    ):
        fetcher.get(base + "/slow", robots=False)


def test_size_cap_on_a_declared_length(site) -> None:
    site.add("/big", b"x" * 5000, headers={"Content-Encoding": "identity"})
    with (
        Fetcher(options(max_bytes=1000)) as fetcher,
        pytest.raises(FetchError, match=r"max_bytes \(1000 bytes\)"),
    ):
        fetcher.get(site.url("/big"))


def test_size_cap_on_a_streamed_body() -> None:
    def endless(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 4096
        for _ in range(1000):
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    with (
        raw_server(endless) as base,
        Fetcher(options(max_bytes=50_000)) as fetcher,
        pytest.raises(FetchError, match=r"exceeds max_bytes \(50000 bytes\)"),
    ):
        fetcher.get(base + "/", robots=False)


def test_gzip_bomb_is_stopped_at_the_cap(site) -> None:
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 300_000
    site.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with (
        Fetcher(options(max_bytes=1024 * 1024)) as fetcher,
        pytest.raises(FetchError, match=r"decoded body exceeds max_bytes \(1048576 bytes\)"),
    ):
        fetcher.get(site.url("/bomb"))


def test_body_just_under_the_cap_is_kept(site) -> None:
    site.add("/ok", b"y" * 1000)
    with Fetcher(options(max_bytes=1000)) as fetcher:
        assert fetcher.get(site.url("/ok")).body == b"y" * 1000


# --- robots.txt -----------------------------------------------------------------------------

ROBOTS = b"User-agent: *\nDisallow: /private\n\nUser-agent: communique\nDisallow: /no-bots\n"


def test_robots_disallow_and_allow(site, fetcher: Fetcher) -> None:
    site.add("/robots.txt", ROBOTS, content_type="text/plain")
    site.add("/no-bots/feed", FEED)
    site.add("/public/feed", FEED)
    with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
        fetcher.get(site.url("/no-bots/feed"))
    assert fetcher.get(site.url("/public/feed")).body == FEED
    paths = [r.path for r in site.requests]
    assert "/no-bots/feed" not in paths
    assert paths.count("/robots.txt") == 1  # cached per host


def test_robots_group_for_our_token_replaces_the_star_group(site, fetcher: Fetcher) -> None:
    site.add("/robots.txt", ROBOTS, content_type="text/plain")
    site.add("/private/x", FEED)
    # The "communique" group applies to us, so the "*" group's /private does not.
    assert fetcher.get(site.url("/private/x")).body == FEED


def test_robots_override_per_request(site, fetcher: Fetcher) -> None:
    site.add("/robots.txt", b"User-agent: *\nDisallow: /\n")
    site.add("/feed", FEED)
    with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
        fetcher.get(site.url("/feed"))
    assert fetcher.get(site.url("/feed"), robots=False).body == FEED


@pytest.mark.parametrize("status", [404, 401, 403, 410])
def test_robots_4xx_allows_everything(site, fetcher: Fetcher, status: int) -> None:
    site.add("/robots.txt", b"denied", status=status)
    site.add("/feed", FEED)
    assert fetcher.get(site.url("/feed")).body == FEED


def test_robots_5xx_blocks_the_host_for_a_while(site, fetcher: Fetcher) -> None:
    site.add("/robots.txt", b"oops", status=503)
    site.add("/feed", FEED)
    with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
        fetcher.get(site.url("/feed"))


def test_robots_redirect_is_followed(site, fetcher: Fetcher) -> None:
    site.add("/robots.txt", status=301, headers={"Location": "/real-robots.txt"})
    site.add("/real-robots.txt", b"User-agent: *\nDisallow: /feed\n")
    site.add("/feed", FEED)
    with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
        fetcher.get(site.url("/feed"))


# --- politeness ---------------------------------------------------------------------------


def _recording(site, path: str, pause: float = 0.0) -> dict[str, list[float] | int]:
    record: dict[str, list[float] | int] = {"starts": [], "now": 0, "max": 0}
    lock = threading.Lock()

    def handler(req: object) -> tuple[int, dict[str, str], bytes]:
        with lock:
            record["starts"].append(time.monotonic())  # type: ignore[union-attr]
            record["now"] = int(record["now"]) + 1
            record["max"] = max(int(record["max"]), int(record["now"]))
        time.sleep(pause)
        with lock:
            record["now"] = int(record["now"]) - 1
        return 200, {"Content-Type": "application/xml"}, FEED

    site.add(path, handler=handler)
    return record


def test_per_host_delay_spaces_requests(site) -> None:
    record = _recording(site, "/feed")
    with Fetcher(options(per_host_delay=0.3)) as fetcher:
        for _ in range(3):
            fetcher.get(site.url("/feed"), robots=False)
    starts = record["starts"]
    assert isinstance(starts, list) and len(starts) == 3
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.8 * 0.3 for gap in gaps), gaps


def test_per_host_concurrency_is_bounded(site) -> None:
    record = _recording(site, "/slow", pause=0.15)
    with (
        Fetcher(options(per_host_concurrency=2, per_host_delay=0.0)) as fetcher,
        ThreadPoolExecutor(max_workers=6) as pool,
    ):
        results = list(pool.map(lambda _: fetcher.get(site.url("/slow"), robots=False), range(6)))
    assert all(r.body == FEED for r in results)
    assert record["max"] == 2


def test_fetcher_is_shared_by_threads(site, fetcher: Fetcher) -> None:
    for n in range(12):
        site.add(f"/f{n}", FEED + str(n).encode())
    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = list(pool.map(lambda n: fetcher.get(site.url(f"/f{n}")).body, range(12)))
    assert bodies == [FEED + str(n).encode() for n in range(12)]


def test_a_socket_closed_under_a_request_is_a_read_or_write_error() -> None:
    import httpcore

    from ingest.fetch.limits import Deadline
    from ingest.fetch.network import DeadlineStream

    left, right = socket.socketpair()
    right.close()
    stream = DeadlineStream(left, Deadline())
    stream.close()  # closed meanwhile, as by the pool: its fd is gone (EBADF)
    with pytest.raises(httpcore.ReadError):
        stream.read(10, timeout=1)
    with pytest.raises(httpcore.WriteError):
        stream.write(b"x", timeout=1)
