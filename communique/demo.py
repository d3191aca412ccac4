"""The bundled demo news web behind ``communique demo``.

``demo_site/`` holds five fictional outlets: a wire agency (RSS 2.0, summaries only), a
national paper (Atom 1.0, full text), an aggregator that rewrites wire copy and appends junk
(RSS 2.0 with content:encoded), state media (JSON Feed 1.1) and an outlet without a feed
that is scraped with CSS selectors. One event, Xi Jinping meeting Shigeru Ishiba at APEC in
Lima, is carried by four of them, so deduplication has something to collapse.

What a good pipeline makes of it (20 stories, November 13-17 2024): the APEC meeting as one
story from four outlets (wire original, the paper's near-verbatim copy, the aggregator's
rewrite ending at the seafood paragraph, state media's own report); the EU shadow-fleet
sanctions as one story from three; Xi-Biden, the Lima declaration, Chancay port and Ishiba-Yoon
as separate stories from the same summit (hard negatives); a football final and a cold wave
that the "diplomacy" feed leaves out.

Links in the files are written as ``{{BASE}}/...`` because the port is only known once the
server is bound; ``DemoSite`` substitutes its own address when it loads the files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import socket
import threading
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from types import TracebackType
from urllib.parse import unquote, urlsplit

log = logging.getLogger("communique.demo")

SITE_DIR = Path(__file__).resolve().parent / "demo_site"
PLACEHOLDER = "{{BASE}}"
INDEX_FILES = ("index.html", "index.xml")
ALLOW_ALL_ROBOTS = b"User-agent: *\nAllow: /\n"


@dataclass(frozen=True, slots=True)
class DemoSource:
    """One outlet of the demo web as the config names it; ``path`` is relative to the site."""

    name: str
    path: str
    kind: str = "feed"


DEMO_SOURCES = (
    DemoSource("Meridian Wire", "/meridian-wire/rss.xml"),
    DemoSource("The Harbour Times", "/harbour-times/atom.xml"),
    DemoSource("Global Digest", "/global-digest/feed/"),
    DemoSource("Eastern Dispatch", "/eastern-dispatch/feed.json"),
    DemoSource("The Continental Observer", "/continental-observer/", kind="html"),
)


# --- the site as served --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resource:
    """One file, placeholder substituted, with the validators a conditional GET compares."""

    body: bytes
    content_type: str
    etag: str
    mtime: int  # whole seconds, as Last-Modified carries them

    @property
    def last_modified(self) -> str:
        return formatdate(self.mtime, usegmt=True)


def load_site(root: Path, base_url: str) -> dict[str, Resource]:
    """Every file under ``root`` by its POSIX path relative to it, ready to serve."""
    site: dict[str, Resource] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith((".", "_")) for part in rel.split("/")):
            continue  # editor droppings and __pycache__ are not part of the site
        body = path.read_bytes().replace(PLACEHOLDER.encode(), base_url.encode())
        site[rel] = Resource(
            body=body,
            content_type=content_type(rel, body),
            etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
            mtime=int(path.stat().st_mtime),
        )
    return site


def content_type(name: str, body: bytes) -> str:
    """The media type a real news site would send, so the fetcher and parsers see one."""
    suffix = PurePosixPath(name).suffix
    if suffix == ".xml":
        head = body[:1024]
        if b"<rss" in head:
            return "application/rss+xml; charset=utf-8"
        if b"<feed" in head:
            return "application/atom+xml; charset=utf-8"
        return "application/xml; charset=utf-8"
    if suffix == ".json":
        feed = b"jsonfeed.org/version" in body[:1024]
        return "application/feed+json; charset=utf-8" if feed else "application/json"
    if suffix in (".html", ".htm"):
        return "text/html; charset=utf-8"
    if suffix == ".txt":
        return "text/plain; charset=utf-8"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes = b""


def route(site: dict[str, Resource], target: str) -> Answer | Resource:
    """What the site answers for a request target: a file, a redirect or a 404."""
    path = unquote(urlsplit(target).path) or "/"
    parts = path.split("/")
    if ".." in parts or "\\" in path or "\x00" in path:
        return _not_found()
    rel = path.lstrip("/")
    if rel == "robots.txt" and rel not in site:
        return Answer(200, {"Content-Type": "text/plain; charset=utf-8"}, ALLOW_ALL_ROBOTS)
    if rel == "" or rel.endswith("/"):
        candidates = [rel + name for name in INDEX_FILES]
    else:
        if any(f"{rel}/{name}" in site for name in INDEX_FILES):
            return Answer(301, {"Location": path + "/"})
        candidates = [rel, rel + ".html"]  # extensionless article URLs, as many CMSs serve
    for name in candidates:
        if name in site:
            return site[name]
    return _not_found()


def _not_found() -> Answer:
    body = b"<!DOCTYPE html>\n<html lang=en><title>Not found</title><h1>404 Not found</h1>\n"
    return Answer(404, {"Content-Type": "text/html; charset=utf-8"}, body)


def not_modified(resource: Resource, headers: dict[str, str]) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    inm = headers.get("if-none-match")
    if inm is not None:
        tags = {tag.strip().removeprefix("W/") for tag in inm.split(",")}
        return "*" in tags or resource.etag in tags
    ims = headers.get("if-modified-since")
    if not ims:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says
    return since.tzinfo is not None and resource.mtime <= since.timestamp()


# --- the server ----------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class _Server6(_Server):
    address_family = socket.AF_INET6


class DemoSite:
    """The demo web on a threaded HTTP server; ``port=0`` takes any free port.

    >>> with DemoSite() as site:  # doctest: +SKIP
    ...     site.url("/meridian-wire/rss.xml")
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, root: Path = SITE_DIR) -> None:
        self.host = host
        self.port = port
        self.root = root
        self.site: dict[str, Resource] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` without a trailing slash, as substituted for ``{{BASE}}``."""
        if self._server is None:
            raise RuntimeError("DemoSite.base_url is known only after start()")
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self._server.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def feed_urls(self) -> dict[str, str]:
        """Each demo source's name and the absolute URL the config gives it."""
        return {source.name: self.url(source.path) for source in DEMO_SOURCES}

    def start(self) -> DemoSite:
        if self._server is not None:
            return self
        server_cls = _Server6 if ":" in self.host else _Server
        self._server = server_cls((self.host, self.port), _handler_for(self))
        self.site = load_site(self.root, self.base_url)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="communique-demo-site", daemon=True
        )
        self._thread.start()
        log.info("demo news site on %s (%d files)", self.base_url, len(self.site))
        return self

    def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _handler_for(demo: DemoSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "communique-demo-site"

        def do_GET(self) -> None:
            _answer(self, demo.site, head=False)

        def do_HEAD(self) -> None:
            _answer(self, demo.site, head=True)

        def do_POST(self) -> None:
            _send(self, Answer(405, {"Allow": "GET, HEAD"}), head=False)

        def log_message(self, format: str, *args: object) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    return Handler


def _answer(req: BaseHTTPRequestHandler, site: dict[str, Resource], head: bool) -> None:
    found = route(site, req.path)
    if isinstance(found, Answer):
        _send(req, found, head)
        return
    headers = {
        "ETag": found.etag,
        "Last-Modified": found.last_modified,
        "Cache-Control": "no-cache",  # revalidate each time: the point is conditional GET
    }
    request_headers = {name.lower(): value for name, value in req.headers.items()}
    if not_modified(found, request_headers):
        _send(req, Answer(304, headers), head)
        return
    headers["Content-Type"] = found.content_type
    _send(req, Answer(200, headers, found.body), head)


def _send(req: BaseHTTPRequestHandler, answer: Answer, head: bool) -> None:
    req.send_response(answer.status)
    for name, value in answer.headers.items():
        req.send_header(name, value)
    if answer.status != 304:  # a 304 has no body, and no length to announce
        req.send_header("Content-Length", str(len(answer.body)))
    req.end_headers()
    if not head and answer.status != 304:
        req.wfile.write(answer.body)


# --- the config that points communique at it -----------------------------------------------

_SCRAPE: dict[str, str] = {
    "item": "article.teaser",
    "link": "a.headline@href",
    "title": "a.headline",
    "date": "time@datetime",
    "summary": "p.dek",
}
_ARTICLE: dict[str, dict[str, str | list[str]]] = {
    "The Continental Observer": {
        "body": "div.story-body",
        "title": "h1.story-title",
        "date": "time.story-date@datetime",
        "author": "a.story-author",
        "remove": [
            ".share-tools",
            ".related-stories",
            ".newsletter-inline",
            ".read-more",
            "#comments",
        ],
    },
    # The wire's feed carries summaries only, so its pages are fetched: tell the extractor
    # where the story is rather than leave it to guess.
    "Meridian Wire": {
        "body": "div.mw-body",
        "title": "h1.mw-headline",
        "date": "time.mw-date@datetime",
        "author": "p.mw-byline .author",
    },
}
_FEEDS: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    ("all", "All stories", "Every story from the demo outlets, one item per story.", {}),
    (
        "diplomacy",
        "Diplomacy",
        "Summits, talks, treaties, sanctions and disputes between states.",
        {"min_score": 0.3},
    ),
    (
        "china-japan",
        "China and Japan",
        "Stories that involve China or Japan.",
        {"countries": ["CN", "JP"]},
    ),
)


def demo_config(base_url: str, store_url: str, host: str, port: int) -> str:
    """A complete config (TOML text) that polls the demo site at ``base_url``."""
    base = base_url.rstrip("/")
    lines = [
        "# communique demo: the bundled demo news site, served on this machine.",
        "# Generated by `communique demo`; use it as a starting point for your own file.",
        "",
        "[store]",
        f"url = {_toml(store_url)}",
        "",
        "[server]",
        f"host = {_toml(host)}",
        f"port = {port}",
        "",
        "[fetch]",
        "# The demo site runs on 127.0.0.1: allow it, and don't wait between requests.",
        "allow_private_networks = true",
        "per_host_delay = 0",
        "per_host_concurrency = 4",
        "",
        "[schedule]",
        'min_interval = "1m"',
    ]
    for source in DEMO_SOURCES:
        lines += ["", *_source_lines(source, base)]
    for slug, title, description, filters in _FEEDS:
        lines += ["", "[[feeds]]", f"slug = {_toml(slug)}", f"title = {_toml(title)}"]
        lines.append(f"description = {_toml(description)}")
        lines += [f"{key} = {_toml(value)}" for key, value in filters.items()]
    return "\n".join(lines) + "\n"


def _source_lines(source: DemoSource, base: str) -> list[str]:
    lines = [
        "[[sources]]",
        f"name = {_toml(source.name)}",
        f"url = {_toml(base + source.path)}",
        f"kind = {_toml(source.kind)}",
        f"outlet = {_toml(source.name)}",
        'interval = "2m"',
        'language = "en"',
    ]
    if source.kind == "html":
        lines += ["[sources.scrape]", *(f"{k} = {_toml(v)}" for k, v in _SCRAPE.items())]
    if article := _ARTICLE.get(source.name):
        lines += ["[sources.article]", *(f"{k} = {_toml(v)}" for k, v in article.items())]
    return lines


def _toml(value: object) -> str:
    """A TOML literal; JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
