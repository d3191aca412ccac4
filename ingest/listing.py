"""A source's listing → ``ParsedFeed``, whatever its kind: a feed, a listing page, a sitemap.

The one place that knows which reader a kind uses. A sitemap index names other files, so
reading one fetches them (through the same ``Fetcher``, with its deadline, size cap,
address checks and robots.txt), bounded in depth and count; one child that cannot be
fetched or read is noted and costs only its own entries.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from ingest.dates import EARLIEST
from ingest.errors import FetchError, ParseError
from ingest.fetch import Fetcher
from ingest.ld_listing import read_ld_listing
from ingest.model import Fetched, ParsedFeed, RawItem, SourceSpec
from ingest.parse import parse_feed
from ingest.scrape import scrape_listing
from ingest.shown import shown
from ingest.sitemap import MAX_ENTRIES, Child, Sitemap, Tally, read_sitemap
from ingest.urls import canonical_url

MAX_SITEMAPS = 20  # files read in one pass, the index included
MAX_DEPTH = 3  # an index of indexes of sitemaps, and no deeper


def read_listing(spec: SourceSpec, fetched: Fetched, fetcher: Fetcher, now: datetime) -> ParsedFeed:
    """The items of ``fetched``, read as ``spec.kind`` says."""
    if spec.kind == "sitemap":
        return read_sitemaps(spec, fetched, fetcher, now)
    return read_one(spec, fetched)


def read_one(spec: SourceSpec, fetched: Fetched) -> ParsedFeed:
    """The items of a feed or a listing page, from its bytes alone."""
    if spec.kind == "html":
        return scrape_listing(spec, fetched) if spec.scrape else read_ld_listing(spec, fetched)
    return parse_feed(spec, fetched)


def read_url(
    spec: SourceSpec, fetched: Fetched, fetcher: Fetcher, now: datetime
) -> tuple[SourceSpec, ParsedFeed]:
    """A URL nobody configured (``communique check URL``), read as what it turns out to be:
    a feed, a sitemap, else a page that lists stories in JSON-LD, else one article page (its
    one item, whose page is ``fetched`` itself). Returns the spec it was read with."""
    try:
        return spec, read_listing(spec, fetched, fetcher, now)
    except ParseError as not_a_feed:
        head = fetched.body[:4096]
        if b"<urlset" in head or b"<sitemapindex" in head:
            sitemap = dataclasses.replace(spec, kind="sitemap")
            return sitemap, read_listing(sitemap, fetched, fetcher, now)
        if not _is_html(fetched):
            raise
        page = dataclasses.replace(spec, kind="html")
        try:
            return page, read_listing(page, fetched, fetcher, now)
        except ParseError:
            pass
        note = f"not a feed ({shown(str(not_a_feed))}); read as one article page"
        # Its outlet: the page's own site name when it gives one, else its host (not the URL).
        host = urlsplit(fetched.final_url).hostname
        item = RawItem(spec.name, None, fetched.final_url, None, feed_title=host)
        return page, ParsedFeed(None, fetched.final_url, None, (item,), notes=(note,))


def _is_html(fetched: Fetched) -> bool:
    kind = fetched.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") or (
        not kind and fetched.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
    )


# --- sitemaps ------------------------------------------------------------------------------


@dataclass
class _Walk:
    """One pass over a sitemap and what its index leads to."""

    spec: SourceSpec
    fetcher: Fetcher
    now: datetime
    read: list[Sitemap] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    files: int = 1  # fetched so far, the first included
    old_files: int = 0
    unread_files: int = 0

    def visit(self, sitemap: Sitemap, depth: int) -> None:
        self.read.append(sitemap)
        if not sitemap.index:
            return
        oldest = self.now - timedelta(seconds=self.spec.max_age)
        for child in _newest_first(sitemap.children):
            if child.lastmod is not None and child.lastmod < oldest:
                self.old_files += 1  # nothing in it is newer than its last change
            elif canonical_url(child.url) in self.visited:
                self.notes.append(f"index {sitemap.url} lists {child.url}, already read: skipped")
            elif depth >= MAX_DEPTH:
                self.notes.append(f"index {child.url} is nested more than {MAX_DEPTH} deep: "
                                  "not read")  # fmt: skip
            elif self.files >= MAX_SITEMAPS:
                self.unread_files += 1
            else:
                self._fetch(child, depth + 1)

    def _fetch(self, child: Child, depth: int) -> None:
        self.visited.add(canonical_url(child.url))
        self.files += 1
        try:
            fetched = self.fetcher.get(child.url, robots=self.spec.robots)
            sitemap = read_sitemap(self.spec, fetched, self.now, self.fetcher.options.max_bytes)
        except (FetchError, ParseError) as e:
            self.failed.append(f"sitemap {child.url}: {_cause(self.spec, e)}")
            return
        self.visit(sitemap, depth)


def read_sitemaps(
    spec: SourceSpec, fetched: Fetched, fetcher: Fetcher, now: datetime
) -> ParsedFeed:
    """The entries of a sitemap, or of the sitemaps its index leads to, within ``max_age``,
    newest first, at most ``max_items``."""
    first = read_sitemap(spec, fetched, now, fetcher.options.max_bytes)
    walk = _Walk(spec, fetcher, now, visited={canonical_url(fetched.url)})
    walk.visited.add(canonical_url(fetched.final_url))
    walk.visit(first, 1)
    urlsets = [s for s in walk.read if not s.index]
    if first.index and not urlsets:
        _nothing_read(spec, fetched, walk)
    items, capped = _newest(spec, urlsets)
    tally = Tally()
    for sitemap in walk.read:
        tally.add(sitemap.tally)
    notes = [n for s in walk.read for n in s.notes] + walk.notes + _tally_notes(spec, tally, walk)
    if capped:
        notes.append(f"{capped} older entries skipped: more than max_items ({spec.max_items})")
    dropped = walk.failed + _faults(tally)
    title = next((s.publication for s in urlsets if s.publication), None)
    language = next((s.language for s in urlsets if s.language), None) or spec.language
    return ParsedFeed(title, None, language, items, tuple(notes), tuple(dropped), capped)


def _newest_first(children: tuple[Child, ...]) -> list[Child]:
    """Dated children newest first, then the undated in the index's order."""
    return sorted(children, key=lambda c: c.lastmod or EARLIEST, reverse=True)


