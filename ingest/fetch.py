"""The HTTP edge: one polite, bounded GET at a time (httpx lives here and nowhere else).

What a GET promises:
- Addresses are checked where it counts, on the resolved IP at connect time, so a name
  that resolves to a loopback or private address (DNS rebinding) is refused as well as a
  literal one; we connect to the address we checked, never resolve twice.
- A total deadline (``FetchOptions.timeout``) covers connect, TLS, headers and body of every
  hop, enforced on each socket operation, so a server that trickles bytes is cut.
  Time spent waiting for our own politeness limits does not count against it.
- The decoded body is capped (``max_bytes``) while it streams, and gzip/deflate are
  decoded here in bounded steps, so a compression bomb is stopped after ``max_bytes``.
- Politeness per host: at most ``per_host_concurrency`` requests in flight and at least
  ``per_host_delay`` seconds between the starts of two requests.
- robots.txt is honoured for the product token of our User-Agent.

A ``Fetcher`` is thread-safe: the pipeline calls ``get`` from a pool of threads.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from ingest.errors import FetchError
from ingest.model import Fetched, FetchOptions

MAX_REDIRECTS = 5
ROBOTS_TTL = 3600.0
ROBOTS_UNREACHABLE_TTL = 600.0  # a 5xx robots.txt blocks the host, but not for long
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"  # listing and article pages
# Only the encodings we decode ourselves in bounded steps (see _BoundedDecoder).
ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}


class Fetcher:
    """An HTTP client with limits, address checks, politeness and robots.txt."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self._deadline = _Deadline()
        self._gate = _HostGate(options.per_host_concurrency, options.per_host_delay)
        self._robots = _RobotsCache(_product_token(options.user_agent))
        transport = _GuardedTransport(
            _GuardedBackend(options.allow_private_networks, self._deadline)
        )
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(options.timeout, connect=options.connect_timeout),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would bypass the address check
            headers={"User-Agent": options.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool = True,
        accept: str | None = None,
    ) -> Fetched:
        """GET ``url``, following up to 5 redirects; FetchError on anything but 2xx/304."""
        headers = {"Accept": accept or FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        hops = self._follow(url, headers, robots)
        return _result(url, hops, etag, last_modified, time.monotonic() - started)

    # --- one request, hop by hop --------------------------------------------------------

    def _follow(self, url: str, headers: dict[str, str], robots: bool) -> list[_Hop]:
        budget = _Budget(self.options.timeout)
        hops: list[_Hop] = []
        current = url
        while True:
            _check_scheme(url, current)
            if robots:
                self._check_robots(current)
            hop = self._send(current, headers, budget)
            hops.append(hop)
            if hop.status not in _REDIRECTS:
                return hops
            if len(hops) > MAX_REDIRECTS:
                raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS})")
            current = _location(url, hop)

    def _send(self, url: str, headers: dict[str, str], budget: _Budget) -> _Hop:
        with self._gate.slot(_host_key(url)), self._deadline.running(budget):
            try:
                return self._exchange(url, headers)
            except httpx.HTTPError as e:
                raise FetchError(url, self._describe(e)) from e

    def _exchange(self, url: str, headers: dict[str, str]) -> _Hop:
        request = self._client.build_request("GET", url, headers=headers)
        response = self._client.send(request, stream=True)
        try:
            status = response.status_code
            if status in _REDIRECTS or status == 304:
                return _Hop(url, response, b"")
            if not 200 <= status < 300:
                raise self._status_error(url, response)
            return _Hop(url, response, self._read_body(url, response))
        finally:
            response.close()

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        limit = self.options.max_bytes
        encodings = _content_encodings(url, response)
        declared = response.headers.get("content-length", "")
        if not encodings and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"body of {declared} bytes exceeds max_bytes ({limit} bytes)")
        decoder = _BoundedDecoder(encodings, limit)
        try:
            parts = [decoder.feed(chunk) for chunk in response.iter_raw()]
            parts.append(decoder.flush())
        except _TooLarge:
            raise FetchError(url, f"decoded body exceeds max_bytes ({limit} bytes)") from None
        except zlib.error as e:
            raise FetchError(url, f"bad {encodings[0]} encoding: {e}") from e
        return b"".join(parts)

    def _status_error(self, url: str, response: httpx.Response) -> FetchError:
        status = response.status_code
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(
                response.headers.get("retry-after"), self.options.max_retry_after
            )
        reason = response.reason_phrase or ""
        return FetchError(url, f"HTTP {status} {reason}".strip(), status, retry_after)

    def _describe(self, error: httpx.HTTPError) -> str:
        if isinstance(error, httpx.ConnectError | httpx.ReadError | httpx.WriteError):
            return str(error)  # worded by our network backend, which saw the OS error
        if isinstance(error, httpx.ConnectTimeout) and not self._deadline.expired():
            return f"connect timed out after {self.options.connect_timeout:g}s"
        if isinstance(error, httpx.TimeoutException):
            return f"timed out after {self.options.timeout:g}s"
        if isinstance(error, httpx.RemoteProtocolError):
            return f"protocol error: {error}"
        return f"network error: {error or type(error).__name__}"

    # --- robots.txt ---------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        if urlsplit(url).path == "/robots.txt":
            return
        if not self._robots.allows(url, self._load_robots):
            raise FetchError(url, "disallowed by robots.txt")

    def _load_robots(self, robots_url: str) -> tuple[RobotFileParser, float]:
        """Fetch and parse robots.txt the way Google does (RFC 9309).

        2xx: its rules. 4xx, 401 and 403 included: no rules, everything allowed (Google
        treats an access-denied robots.txt as absent; Python's robotparser would block the
        whole site). 5xx: the site is unreachable, so nothing is fetched for a while.
        A network error propagates: the page itself would fail the same way.
        """
        rules = RobotFileParser(robots_url)
        try:
            fetched = self.get(robots_url, robots=False, accept="text/plain, */*;q=0.5")
        except FetchError as e:
            if e.status is None:
                raise
            if e.status >= 500:
                rules.parse(["User-agent: *", "Disallow: /"])
                return rules, ROBOTS_UNREACHABLE_TTL
            rules.parse([])
            return rules, ROBOTS_TTL
        rules.parse(fetched.body.decode("utf-8", "replace").splitlines())
        return rules, ROBOTS_TTL


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hop:
    url: str
    response: httpx.Response  # closed; headers and status stay readable
    body: bytes

    @property
    def status(self) -> int:
        return self.response.status_code


