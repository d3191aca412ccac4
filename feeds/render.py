"""Feeds as bytes: Atom 1.0 and RSS 2.0 through feedgen (its only import site), JSON Feed 1.1.

feedgen builds the documents; a short lxml pass afterwards repairs what feedgen gets wrong
and adds what it cannot express (see ``_fix_atom`` and ``_fix_rss``). Every string goes
through ``xml_safe`` first, because feedgen raises on XML-illegal characters, and every HTML
body through ``sanitize_html``. Output depends only on the data, never on the clock, so the
server and the static export produce the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from feedgen.feed import FeedEntry, FeedGenerator
from lxml import etree

from feeds.query import FeedItem
from feeds.spec import FeedSpec, SiteSpec
from feeds.urls import MEDIA_TYPES, absolute, archive_path, feed_path, page_path, tag_uri
from ingest.sanitize import sanitize_html, xml_safe

ATOM_NS = "http://www.w3.org/2005/Atom"
FH_NS = "http://purl.org/syndication/history/1.0"  # RFC 5005
DC_NS = "http://purl.org/dc/elements/1.1/"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True, slots=True)
class FeedView:
    """One feed document to render: the subscription document, or archive page ``page``.

    ``pages`` is how many complete archive pages exist (RFC 5005); page 1 is the oldest.
    """

    spec: FeedSpec
    site: SiteSpec
    items: Sequence[FeedItem]
    pages: int = 0
    page: int | None = None
    created: datetime = EPOCH  # the feed's creation: an empty feed's `updated`

    def path(self, fmt: str) -> str:
        if self.page is None:
            return feed_path(self.spec.slug, fmt)
        return archive_path(self.spec.slug, self.page, fmt)

    def url(self, path: str) -> str:
        return absolute(self.site, path)

    @property
    def updated(self) -> datetime:
        return max((i.updated for i in self.items), default=self.created)

    def history(self, fmt: str) -> dict[str, str]:
        """RFC 5005 links: rel → absolute URL of the neighbouring documents."""
        slug, links = self.spec.slug, {}
        newest_older = self.pages if self.page is None else self.page - 1
        if newest_older >= 1:
            links["prev-archive"] = self.url(archive_path(slug, newest_older, fmt))
        if self.page is not None:
            links["current"] = self.url(feed_path(slug, fmt))
            if self.page < self.pages:
                links["next-archive"] = self.url(archive_path(slug, self.page + 1, fmt))
        return links


# C1 controls are legal XML but never text; feedparser reads them as windows-1252 ("\x80"
# becomes "€") and the W3C validator warns, so they go too.
_C1 = re.compile("[\x80-\x9f]")


def _t(text: str | None) -> str:
    return _C1.sub("", xml_safe(text or ""))


def _title(text: str | None, fallback: str = "Untitled") -> str:
    """feedgen refuses an empty title, and a reader shows nothing useful for one."""
    return _t(text).strip() or fallback


def _date(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(microsecond=0)


def rfc3339(dt: datetime) -> str:
    return _date(dt).isoformat().replace("+00:00", "Z")


def item_html(item: FeedItem) -> str:
    """The item's HTML: the story body (or summary), then the cluster's other outlets."""
    body = item.body_html or (f"<p>{escape(item.summary)}</p>" if item.summary else "")
    if item.members:
        rows = "".join(
            f'<li><a href="{escape(m.url)}">{escape(m.outlet)}</a>: {escape(m.title)}</li>'
            for m in item.members
        )
        body += f"<p>Also reported by:</p><ul>{rows}</ul>"
    return sanitize_html(_t(body))


def _item_id(view: FeedView, item: FeedItem) -> str:
    """tag:HOST,2026:feed/<slug>/<cluster|story>/<id>: permanent, and distinct per output
    feed, because readers such as newsboat keep one copy per id across all subscriptions."""
    return tag_uri(view.site, f"feed/{view.spec.slug}/{item.key}")


def _item_title(view: FeedView) -> str:
    title = view.spec.title
    return f"{title} (archive page {view.page})" if view.page is not None else title


# --- Atom and RSS through feedgen ----------------------------------------------------------


def _generator(view: FeedView, fmt: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(tag_uri(view.site, f"feed/{view.spec.slug}"))
    fg.title(_title(_item_title(view), view.spec.slug))
    fg.description(_title(view.spec.description, _title(view.spec.title, view.spec.slug)))
    fg.author({"name": _t(view.site.title)})
    fg.language(view.spec.language)
    fg.updated(_date(view.updated))
    fg.generator("communique")
    fg.link(href=view.url(view.path(fmt)), rel="self", type=MEDIA_TYPES[fmt])
    # feedgen takes the RSS channel <link> from the last link set: the page goes last.
    fg.link(href=view.url(page_path(view.spec.slug)), rel="alternate", type="text/html")
    return fg


def _categories(fe: FeedEntry, view: FeedView, item: FeedItem) -> None:
    for kind, values in (("topic", item.topics), ("country", item.countries)):
        scheme = tag_uri(view.site, kind)
        for value in values:
            fe.category(term=_t(value), scheme=scheme, label=_t(value))


def _entry(fg: FeedGenerator, view: FeedView, item: FeedItem) -> FeedEntry:
    fe = fg.add_entry(order="append")
    fe.id(_item_id(view, item))
    fe.title(_title(item.title))
    fe.link(href=item.url, rel="alternate", type="text/html")
    fe.published(_date(item.published))
    fe.updated(_date(item.updated))
    fe.author({"name": _t(item.author or item.outlet)})
    fe.source(url=item.source_url, title=_t(item.outlet))
    _categories(fe, view, item)
    return fe


def render_atom(view: FeedView) -> bytes:
    fg = _generator(view, "atom")
    for item in view.items:
        fe = _entry(fg, view, item)
        if item.summary:
            fe.summary(_t(item.summary))
        fe.content(item_html(item), type="html")
    return _fix_atom(fg.atom_str(), view)


def render_rss(view: FeedView) -> bytes:
    fg = _generator(view, "rss")
    for item in view.items:
        fe = _entry(fg, view, item)
        fe.guid(_item_id(view, item), permalink=False)
        fe.description(item_html(item))
    return _fix_rss(fg.rss_str(), view)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def _add_links(parent: etree._Element, links: dict[str, str], tag: str, index: int) -> None:
    for rel, href in links.items():
        link = etree.Element(tag, href=href, rel=rel)
        parent.insert(index, link)


def _fix_atom(data: bytes, view: FeedView) -> bytes:
    root = etree.fromstring(data)
    a = f"{{{ATOM_NS}}}"
    # feedgen drops rel and type of entry links (it reads them from the new element).
    for link in root.iterfind(f"{a}entry/{a}link"):
        link.set("rel", "alternate")
        link.set("type", "text/html")
    for link in root.iterfind(f"{a}entry/{a}source/{a}link"):
        link.set("rel", "self")
    links = _extra_links(view, "atom")
    _add_links(root, links, f"{a}link", _after_last(root, f"{a}link"))
    if view.page is not None:
        root.insert(0, etree.Element(f"{{{FH_NS}}}archive", nsmap={"fh": FH_NS}))
    return _serialize(root)


def _extra_links(view: FeedView, fmt: str) -> dict[str, str]:
    links = view.history(fmt)
    if view.site.hub:
        links["hub"] = view.site.hub
    return links


def _after_last(parent: etree._Element, tag: str) -> int:
    positions = [i for i, el in enumerate(parent) if el.tag == tag]
    return positions[-1] + 1 if positions else len(parent)


def _fix_rss(data: bytes, view: FeedView) -> bytes:
    root = etree.fromstring(data)
    channel = root.find("channel")
    assert channel is not None  # feedgen always writes one
    channel.find("link").text = view.url(page_path(view.spec.slug))  # type: ignore[union-attr]
    # feedgen writes only the self atom:link in RSS; hub and archive links go beside it.
    at = _after_last(channel, f"{{{ATOM_NS}}}link")
    _add_links(channel, _extra_links(view, "rss"), f"{{{ATOM_NS}}}link", at)
    for el, item in zip(channel.iterfind("item"), view.items, strict=True):
        creator = etree.SubElement(el, f"{{{DC_NS}}}creator", nsmap={"dc": DC_NS})
        creator.text = _t(item.author or item.outlet)
    if view.page is not None:
        channel.insert(0, etree.Element(f"{{{FH_NS}}}archive", nsmap={"fh": FH_NS}))
    etree.cleanup_namespaces(root, top_nsmap={"dc": DC_NS, "atom": ATOM_NS})
    return _serialize(root)


# --- JSON Feed 1.1 -------------------------------------------------------------------------


def _json_item(view: FeedView, item: FeedItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": _item_id(view, item),
        "url": item.url,
        "title": _title(item.title),
        "content_html": item_html(item),
        "date_published": rfc3339(item.published),
        "date_modified": rfc3339(item.updated),
        "authors": [{"name": _t(item.author or item.outlet)}],
        "tags": [_t(t) for t in (*item.topics, *item.countries)],
        "_communique": _extension(item),
    }
    if item.summary:
        out["summary"] = _t(item.summary)
    if item.language:
        out["language"] = item.language
    return out


def _extension(item: FeedItem) -> dict[str, Any]:
    """Our JSON Feed extension: what the cluster is made of and what the story is about."""
    members = [
        {"url": item.url, "outlet": _t(item.outlet), "title": _t(item.title)}
        | {"published": rfc3339(item.published)}
    ] + [
        {"url": m.url, "outlet": _t(m.outlet), "title": _t(m.title)}
        | {"published": rfc3339(m.published)}
        for m in item.members
    ]
    return {
        "cluster": item.cluster_id,
        "members": members,
        "countries": list(item.countries),  # the parties to the story
        "mentions": list(item.mentions),
        "organizations": [_t(o) for o in item.organizations],
        "topics": [_t(t) for t in item.topics],
        "dateline": _t(item.dateline) or None,
        "outlet": _t(item.outlet),
    }


def render_json(view: FeedView) -> bytes:
    feed: dict[str, Any] = {
        "version": JSONFEED_VERSION,
        "title": _title(_item_title(view), view.spec.slug),
        "home_page_url": view.url(page_path(view.spec.slug)),
        "feed_url": view.url(view.path("json")),
        "description": _title(view.spec.description, _title(view.spec.title, view.spec.slug)),
        "language": view.spec.language,
        "authors": [{"name": _t(view.site.title)}],
    }
    older = view.history("json").get("prev-archive")
    if older:
        feed["next_url"] = older  # JSON Feed pages go from newer to older
    if view.site.hub:
        feed["hubs"] = [{"type": "WebSub", "url": view.site.hub}]
    feed["items"] = [_json_item(view, i) for i in view.items]
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8")


RENDERERS = {"atom": render_atom, "rss": render_rss, "json": render_json}
