"""Where every document lives, and the permanent ids of feeds and items.

Paths are relative to ``SiteSpec.base_url`` (no leading slash), so the server, the pages and
the static export agree on one layout.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from feeds.spec import SiteSpec

FORMATS = ("atom", "rss", "json")
MEDIA_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
    "html": "text/html",
    "opml": "text/x-opml",
}
FORMAT_NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
# The year in tag: URIs is when the name was first used; fixed so ids never change.
TAG_YEAR = 2026


def feed_path(slug: str, fmt: str) -> str:
    return f"feeds/{slug}.{fmt}"


def page_path(slug: str) -> str:
    return f"feeds/{slug}/"


def archive_path(slug: str, page: int, fmt: str) -> str:
    return f"feeds/{slug}/archive/{page}.{fmt}"


def archive_page_path(slug: str, page: int) -> str:
    """The HTML page of RFC 5005 archive ``page`` (1 is the oldest)."""
    return f"feeds/{slug}/archive/{page}/"


def story_path(cluster_id: int) -> str:
    return f"stories/{cluster_id}/"


def absolute(site: SiteSpec, path: str) -> str:
    return site.base_url + path


def tag_uri(site: SiteSpec, key: str) -> str:
    """A tag: URI (RFC 4151) for ``key`` such as ``story/12`` or ``feed/all``.

    It never changes while the site keeps its host name, whatever happens to the story's
    URL or title.
    """
    host = urlsplit(site.base_url).hostname or "localhost"
    return f"tag:{host},{TAG_YEAR}:{key}"