def _result(
    url: str, hops: list[_Hop], etag: str | None, last_modified: str | None, elapsed: float
) -> Fetched:
    last = hops[-1]
    headers = {name.lower(): value for name, value in last.response.headers.items()}
    not_modified = last.status == 304
    if not_modified:  # a 304 may omit the validators; the ones we sent still hold
        etag = headers.get("etag", etag)
        last_modified = headers.get("last-modified", last_modified)
    else:
        etag, last_modified = headers.get("etag"), headers.get("last-modified")
    permanent = last.url if len(hops) > 1 and hops[0].status in _PERMANENT else None
    return Fetched(
        url=url,
        final_url=last.url,
        status=last.status,
        headers=headers,
        body=last.body,
        etag=etag,
        last_modified=last_modified,
        not_modified=not_modified,
        permanent_redirect=permanent,
        elapsed=elapsed,
    )


def _location(url: str, hop: _Hop) -> str:
    location = hop.response.headers.get("location")
    if not location:
        raise FetchError(url, f"HTTP {hop.status} redirect without a Location header")
    return urljoin(hop.url, location.strip())


def _check_scheme(url: str, current: str) -> None:
    if urlsplit(current).scheme.lower() not in ("http", "https"):
        raise FetchError(url, f"not an http(s) URL: {current}")


