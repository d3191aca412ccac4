"""Frozen, typed boundary objects that flow one way through the pipeline.

config → ``SourceSpec``; fetch → ``Fetched``; parse/scrape → ``RawItem``;
extract → ``Article``; normalize → ``Story``.  Leaves take and return these and nothing
mutable, so each stage can be tested on its own with plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ingest.dedupe import Fingerprint

FullText = Literal["auto", "always", "never"]
SourceKind = Literal["feed", "html", "sitemap"]


@dataclass(frozen=True, slots=True)
class ScrapeRules:
    """CSS selectors that find stories on an HTML listing page (``[sources.scrape]``).

    A selector may end in ``@attr`` to read an attribute instead of the text.
    """

    item: str
    link: str
    title: str | None = None
    date: str | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRules:
    """CSS selectors for a source's story pages (``[sources.article]``)."""

    body: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None
    remove: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One configured source, validated; the ingest side's view of ``[[sources]]``."""

    name: str
    url: str
    kind: SourceKind = "feed"
    interval: float = 900.0  # seconds
    enabled: bool = True
    outlet: str | None = None  # display name of the outlet; default: the feed's title
    full_text: FullText = "auto"
    robots: bool = True  # honour robots.txt; False is the per-source override
    language: str | None = None  # declared language; detected when None
    scrape: ScrapeRules | None = None
    article: ArticleRules | None = None
    max_items: int = 500  # items read per fetch, newest first; more are skipped and noted
    timezone: str | None = None  # IANA zone for page times printed without one
    max_age: float = 2 * 86400.0  # seconds; sitemap entries older than this are not read


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits and identity for the HTTP client (``[fetch]``)."""

    timeout: float = 20.0  # total deadline per request, seconds
    connect_timeout: float = 10.0
    max_bytes: int = 10 * 1024 * 1024  # cap on the decoded body
    user_agent: str = "communique/0.1 (+https://github.com/communique/communique)"
    allow_private_networks: bool = False
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # minimum seconds between two requests to one host
    max_retry_after: float = 3600.0


@dataclass(frozen=True, slots=True)
class Fetched:
    """The result of one GET. ``not_modified`` is a 304 answer to a conditional GET."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    permanent_redirect: str | None = None  # target of a 301/308 seen on the way
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item as the feed or listing page gave it, before any cleaning."""

    source: str
    guid: str | None
    url: str | None  # absolute, as given (resolved against the page for scraped items)
    title: str | None
    summary_html: str | None = None
    content_html: str | None = None  # the feed's full content, when it carries one
    published_raw: str | None = None
    published: datetime | None = None  # UTC-aware when the parser could read the date
    updated: datetime | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    language: str | None = None
    feed_title: str | None = None  # the channel's title, a fallback outlet name
    feed_link: str | None = None  # the channel's page, the link of an item that has none


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed document or a scraped listing page, as read."""

    title: str | None
    link: str | None
    language: str | None
    items: tuple[RawItem, ...]
    notes: tuple[str, ...] = ()  # what the reader skipped or repaired, for `check`
    dropped: tuple[str, ...] = ()  # items that could not be read, each with its reason
    capped: int = 0  # items beyond the source's max_items, not read


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction found on a story page."""

    url: str  # the page's final URL
    body_html: str  # the article body, boilerplate removed, not yet sanitized
    canonical_url: str | None = None  # rel=canonical or og:url
    title: str | None = None
    published_raw: str | None = None
    author: str | None = None
    language: str | None = None
    site_name: str | None = None
    removed: tuple[str, ...] = ()  # human-readable notes of what was cut, for `check`


@dataclass(frozen=True, slots=True)
class Ending:
    """How a story's body ended before its tail was cut (``ingest.repeats``): the hashes of
    all its blocks, and of its last short ones after the first."""

    blocks: frozenset[int] = frozenset()
    tail: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """A normalized story. Invariants: ``url`` is canonical and absolute, every datetime is
    UTC-aware, ``title`` and ``body_text`` are clean plain text, ``body_html`` is sanitized,
    and no field holds an XML-illegal character."""

    source: str
    key: str  # identity within the source across polls: GUID, else canonical URL, else hash
    url: str
    title: str
    body_html: str
    body_text: str
    summary: str  # plain text, a few sentences
    published: datetime
    first_seen: datetime
    outlet: str
    content_hash: str  # of the normalized body text; equal text → equal hash
    published_raw: str | None = None
    updated: datetime | None = None
    author: str | None = None
    language: str | None = None
    word_count: int = 0
    dateline: str | None = None
    attributions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # the parties: ISO 3166-1 alpha-2 (and EU), sorted
    mentions: tuple[str, ...] = ()  # every country named, parties included, sorted
    organizations: tuple[str, ...] = ()  # blocs and bodies named (EU, NATO, UN, ...), sorted
    topics: tuple[str, ...] = ()
    score: float = 0.0  # diplomacy score, 0..1
    removed: tuple[str, ...] = field(default=(), compare=False)  # what cleaning cut
    # Tags a learned model added where the rules said no (``ingest.learned``), for `check`.
    learned: tuple[str, ...] = field(default=(), compare=False)
    ending: Ending = field(default_factory=Ending, compare=False)


@dataclass(frozen=True, slots=True)
class DigestJob:
    """One item to digest: the item, its article page (None: none needed or none got), its
    key, and the time it is first seen."""

    item: RawItem
    page: Fetched | None
    key: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Digest:
    """What the process pool makes of one item: the story and its dedupe fingerprint."""

    story: Story
    fingerprint: Fingerprint
