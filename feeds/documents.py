"""Every document the site serves, built from the store by its site-relative path.

The server caches what ``Documents.build`` returns and the export writes it to disk: one
code path, so both give the same bytes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from feeds import pages
from feeds.query import FeedItem, load_items, load_story, pick_all_oldest_first, pick_newest
from feeds.render import EPOCH, RENDERERS, FeedView
from feeds.spec import FeedSpec, SiteSpec
from feeds.status_page import DAYS, HOURS, StatusData, status_page
from feeds.story_page import story_page
from feeds.urls import (
    FORMATS,
    MEDIA_TYPES,
    archive_page_path,
    archive_path,
    feed_path,
    page_path,
)
from ingest.store import counts, outputs
from ingest.store.engine import reading
from ingest.store.sources import health as source_health
from ingest.store.sources import schedule_lag

FEED_MAX_AGE = 300
ARCHIVE_MAX_AGE = 3600  # archive pages change only when clusters merge or retention trims
STATUS_MAX_AGE = 60

_FEED = re.compile(r"feeds/([a-z0-9_-]+)\.(atom|rss|json)")
_PAGE = re.compile(r"feeds/([a-z0-9_-]+)/")
_ARCHIVE = re.compile(r"feeds/([a-z0-9_-]+)/archive/([1-9][0-9]{0,8})\.(atom|rss|json)")
_ARCHIVE_PAGE = re.compile(r"feeds/([a-z0-9_-]+)/archive/([1-9][0-9]{0,8})/")
_STORY = re.compile(r"stories/([1-9][0-9]{0,17})/")


@dataclass(frozen=True, slots=True)
class Document:
    path: str  # site-relative, "" for the status page
    body: bytes
    media_type: str  # without parameters
    last_modified: datetime
    max_age: int
    depends_on_sources: bool = False  # the status page shows source health
    stories: tuple[int, ...] = ()  # the story pages (cluster ids) this page links to


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What one output feed shows now: its newest items and its archive (oldest first)."""

    items: list[FeedItem]
    archive_keys: list[str]
    pages: int
    created: datetime
    keys: frozenset[str]  # every item key the feed holds: which feeds carry a story