def _host_key(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _product_token(user_agent: str) -> str:
    """``communique/0.1 (+https://...)`` → ``communique``: the name robots.txt rules use."""
    token = user_agent.split("/", 1)[0].strip().split(" ", 1)[0]
    return token.lower() or "communique"


def parse_retry_after(value: str | None, cap: float) -> float | None:
    """Retry-After as seconds from now (delta-seconds or HTTP-date), clamped to [0, cap]."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), cap)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - datetime.now(UTC)).total_seconds(), 0.0), cap)


# --- the deadline -------------------------------------------------------------------------


class _Budget:
    """The seconds a request may still spend on the network, across its redirect hops."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


class _Deadline(threading.local):
    """The running request's deadline, per thread: httpx is driven synchronously, so every
    socket operation of a request happens on the thread that called ``get``."""

    at: float | None = None

    def running(self, budget: _Budget) -> _Running:
        return _Running(self, budget)

    def remaining(self) -> float | None:
        return None if self.at is None else self.at - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def bound(self, timeout: float | None, exc: type[Exception]) -> float | None:
        """``timeout`` shortened to the deadline; ``exc`` when the deadline has passed."""
        left = self.remaining()
        if left is None:
            return timeout
        if left <= 0:
            raise exc("total deadline exceeded")
        return left if timeout is None else min(timeout, left)


class _Running:
    def __init__(self, deadline: _Deadline, budget: _Budget) -> None:
        self.deadline, self.budget = deadline, budget

    def __enter__(self) -> None:
        self.started = time.monotonic()
        self.outer = self.deadline.at  # robots.txt is fetched inside a request's hop loop
        self.deadline.at = self.started + self.budget.left

    def __exit__(self, *exc: object) -> None:
        self.budget.left -= time.monotonic() - self.started
        self.deadline.at = self.outer


# --- politeness ---------------------------------------------------------------------------


class _HostGate:
    """Per host: a bound on requests in flight and a minimum gap between their starts."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.concurrency, self.delay = max(1, concurrency), max(0.0, delay)
        self._lock = threading.Lock()
        self._hosts: dict[str, _HostState] = {}

    def slot(self, host: str) -> _Slot:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(threading.BoundedSemaphore(self.concurrency))
        return _Slot(state, self.delay)


@dataclass(slots=True)
class _HostState:
    in_flight: threading.BoundedSemaphore
    next_start: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, delay: float) -> float:
        """Book the next start time; return how long to wait for it."""
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + delay
            return start - now


class _Slot:
    def __init__(self, state: _HostState, delay: float) -> None:
        self.state, self.delay = state, delay

    def __enter__(self) -> None:
        self.state.in_flight.acquire()
        wait = self.state.reserve(self.delay)
        if wait > 0:
            time.sleep(wait)

    def __exit__(self, *exc: object) -> None:
        self.state.in_flight.release()


# --- robots.txt cache ---------------------------------------------------------------------


class _RobotsCache:
    """Parsed robots.txt per scheme+host, each loaded once (per-key lock) and kept a while."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, RobotFileParser]] = {}
        self._loading: dict[str, threading.Lock] = {}

    def allows(self, url: str, load: Any) -> bool:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme.lower()}://{parts.netloc.lower()}/robots.txt"
        return self._rules(robots_url, load).can_fetch(self.token, url)

    def _rules(self, robots_url: str, load: Any) -> RobotFileParser:
        with self._lock:
            key_lock = self._loading.setdefault(robots_url, threading.Lock())
        with key_lock:
            entry = self._entries.get(robots_url)
            if entry and entry[0] > time.monotonic():
                return entry[1]
            rules, ttl = load(robots_url)
            self._entries[robots_url] = (time.monotonic() + ttl, rules)
            return rules


# --- bounded decoding ---------------------------------------------------------------------


class _TooLarge(Exception):
    pass


def _content_encodings(url: str, response: httpx.Response) -> list[str]:
    raw = response.headers.get("content-encoding", "")
    names = [n.strip().lower() for n in raw.split(",") if n.strip()]
    names = [n for n in names if n != "identity"]
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(url, f"unsupported Content-Encoding: {name}")
    if len(names) > 1:
        raise FetchError(url, f"unsupported stacked Content-Encoding: {raw}")
    return names


class _BoundedDecoder:
    """Decodes gzip/deflate without ever holding more than ``limit`` + 1 decoded bytes.

    zlib's ``max_length`` keeps each step bounded, unlike a plain ``decompress`` that would
    inflate a whole 64 KiB chunk of a bomb into hundreds of megabytes first.
    """

    def __init__(self, encodings: list[str], limit: int) -> None:
        self.encoding = encodings[0] if encodings else None
        self.limit = limit
        self.total = 0
        self._zlib = self._new()
        self._started = False

    def _new(self) -> Any:
        if self.encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS | 16)

    def feed(self, data: bytes) -> bytes:
        if self.encoding is None:
            return self._count(data)
        out: list[bytes] = []
        while data:
            data = self._step(data, out)
        return b"".join(out)

    def _step(self, data: bytes, out: list[bytes]) -> bytes:
        try:
            piece = self._zlib.decompress(data, self.limit - self.total + 1)
        except zlib.error:
            # "deflate" is meant to be zlib-wrapped; some servers send raw deflate.
            if self.encoding != "deflate" or self._started:
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            piece = self._zlib.decompress(data, self.limit - self.total + 1)
        self._started = True
        out.append(self._count(piece))
        if self._zlib.eof:  # gzip allows several members back to back
            rest: bytes = self._zlib.unused_data
            self._zlib = self._new()
            return rest if self.encoding != "deflate" else b""
        tail: bytes = self._zlib.unconsumed_tail
        return tail

    def flush(self) -> bytes:
        return self._count(self._zlib.flush()) if self.encoding else b""

    def _count(self, piece: bytes) -> bytes:
        self.total += len(piece)
        if self.total > self.limit:
            raise _TooLarge
        return piece