def _newest(spec: SourceSpec, urlsets: list[Sitemap]) -> tuple[tuple[RawItem, ...], int]:
    by_url: dict[str, RawItem] = {}
    for sitemap in urlsets:
        for item in sitemap.entries:
            by_url.setdefault(canonical_url(item.url or ""), item)
    ordered = sorted(by_url.values(), key=lambda i: i.published or EARLIEST, reverse=True)
    return tuple(ordered[: spec.max_items]), max(0, len(ordered) - spec.max_items)


def _nothing_read(spec: SourceSpec, fetched: Fetched, walk: _Walk) -> None:
    """An index that led to no sitemap: an error, unless every sitemap in it is old."""
    where = f"sitemap index {fetched.final_url}"
    if walk.failed:
        raise ParseError(f"source {spec.name!r}: no sitemap of {where} could be read; "
                         f"first: {walk.failed[0]}")  # fmt: skip
    if walk.old_files:
        return
    raise ParseError(f"source {spec.name!r}: {where} leads to no sitemap: it lists none, "
                     "or only itself and sitemaps already read")  # fmt: skip


def _tally_notes(spec: SourceSpec, tally: Tally, walk: _Walk) -> list[str]:
    notes = []
    if tally.old:
        notes.append(f"{tally.old} entries older than max_age ({_age(spec.max_age)}) skipped")
    if walk.old_files:
        notes.append(f"{walk.old_files} sitemaps last changed before max_age: not read")
    if walk.unread_files:
        notes.append(f"{walk.unread_files} more sitemaps not read: at most {MAX_SITEMAPS} "
                     "files a pass")  # fmt: skip
    if tally.unread:
        notes.append(f"{tally.unread} entries beyond {MAX_ENTRIES} in one file not read")
    return notes


def _faults(tally: Tally) -> list[str]:
    """What the site got wrong, shown on the source as its last error."""
    faults = []
    if tally.undated:
        faults.append(f"{tally.undated} sitemap entries without a date (news:publication_date "
                      "or lastmod) skipped: their age cannot be told")  # fmt: skip
    if tally.future:
        faults.append(f"{tally.future} sitemap entries dated more than a day ahead skipped")
    if tally.bad:
        faults.append(f"{tally.bad} sitemap entries without an http(s) <loc> skipped")
    return faults


def _age(seconds: float) -> str:
    if seconds % 86400 == 0:
        return f"{seconds / 86400:g}d"
    return f"{seconds / 3600:g}h" if seconds % 3600 == 0 else f"{seconds:g}s"


def _cause(spec: SourceSpec, error: Exception) -> str:
    return shown(str(error).removeprefix(f"source {spec.name!r}: "))
