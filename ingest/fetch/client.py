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
The pieces live beside this module: ``limits`` (deadline, bounded decoding), ``politeness``
(per-host gate, robots.txt cache) and ``network`` (the address-checking backend).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ingest.errors import FetchError
from ingest.fetch.limits import BoundedDecoder, Budget, Deadline, TooLarge, content_encodings
from ingest.fetch.network import GuardedBackend, GuardedTransport
from ingest.fetch.politeness import HostGate, RobotsCache
from ingest.model import Fetched, FetchOptions

MAX_REDIRECTS = 5
ROBOTS_TTL = 3600.0
ROBOTS_UNREACHABLE_TTL = 600.0  # a 5xx robots.txt blocks the host, but not for long
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"  # listing and article pages
# Only the encodings we decode ourselves in bounded steps (see BoundedDecoder).
ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}


class Fetcher:
    """An HTTP client with limits, address checks, politeness and robots.txt."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self._deadline = Deadline()
        self._gate = HostGate(options.per_host_concurrency, options.per_host_delay)
        self._robots = RobotsCache(_product_token(options.user_agent))
        transport = GuardedTransport(GuardedBackend(options.allow_private_networks, self._deadline))
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
        if hops[-1].status == 304 and not (etag or last_modified):
            # Nothing was asked conditionally, so "not modified" is the server's mistake;
            # taking it for success would hide a source that never gives us its content.
            raise FetchError(
                url, "HTTP 304 Not Modified to a request that was not conditional", 304
            )
        return _result(url, hops, etag, last_modified, time.monotonic() - started)

    # --- one request, hop by hop --------------------------------------------------------

    def _follow(self, url: str, headers: dict[str, str], robots: bool) -> list[_Hop]:
        budget = Budget(self.options.timeout)
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

    def _send(self, url: str, headers: dict[str, str], budget: Budget) -> _Hop:
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
                _drain(response)
                return _Hop(url, response, b"")
            if not 200 <= status < 300:
                raise self._status_error(url, response)
            return _Hop(url, response, self._read_body(url, response))
        finally:
            response.close()

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        limit = self.options.max_bytes
        encodings = content_encodings(url, response)
        declared = response.headers.get("content-length", "")
        if not encodings and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"body of {declared} bytes exceeds max_bytes ({limit} bytes)")
        decoder = BoundedDecoder(encodings, limit)
        try:
            parts = [decoder.feed(chunk) for chunk in response.iter_raw()]
            parts.append(decoder.flush())
        except TooLarge:
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

    def robots_sitemaps(self, url: str) -> list[str]:
        """The ``Sitemap:`` lines of the robots.txt of ``url``'s site, read with its rules
        (and cached with them): no second fetch."""
        return list(self._robots.rules(url, self._load_robots).site_maps() or [])

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


DRAIN_LIMIT = 64 * 1024  # body bytes of a 304 or redirect read to keep the connection


def _drain(response: httpx.Response) -> None:
    """Read the (usually empty) body of an answer whose body we don't use: a response closed
    unread closes its connection, and every later request to the host then pays for a new
    one (a TLS handshake, on a real site).  A body beyond DRAIN_LIMIT is not worth it."""
    read = 0
    for chunk in response.iter_raw():
        read += len(chunk)
        if read > DRAIN_LIMIT:
            return


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