# --- the guarded network backend ----------------------------------------------------------


class AddressRefused(httpcore.ConnectError):
    """A connection to a loopback, private or otherwise non-public address was refused."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        named = address if host == address else f"{host} ({address})"
        super().__init__(
            f"refused to connect to {named}: {kind} address "
            "(set [fetch] allow_private_networks = true to allow)"
        )


def address_refusal(address: str) -> str | None:
    """Why we refuse to connect to ``address``, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks each address, and connects to a checked one (never re-resolves)."""

    def __init__(self, allow_private: bool, deadline: _Deadline) -> None:
        self.allow_private = allow_private
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self.deadline.bound(timeout, httpcore.ConnectTimeout)
        addresses = self._allowed(host, _resolve(host, port))
        last: OSError | None = None
        for family, sockaddr in addresses:
            try:
                sock = _connect(family, sockaddr, timeout, socket_options or ())
            except TimeoutError as e:
                raise httpcore.ConnectTimeout(str(e)) from e
            except OSError as e:
                last = e
                continue
            return _DeadlineStream(sock, self.deadline)
        raise httpcore.ConnectError(describe_os_error(last)) from last

    def _allowed(self, host: str, addresses: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
        if self.allow_private:
            return addresses
        allowed, refused = [], None
        for family, sockaddr in addresses:
            kind = address_refusal(sockaddr[0])
            if kind is None:
                allowed.append((family, sockaddr))
            elif refused is None:
                refused = AddressRefused(host, sockaddr[0], kind)
        if not allowed and refused is not None:
            raise refused
        return allowed

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _resolve(host: str, port: int) -> list[tuple[int, Any]]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise httpcore.ConnectError("name not resolved") from e
    return [(family, sockaddr) for family, _, _, _, sockaddr in infos]


def _connect(
    family: int, sockaddr: Any, timeout: float | None, options: Iterable[Any]
) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        for option in options:
            sock.setsockopt(*option)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every operation is also bounded by the running request's deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self.sock = sock
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.sock.settimeout(self.deadline.bound(timeout, httpcore.ReadTimeout))
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            return self.sock.recv(max_bytes)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        while buffer:
            self.sock.settimeout(self.deadline.bound(timeout, httpcore.WriteTimeout))
            with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
                sent = self.sock.send(buffer)
            buffer = buffer[sent:]

    def close(self) -> None:
        self.sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self.sock.settimeout(self.deadline.bound(timeout, httpcore.ConnectTimeout))
        try:
            with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
                wrapped = ssl_context.wrap_socket(self.sock, server_hostname=server_hostname)
        except BaseException:
            self.sock.close()
            raise
        return _DeadlineStream(wrapped, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self.sock, ssl.SSLSocket):
            return self.sock._sslobj  # type: ignore[attr-defined]
        extras = {
            "client_addr": self.sock.getsockname,
            "server_addr": self.sock.getpeername,
            "socket": lambda: self.sock,
            "is_readable": lambda: _is_readable(self.sock),
        }
        getter = extras.get(info)
        return getter() if getter else None


def _is_readable(sock: socket.socket) -> bool:
    """True when an idle pooled connection has data or EOF waiting: the server closed it."""
    if sock.fileno() < 0:
        return True
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


@contextmanager
def _mapped(timeout_exc: type[Exception], error_exc: type[Exception]) -> Iterator[None]:
    try:
        yield
    except TimeoutError as e:
        raise timeout_exc(str(e) or "timed out") from e
    except OSError as e:
        raise error_exc(describe_os_error(e)) from e


def describe_os_error(error: OSError | None) -> str:
    """A short, stable cause for a socket or TLS error (httpcore's pool drops the chain)."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError):
        return "connection reset by peer"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS: certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS: {error.reason or error}"
    return f"network error: {error}"


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over our network backend.

    httpx 0.28 has no public parameter for httpcore's ``network_backend``, so the pool it
    builds is replaced by one built the same way with ours.
    """

    def __init__(self, backend: _GuardedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
