"""Sitemaps → story entries or child sitemaps (sitemaps.org, with Google's ``news:`` extension).

Pure: fetched bytes in, a ``Sitemap`` out; following an index's children is the caller's
work (``ingest/listing.py``), which fetches them. Everything is bounded:
- a gzip file (``sitemap.xml.gz``) is decoded in bounded steps, never past ``max_bytes``;
- at most ``MAX_ENTRIES`` entries are read from one file, the protocol's own limit;
- the XML is read as a stream (``iterparse``), each entry dropped once read, with no DTD,
  entities or network, so a 50,000-entry file costs one pass and little memory;
- only entries dated within the source's ``max_age`` become items; entries without a date,
  or dated more than ``FUTURE_SLACK`` ahead (a wrong zone is at most 14 hours), are counted,
  not read: without a date there is no telling a fresh story from one ten years old.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree

from ingest.dates import parse_date, source_zone
from ingest.errors import ParseError
from ingest.fetch import TooLarge, gunzip
from ingest.model import Fetched, RawItem, SourceSpec

MAX_ENTRIES = 50_000
FUTURE_SLACK = timedelta(days=1)
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Child:
    """A sitemap named by an index, with its ``lastmod`` when the index gives one."""

    url: str
    lastmod: datetime | None


@dataclass(slots=True)
class Tally:
    """What one or more sitemap files held that did not become items."""

    old: int = 0  # dated before max_age
    undated: int = 0
    future: int = 0
    bad: int = 0  # no <loc>, or not an http(s) URL
    unread: int = 0  # beyond MAX_ENTRIES

    def add(self, other: Tally) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True, slots=True)
class Sitemap:
    """One sitemap file as read: an index has children, a urlset has entries."""

    url: str
    index: bool
    entries: tuple[RawItem, ...] = ()
    children: tuple[Child, ...] = ()
    news: bool = False  # entries carry <news:news>: a news sitemap
    publication: str | None = None  # <news:publication><news:name>
    language: str | None = None
    tally: Tally = field(default_factory=Tally)
    notes: tuple[str, ...] = ()


def read_sitemap(source: SourceSpec, fetched: Fetched, now: datetime, limit: int) -> Sitemap:
    """The sitemap in ``fetched``; ParseError naming the source and the cause when it is
    not one. ``limit`` caps a gzip file's decoded size (the fetch's ``max_bytes``)."""
    body = _plain(source, fetched, limit)
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if not head:
        raise _error(source, fetched, "not a sitemap: empty body")
    if head.startswith((b"<!doctype html", b"<html")):
        raise _error(source, fetched, "not a sitemap: got an HTML page")
    reader = _Reader(source, fetched.final_url, now)
    try:
        reader.read(body)
    except lxml.etree.XMLSyntaxError as e:
        if not reader.started or not (reader.entries or reader.children):
            raise _error(source, fetched, f"not a sitemap: XML error: {e}") from e
        reader.notes.append(f"read up to an XML error: {e}")
    return reader.result()


def _plain(source: SourceSpec, fetched: Fetched, limit: int) -> bytes:
    if not fetched.body.startswith(_GZIP_MAGIC):
        return fetched.body
    try:
        return gunzip(fetched.body, limit)
    except TooLarge:
        cause = f"gzip sitemap decodes to more than max_bytes ({limit} bytes)"
        raise _error(source, fetched, cause) from None
    except zlib.error as e:
        raise _error(source, fetched, f"bad gzip file: {e}") from e


def _error(source: SourceSpec, fetched: Fetched, cause: str) -> ParseError:
    return ParseError(f"source {source.name!r}: {cause} ({fetched.final_url})")


class _Reader:
    """One streaming pass over a sitemap file."""

    def __init__(self, source: SourceSpec, url: str, now: datetime) -> None:
        self.source, self.url, self.now = source, url, now
        self.zone = source_zone(source)
        self.oldest = now - timedelta(seconds=source.max_age)
        self.index = self.started = self.news = False
        self.entries: list[RawItem] = []
        self.children: list[Child] = []
        self.tally = Tally()
        self.notes: list[str] = []
        self.publication: str | None = None
        self.language: str | None = None
        self.seen = 0

    def read(self, body: bytes) -> None:
        events = _events(body)
        for _, element in events:
            if not self.started:
                self._root(element.getroottree().getroot())
            self.seen += 1
            if self.seen > MAX_ENTRIES:
                self.tally.unread += 1
            elif self.index:
                self._child(element)
            else:
                self._entry(element)
            _forget(element)
        if not self.started and events.root is not None:  # a file with no entries at all
            self._root(events.root)

    def _root(self, element: lxml.etree._Element) -> None:
        name = _local(element)
        if name not in ("urlset", "sitemapindex"):
            hint = ' (a feed: use kind = "feed")' if name in ("rss", "feed", "RDF") else ""
            raise ParseError(
                f"source {self.source.name!r}: not a sitemap: the root element is "
                f"<{name}>, not <urlset> or <sitemapindex>{hint} ({self.url})"
            )
        self.started, self.index = True, name == "sitemapindex"

    def _child(self, element: lxml.etree._Element) -> None:
        fields = _fields(element)
        url = self._url(fields.get("loc"))
        if url is None:
            self.tally.bad += 1
            return
        self.children.append(Child(url, parse_date(fields.get("lastmod"), self.zone)))

    def _entry(self, element: lxml.etree._Element) -> None:
        fields = _fields(element)
        url = self._url(fields.get("loc"))
        if url is None:
            self.tally.bad += 1
            return
        self.news = self.news or "publication_date" in fields or "title" in fields
        raw = fields.get("publication_date") or fields.get("lastmod")
        when = parse_date(raw, self.zone)
        if when is None:
            self.tally.undated += 1
        elif when > self.now + FUTURE_SLACK:
            self.tally.future += 1
        elif when < self.oldest:
            self.tally.old += 1
        else:
            self.entries.append(self._item(url, fields, raw, when))

    def _item(self, url: str, fields: dict[str, str], raw: str | None, when: datetime) -> RawItem:
        name, language = fields.get("name"), fields.get("language")
        self.publication = self.publication or name
        self.language = self.language or language
        keywords = tuple(k.strip() for k in fields.get("keywords", "").split(",") if k.strip())
        return RawItem(
            source=self.source.name,
            guid=None,  # identity by the canonical URL, as for a scraped listing
            url=url,
            title=fields.get("title"),
            published_raw=raw,
            published=when,
            language=language or self.source.language,
            categories=keywords,
            feed_title=name,
        )

    def _url(self, loc: str | None) -> str | None:
        if not loc:
            return None
        url = loc if loc.startswith(("http://", "https://")) else urljoin(self.url, loc)
        parts = urlsplit(url)
        return url if parts.scheme in ("http", "https") and parts.hostname else None

    def result(self) -> Sitemap:
        return Sitemap(
            url=self.url,
            index=self.index,
            entries=tuple(self.entries),
            children=tuple(self.children),
            news=self.news,
            publication=self.publication,
            language=self.language,
            tally=self.tally,
            notes=tuple(self.notes),
        )


def _events(body: bytes) -> Any:
    """The end of each ``<url>`` or ``<sitemap>``, in any namespace or none. No DTD, no
    entities, no network: a sitemap is plain elements and text."""
    return lxml.etree.iterparse(
        io.BytesIO(body),
        events=("end",),
        tag=("{*}url", "{*}sitemap"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _local(element: lxml.etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _fields(element: lxml.etree._Element) -> dict[str, str]:
    """The text of every element under ``<url>`` or ``<sitemap>`` by local name, the first of
    each: ``loc``, ``lastmod``, and the news extension's ``name``, ``language``,
    ``publication_date``, ``title``, ``keywords``."""
    out: dict[str, str] = {}
    for child in element.iter():
        if child is element or not isinstance(child.tag, str) or _media(child):
            continue
        text = " ".join((child.text or "").split())
        name = _local(child)
        if text and name not in out:
            out[name] = text
    return out


def _media(element: lxml.etree._Element) -> bool:
    """An element of the image or video extension, whose ``title`` is not the story's."""
    tag = str(element.tag)  # "{namespace}name"
    return "sitemap-image" in tag or "sitemap-video" in tag


def _forget(element: lxml.etree._Element) -> None:
    """Free what was read, so a large file is held one entry at a time."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]
