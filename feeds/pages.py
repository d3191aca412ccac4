"""Pages for people: the status page (``/``), each feed's page and the OPML subscription list.

Plain HTML with a little CSS and no JavaScript; every string is escaped here, bodies are
sanitized. Like the feeds, pages depend only on the data (absolute UTC times, no "5 minutes
ago"), so the export writes the bytes the server sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from feeds.query import FeedItem
from feeds.render import item_html, rfc3339
from feeds.spec import FeedSpec, SiteSpec
from feeds.urls import (
    FORMAT_NAMES,
    FORMATS,
    MEDIA_TYPES,
    absolute,
    archive_path,
    feed_path,
    page_path,
)
from ingest.sanitize import xml_safe
from ingest.shown import redact, shown
from ingest.store.sources import SourceHealth

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b;background:#fdfdfd}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin:1.6rem 0 .4rem}
a{color:#0645ad}.meta{color:#555;font-size:.9rem}.subscribe a{margin-right:.8rem}
article{border-top:1px solid #ddd;padding:.8rem 0}article h2{margin:.2rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e4e4e4;vertical-align:top}
.error{color:#a00}.ok{color:#060}
"""


def _e(text: object) -> str:
    return escape(xml_safe(str(text)))


def _when(dt: datetime | None) -> str:
    if dt is None:
        return "—"
    stamp = rfc3339(dt)
    return f'<time datetime="{stamp}">{stamp.replace("T", " ").replace("Z", " UTC")}</time>'


def _document(title: str, head: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title>{head}<style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    ).encode()


def _alternates(site: SiteSpec, spec: FeedSpec) -> str:
    return "".join(
        f'<link rel="alternate" type="{MEDIA_TYPES[fmt]}" title="{_e(spec.title)} '
        f'({FORMAT_NAMES[fmt]})" href="{_e(absolute(site, feed_path(spec.slug, fmt)))}">'
        for fmt in FORMATS
    )


def _subscribe(site: SiteSpec, spec: FeedSpec) -> str:
    links = "".join(
        f'<a href="{_e(absolute(site, feed_path(spec.slug, fmt)))}">{FORMAT_NAMES[fmt]}</a>'
        for fmt in FORMATS
    )
    return f'<p class="subscribe">Subscribe: {links}</p>'


def _item_article(item: FeedItem) -> str:
    byline = " · ".join(
        part for part in (_e(item.outlet), _when(item.published), _e(item.dateline or "")) if part
    )
    return (
        f'<article><h2><a href="{_e(item.url)}">{_e(item.title)}</a></h2>'
        f'<p class="meta">{byline}</p>{item_html(item)}</article>'
    )


def feed_page(site: SiteSpec, spec: FeedSpec, items: Sequence[FeedItem], pages: int) -> bytes:
    """/feeds/<slug>/: the feed's items, readable in a browser, with subscribe links."""
    archives = ""
    if pages:
        older = absolute(site, archive_path(spec.slug, pages, "atom"))
        archives = f'<p class="meta">Older items: <a href="{_e(older)}">archive (Atom)</a></p>'
    body = (
        f'<p class="meta"><a href="{_e(site.base_url)}">{_e(site.title)}</a></p>'
        f"<h1>{_e(spec.title)}</h1><p>{_e(spec.description)}</p>"
        f"{_subscribe(site, spec)}"
        + ("".join(_item_article(i) for i in items) or "<p>No items yet.</p>")
        + archives
    )
    return _document(f"{spec.title} — {site.title}", _alternates(site, spec), body)


def _source_row(s: SourceHealth) -> str:
    error = ""
    if s.disabled_reason:
        error = f'<span class="error">disabled: {_e(shown(s.disabled_reason))}</span>'
    elif s.last_error:
        error = f'<span class="error">{_e(shown(s.last_error))}</span> ({_when(s.last_error_at)})'
    status = _e(s.last_status) if s.last_status is not None else "—"
    return (
        f'<tr><td><a href="{_e(redact(s.url))}">{_e(s.name)}</a>'
        + ("" if s.enabled else " (off)")
        + f"</td><td>{_when(s.last_success_at)}</td><td>{status}</td><td>{error or '—'}</td>"
        f"<td>{_when(s.next_fetch_at)}</td><td>{s.story_count}</td></tr>"
    )


def status_page(site: SiteSpec, feeds: Sequence[FeedSpec], health: Sequence[SourceHealth]) -> bytes:
    """/: every output feed with its subscribe links, and every source with its health."""
    head = "".join(_alternates(site, f) for f in feeds)
    head += f'<link rel="alternate" type="text/x-opml" href="{_e(absolute(site, "feeds.opml"))}">'
    feed_list = "".join(
        f'<li><a href="{_e(absolute(site, page_path(f.slug)))}">{_e(f.title)}</a>'
        + (f" — {_e(f.description)}" if f.description else "")
        + f"{_subscribe(site, f)}</li>"
        for f in feeds
    )
    rows = "".join(_source_row(s) for s in health)
    body = (
        f"<h1>{_e(site.title)}</h1><h2>Feeds</h2><ul>{feed_list}</ul>"
        f'<p>All feeds as <a href="{_e(absolute(site, "feeds.opml"))}">OPML</a>.</p>'
        "<h2>Sources</h2><table><thead><tr><th>Source</th><th>Last success</th>"
        "<th>HTTP</th><th>Last error</th><th>Next fetch</th><th>Stories</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    return _document(site.title, head, body)


def opml(site: SiteSpec, feeds: Sequence[FeedSpec]) -> bytes:
    """OPML 2.0 listing each output feed (its Atom document, with the page as htmlUrl)."""
    outlines = "".join(
        f'\n    <outline type="rss" text="{_e(f.title)}" title="{_e(f.title)}" '
        f'xmlUrl="{_e(absolute(site, feed_path(f.slug, "atom")))}" '
        f'htmlUrl="{_e(absolute(site, page_path(f.slug)))}"'
        + (f' description="{_e(f.description)}"' if f.description else "")
        + "/>"
        for f in feeds
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
        f"    <title>{_e(site.title)}</title>\n  </head>\n  <body>{outlines}\n  </body>\n"
        "</opml>\n"
    ).encode()
