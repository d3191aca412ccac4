"""Pages for readers: each feed's page of story cards (current and archive pages) and the
OPML subscription list. Story pages are in ``feeds.story_page``, the status page in
``feeds.status_page``, what they share in ``feeds.page_parts``.

Server-rendered HTML and CSS, no JavaScript; every string is escaped (``page_parts.e``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from feeds.cards import card
from feeds.page_parts import crumbs, document, e, when
from feeds.query import FeedItem
from feeds.spec import FeedSpec, SiteSpec
from feeds.urls import (
    FORMAT_NAMES,
    FORMATS,
    MEDIA_TYPES,
    absolute,
    archive_page_path,
    feed_path,
    page_path,
)


def alternates(site: SiteSpec, spec: FeedSpec) -> str:
    return "".join(
        f'<link rel="alternate" type="{MEDIA_TYPES[fmt]}" title="{e(spec.title)} '
        f'({FORMAT_NAMES[fmt]})" href="{e(absolute(site, feed_path(spec.slug, fmt)))}">'
        for fmt in FORMATS
    )


def subscribe(site: SiteSpec, spec: FeedSpec) -> str:
    links = "".join(
        f'<a href="{e(absolute(site, feed_path(spec.slug, fmt)))}">{FORMAT_NAMES[fmt]}</a>'
        for fmt in FORMATS
    )
    return f'<p class="subscribe">Subscribe: {links}</p>'


def _pager(site: SiteSpec, spec: FeedSpec, pages: int, page: int | None) -> str:
    """Newer and older pages, following the feed's RFC 5005 archives (1 is the oldest)."""
    newer = older = ""
    if page is not None:
        target = page_path(spec.slug) if page >= pages else archive_page_path(spec.slug, page + 1)
        newer = f'<a href="{e(absolute(site, target))}" rel="next">← Newer stories</a>'
    older_page = pages if page is None else page - 1
    if older_page >= 1:
        target = archive_page_path(spec.slug, older_page)
        older = f'<a href="{e(absolute(site, target))}" rel="prev">Older stories →</a>'
    if not (newer or older):
        return ""
    return f'<nav class="pager" aria-label="Pages">{newer or "<span></span>"}{older}</nav>'


def feed_page(
    site: SiteSpec,
    spec: FeedSpec,
    items: Sequence[FeedItem],
    pages: int,
    ref: datetime,
    page: int | None = None,
) -> bytes:
    """/feeds/<slug>/ (``page`` None) or /feeds/<slug>/archive/<page>/: story cards, newest
    first, with times relative to ``ref`` (the feed's last change), and subscribe links."""
    title = spec.title if page is None else f"{spec.title}: archive page {page} of {pages}"
    here = [(absolute(site, page_path(spec.slug)), spec.title)] if page is not None else []
    cards = "".join(card(site, i, ref) for i in items) or "<p>No stories yet.</p>"
    main = (
        f"<h1>{e(title)}</h1>"
        + (f"<p>{e(spec.description)}</p>" if spec.description else "")
        + f'<p class="meta">Updated {when(ref)}; the times below count from then</p>'
        + subscribe(site, spec)
        + _pager(site, spec, pages, page)
        + cards
        + _pager(site, spec, pages, page)
    )
    return document(f"{title} — {site.title}", alternates(site, spec), crumbs(site, *here), main)


def opml(site: SiteSpec, feeds: Sequence[FeedSpec]) -> bytes:
    """OPML 2.0 listing each output feed (its Atom document, with the page as htmlUrl)."""
    outlines = "".join(
        f'\n    <outline type="rss" text="{e(f.title)}" title="{e(f.title)}" '
        f'xmlUrl="{e(absolute(site, feed_path(f.slug, "atom")))}" '
        f'htmlUrl="{e(absolute(site, page_path(f.slug)))}"'
        + (f' description="{e(f.description)}"' if f.description else "")
        + "/>"
        for f in feeds
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
        f"    <title>{e(site.title)}</title>\n  </head>\n  <body>{outlines}\n  </body>\n"
        "</opml>\n"
    ).encode()