class Documents:
    """Builds documents by path; remembers each feed's snapshot until ``clear``.

    Thread-safe: the server builds in worker threads. Builds are serialized, which also
    keeps one render of a feed from racing another of the same feed.
    """

    def __init__(self, engine: sa.Engine, feeds: Sequence[FeedSpec], site: SiteSpec) -> None:
        self.engine, self.site = engine, site
        self.feeds = {f.slug: f for f in feeds}
        self._snapshots: dict[str, _Snapshot] = {}
        self._lock = threading.Lock()
        # A feed no writer has registered yet (a store only ever served) was created, as far
        # as anyone can tell, when this server started.
        self._started = datetime.now(UTC)

    def clear(self) -> None:
        with self._lock:
            self._snapshots = {}

    def build(self, path: str) -> Document | None:
        """The document at ``path``, or None when there is none."""
        with self._lock:
            return self._build(path)

    def _build(self, path: str) -> Document | None:
        if path in ("", "status", "status/"):
            return self._status(path)
        if path == "feeds.opml":
            return Document(
                path,
                pages.opml(self.site, list(self.feeds.values())),
                "text/x-opml",
                EPOCH,
                FEED_MAX_AGE,
            )
        if m := _FEED.fullmatch(path):
            return self._feed(path, m[1], m[2], None)
        if m := _PAGE.fullmatch(path):
            return self._page(path, m[1])
        if m := _ARCHIVE.fullmatch(path):
            return self._feed(path, m[1], m[3], int(m[2]))
        if m := _ARCHIVE_PAGE.fullmatch(path):
            return self._page(path, m[1], int(m[2]))
        if m := _STORY.fullmatch(path):
            return self._story(path, int(m[1]))
        return None

    def paths(self) -> list[str]:
        """Every document there is now: what the export writes."""
        out = ["", "status/", "feeds.opml"]
        for slug in self.feeds:
            out += [feed_path(slug, fmt) for fmt in FORMATS] + [page_path(slug)]
            with self._lock:
                n = self._snapshot(slug).pages
            out += [archive_path(slug, p, fmt) for p in range(1, n + 1) for fmt in FORMATS]
            out += [archive_page_path(slug, p) for p in range(1, n + 1)]
        return out

    def _snapshot(self, slug: str) -> _Snapshot:
        snap = self._snapshots.get(slug)
        if snap is None:
            spec = self.feeds[slug]
            size = self.site.archive_page_size
            with reading(self.engine) as conn:
                keys = pick_all_oldest_first(conn, spec)
                pages = len(keys) // size if len(keys) > spec.limit else 0
                # RFC 5005: the current document and the archives together hold every item,
                # so items not yet on a complete archive page stay in the current one, even
                # a late arrival with an old date that is not among the newest.
                tail = keys[pages * size :] if pages else []
                newest = pick_newest(conn, spec)
                items = load_items(conn, spec, newest + [k for k in tail if k not in newest])
                created = outputs.created(conn).get(slug, self._started)
            snap = self._snapshots[slug] = _Snapshot(items, keys, pages, created, frozenset(keys))
        return snap

    def _feed(self, path: str, slug: str, fmt: str, page: int | None) -> Document | None:
        spec = self.feeds.get(slug)
        if spec is None:
            return None
        snap = self._snapshot(slug)
        if page is None:
            view = FeedView(spec, self.site, snap.items, snap.pages, created=snap.created)
        elif page <= snap.pages:
            items = self._archive_items(spec, snap, page)
            view = FeedView(spec, self.site, items, snap.pages, page, snap.created)
        else:
            return None
        max_age = FEED_MAX_AGE if page is None else ARCHIVE_MAX_AGE
        return Document(path, RENDERERS[fmt](view), MEDIA_TYPES[fmt], view.updated, max_age)

    def _archive_items(self, spec: FeedSpec, snap: _Snapshot, page: int) -> list[FeedItem]:
        size = self.site.archive_page_size
        keys = snap.archive_keys[(page - 1) * size : page * size]
        with reading(self.engine) as conn:
            return load_items(conn, spec, keys)

    def _page(self, path: str, slug: str, page: int | None = None) -> Document | None:
        """A feed's page of story cards: the current one, or archive page ``page``."""
        spec = self.feeds.get(slug)
        if spec is None:
            return None
        snap = self._snapshot(slug)
        if page is None:
            items = snap.items
        elif page <= snap.pages:
            items = self._archive_items(spec, snap, page)
        else:
            return None
        updated = max((i.updated for i in items), default=snap.created)
        body = pages.feed_page(self.site, spec, items, snap.pages, updated, page)
        linked = tuple(i.cluster_id for i in items if i.cluster_id is not None)
        max_age = FEED_MAX_AGE if page is None else ARCHIVE_MAX_AGE
        return Document(path, body, "text/html", updated, max_age, stories=linked)

    def _story(self, path: str, cluster_id: int) -> Document | None:
        with reading(self.engine) as conn:
            item = load_story(conn, cluster_id)
        if item is None:
            return None
        keys = {f"cluster/{item.cluster_id}", f"story/{item.story_id}"}
        keys |= {f"story/{m.story_id}" for m in item.members}
        in_feeds = [spec for slug, spec in self.feeds.items() if keys & self._snapshot(slug).keys]
        body = story_page(self.site, item, cluster_id, in_feeds)
        return Document(path, body, "text/html", item.updated, FEED_MAX_AGE)

    def _status(self, path: str) -> Document:
        with reading(self.engine) as conn:
            health = source_health(conn)
            as_of = max((s.last_fetch_at for s in health if s.last_fetch_at), default=None)
            data = StatusData(health, {}, [], 0.0, None)
            if as_of is not None:  # counted up to the latest fetch: the data's own "now"
                per_day = counts.stories_per_day(conn, as_of, DAYS)
                hours = counts.per_hour(conn, as_of, HOURS)
                data = StatusData(health, per_day, hours, schedule_lag(conn, as_of), as_of)
        body = status_page(self.site, list(self.feeds.values()), data)
        times = [t for s in health for t in (s.last_fetch_at, s.last_error_at) if t is not None]
        return Document(path, body, "text/html", max(times, default=EPOCH), STATUS_MAX_AGE, True)
