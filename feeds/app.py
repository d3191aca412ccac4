"""The HTTP side: a raw ASGI application serving feeds, pages and archives from a cache.

No framework, for speed: a request is a dict lookup of a prebuilt response plus a header
comparison (see ``feeds.http``). A document is rendered once per change of the store:

- ``invalidate()`` drops every cached document; the daemon calls it after an ingest that
  changed stories, so its own server shows new stories at once.
- A separate ``serve`` process has no one to call it, so at most once per ``check_interval``
  seconds (1 by default) a request first runs one cheap query (``query.store_version``:
  max/count aggregates over stories, revisions, clusters and sources). When the stories part
  changed every document is dropped; when only source health changed, only the status page.

304 answers come from the cached validators, without rendering and without touching the
store beyond that version check. Extra routes (``/healthz``, ``/metrics``) are mounted with
``add_route(path, handler)``, ``handler`` being an ASGI callable; they take precedence.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from feeds.documents import Documents
from feeds.http import EMPTY_BODY, Prepared, etag_matches, not_modified_since, prepare, wants_gzip
from feeds.query import StoreVersion, store_version
from feeds.spec import FeedSpec, SiteSpec
from ingest.store.engine import reading

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Handler = Callable[[Scope, Receive, Send], Awaitable[None]]

_TEXT = [(b"content-type", b"text/plain; charset=utf-8")]
# Story pages are as many as the clusters: keep the latest built, so requests for every id
# cannot grow the cache without bound (feeds and archive pages are bounded by the config).
STORY_PAGES_CACHED = 2000


async def _plain(
    send: Send, status: int, text: str, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = text.encode()
    headers = [*_TEXT, *extra, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class FeedApp:
    """The ASGI application; see the module docstring for how its cache stays fresh."""

    def __init__(
        self,
        engine: sa.Engine,
        feeds: Sequence[FeedSpec],
        site: SiteSpec,
        *,
        check_interval: float = 1.0,
    ) -> None:
        self.engine = engine
        self.documents = Documents(engine, feeds, site)
        self.check_interval = check_interval
        self._prefix = urlsplit(site.base_url).path or "/"
        self._routes: dict[str, Handler] = {}
        self._cache: dict[str, Prepared] = {}
        self._story_paths: dict[str, None] = {}  # cached story pages, oldest first
        self._generation = 0
        self._version: StoreVersion | None = None
        self._next_check = 0.0
        self._pending: dict[tuple[str, int], asyncio.Future[Prepared | None]] = {}

    def add_route(self, path: str, handler: Handler) -> None:
        """Mount an ASGI ``handler`` at exactly ``path`` (e.g. "/healthz"), any method."""
        self._routes[path] = handler

    def invalidate(self) -> None:
        """Forget every rendered document; safe to call from any thread."""
        self.documents.clear()
        self._generation += 1
        self._cache = {}
        self._story_paths = {}
        self._version = None  # the next check takes the store's version as its new baseline
        self._next_check = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self._lifespan(receive, send)
            return
        path = scope["path"]
        handler = self._routes.get(path)
        if handler is not None:
            await handler(scope, receive, send)
            return
        if time.monotonic() >= self._next_check:
            await self._check_version()
        prepared = self._cache.get(path)
        if prepared is None:
            await self._miss(scope, send, path)
            return
        await self._respond(scope, send, prepared)

    async def _respond(self, scope: Scope, send: Send, prepared: Prepared) -> None:
        method = scope["method"]
        if method != "GET" and method != "HEAD":
            await _plain(send, 405, "method not allowed\n", [(b"allow", b"GET, HEAD")])
            return
        inm = ims = ae = b""
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                inm = value
            elif name == b"accept-encoding":
                ae = value
            elif name == b"if-modified-since":
                ims = value
        variant = prepared.gzipped if ae and wants_gzip(ae) else prepared.plain
        if inm:
            fresh = etag_matches(prepared, inm)
        else:
            fresh = bool(ims) and not_modified_since(prepared, ims)
        if fresh:
            await send(variant.start_304)
            await send(EMPTY_BODY)
            return
        await send(variant.start_200)
        await send(EMPTY_BODY if method == "HEAD" else variant.body)

    async def _miss(self, scope: Scope, send: Send, path: str) -> None:
        site_path = self._site_path(path)
        if site_path is None:
            await _plain(send, 404, "not found\n")
            return
        try:
            prepared = await self._render(path, site_path)
        except Exception:
            log.exception("rendering %s failed", path)
            await _plain(send, 503, "temporarily unavailable\n", [(b"retry-after", b"30")])
            return
        if prepared is not None:
            await self._respond(scope, send, prepared)
        elif site_path.startswith(("feeds/", "stories/")) and not site_path.endswith("/"):
            await self._redirect_to_page(send, path, site_path)
        else:
            await _plain(send, 404, "not found\n")

    async def _redirect_to_page(self, send: Send, path: str, site_path: str) -> None:
        # "/feeds/all" is a typo for the page "/feeds/all/", when that page exists (and so
        # for archive and story pages).
        if await self._render(path + "/", site_path + "/") is None:
            await _plain(send, 404, "not found\n")
            return
        await _plain(send, 301, "moved\n", [(b"location", (path + "/").encode())])

    def _site_path(self, path: str) -> str | None:
        if path.startswith(self._prefix):
            rel = path[len(self._prefix) :]
        elif path.startswith("/"):
            rel = path[1:]  # served without the proxy's prefix
        else:
            return None
        return "" if rel == "index.html" else rel

    async def _render(self, path: str, site_path: str) -> Prepared | None:
        """Build the document once, however many requests wait for it."""
        generation = self._generation
        key = (path, generation)
        future = self._pending.get(key)
        if future is None:
            future = asyncio.ensure_future(asyncio.to_thread(self._build, site_path))
            self._pending[key] = future
            future.add_done_callback(lambda _: self._pending.pop(key, None))
        prepared = await asyncio.shield(future)
        if prepared is not None and generation == self._generation:
            self._cache[path] = prepared
            if site_path.startswith("stories/"):
                self._remember_story(path)
        return prepared

    def _remember_story(self, path: str) -> None:
        self._story_paths[path] = None
        while len(self._story_paths) > STORY_PAGES_CACHED:
            oldest = next(iter(self._story_paths))
            del self._story_paths[oldest]
            self._cache.pop(oldest, None)

    def _build(self, site_path: str) -> Prepared | None:
        doc = self.documents.build(site_path)
        return None if doc is None else prepare(doc)

    async def _check_version(self) -> None:
        self._next_check = time.monotonic() + self.check_interval
        try:
            version = await asyncio.to_thread(self._read_version)
        except Exception as e:  # the store may be briefly away: keep serving what we have
            log.warning("store version check failed: %s", e)
            return
        old, self._version = self._version, version
        if old is None or old == version:
            return
        if old.stories != version.stories:
            self.invalidate()
            self._version = version
        else:
            self._cache = {p: d for p, d in self._cache.items() if not d.doc.depends_on_sources}

    def _read_version(self) -> StoreVersion:
        with reading(self.engine) as conn:
            return store_version(conn)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(engine: sa.Engine, feeds: Sequence[FeedSpec], site: SiteSpec) -> FeedApp:
    """The application the CLI serves with uvicorn."""
    return FeedApp(engine, feeds, site)
