"""What a site offers as a source, found from one URL and ranked (``communique add URL``).

From a homepage, section page, feed or sitemap: the URL itself when it is a feed or a
sitemap; else the feeds the page links (``<link rel="alternate">``), a feed at a common
path, the sitemaps robots.txt names (or a news sitemap at a common path), the stories the
page lists in JSON-LD, and, failing all of those, selectors for its repeated story links.
Each option is read as the daemon would read it (``ingest.listing``), through the same
``Fetcher``: deadline, size cap, private networks refused, robots.txt. Options are ranked
freshest first (by the hour of their newest story), then fullest (the share of stories
whose text the listing itself carries), then by how cheap they are to poll.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from ingest.errors import CommuniqueError
from ingest.fetch import HTML_ACCEPT, Fetcher
from ingest.listing import read_listing
from ingest.model import Fetched, ParsedFeed, ScrapeRules, SourceKind, SourceSpec
from ingest.scrape import parse_html
from ingest.suggest import suggest_rules
from ingest.teaser import needs_full_text
from ingest.urls import canonical_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)
FEED_PATHS = ("feed", "rss", "feed.xml", "rss.xml", "atom.xml", "index.xml")
NEWS_SITEMAP_PATHS = ("news-sitemap.xml", "sitemap-news.xml", "sitemap_news.xml", "sitemap.xml")
MAX_LINKED = 4  # feeds linked from one page that are tried
MAX_ROBOTS_SITEMAPS = 3
_COST = {"feed": 0, "sitemap": 1, "html": 2}  # requests a poll needs, least first


@dataclass(frozen=True, slots=True)
class Option:
    """One way in: a source as it would be configured, and what reading it gave."""

    spec: SourceSpec
    how: str  # where it was found, for the operator
    parsed: ParsedFeed | None = None
    error: str | None = None

    @property
    def items(self) -> int:
        return len(self.parsed.items) if self.parsed else 0

    @property
    def newest(self) -> datetime | None:
        dates = [i.published for i in self.parsed.items if i.published] if self.parsed else []
        return max(dates, default=None)

    @property
    def full(self) -> float:
        """The share of stories whose text the listing carries (no page to fetch)."""
        if not self.items or self.spec.kind != "feed":
            return 0.0
        assert self.parsed is not None
        return sum(not needs_full_text(i, self.spec) for i in self.parsed.items) / self.items

    def rank(self) -> tuple[bool, float, float, int]:
        hours = self.newest.timestamp() // 3600 if self.newest else float("-inf")
        return (self.items > 0, hours, self.full, -_COST[self.spec.kind])


@dataclass
class _Search:
    fetcher: Fetcher
    now: datetime
    options: list[Option] = field(default_factory=list)
    tried: set[str] = field(default_factory=set)

    def attempt(self, spec: SourceSpec, how: str, fetched: Fetched | None = None) -> Option:
        """Read ``spec`` (fetching it unless ``fetched`` is given) and keep the outcome."""
        self.tried.add(canonical_url(spec.url))
        try:
            if fetched is None:
                accept = HTML_ACCEPT if spec.kind == "html" else None
                fetched = self.fetcher.get(spec.url, robots=spec.robots, accept=accept)
            spec = replace(spec, url=fetched.final_url)
            parsed = read_listing(spec, fetched, self.fetcher, self.now)
            option = Option(spec, how, parsed)
        except CommuniqueError as e:
            option = Option(spec, how, error=str(e).removeprefix(f"source {spec.name!r}: "))
        self.options.append(option)
        return option

    def fresh(self, url: str) -> bool:
        return canonical_url(url) not in self.tried


def discover(fetcher: Fetcher, url: str, now: datetime) -> list[Option]:
    """Every option found for ``url``, best first; those that failed last, with their error.
    A FetchError when ``url`` itself cannot be fetched."""
    fetched = fetcher.get(url, accept=f"{HTML_ACCEPT}, application/xml;q=0.8")
    search = _Search(fetcher, now, tried={canonical_url(url)})
    kind = _document_kind(fetched)
    if kind != "html":
        search.attempt(_spec(fetched.final_url, kind), f"the URL itself is a {kind}", fetched)
    else:
        _from_page(search, fetched)
    return sorted(search.options, key=lambda o: o.rank(), reverse=True)


def _document_kind(fetched: Fetched) -> SourceKind:
    """What the URL itself is: a sitemap, a feed, or a page."""
    head = fetched.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1000].lower()
    if fetched.body.startswith(b"\x1f\x8b") or b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    kind = fetched.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype", b"<html")):
        return "html"
    return "feed"


def _spec(url: str, kind: SourceKind, scrape: ScrapeRules | None = None) -> SourceSpec:
    # A name for messages only; the command names the source from what it read.
    return SourceSpec(name=urlsplit(url).hostname or url, url=url, kind=kind, scrape=scrape)


def _from_page(search: _Search, page: Fetched) -> None:
    soup = parse_html(page)
    base = page.final_url
    linked = [
        urljoin(base, str(link.get("href")).strip())
        for link in soup.find_all("link", href=True)
        if "alternate" in (link.get("rel") or [])
        and str(link.get("type", "")).split(";")[0].strip().lower() in FEED_TYPES
    ]
    for href in list(dict.fromkeys(linked))[:MAX_LINKED]:
        search.attempt(_spec(href, "feed"), "feed linked from the page")
    if not any(o.items for o in search.options):
        _first_that_reads(search, _common(base, FEED_PATHS), "feed", "feed at a common path")
    _sitemaps(search, base)
    listed = search.attempt(_spec(base, "html"), "stories listed in the page's JSON-LD", page)
    if listed.parsed is None:  # no JSON-LD list: not an option, and nothing to report
        search.options.remove(listed)
    if not any(o.items for o in search.options):
        rules = suggest_rules(page)
        if rules is not None:
            how = "suggested selectors for the page's repeated story links: review them"
            search.attempt(_spec(base, "html", rules), how, page)


def _sitemaps(search: _Search, base: str) -> None:
    """The sitemaps robots.txt names, else a news sitemap at a common path."""
    try:
        named = search.fetcher.robots_sitemaps(base)
    except CommuniqueError:
        named = []
    for url in named[:MAX_ROBOTS_SITEMAPS]:
        if search.fresh(url):
            search.attempt(_spec(url, "sitemap"), "sitemap named in robots.txt")
    if not named:  # sitemaps are the site's, not a section's: only at the root
        paths = [urljoin(base, f"/{path}") for path in NEWS_SITEMAP_PATHS]
        _first_that_reads(search, paths, "sitemap", "sitemap at a common path")


def _first_that_reads(search: _Search, urls: list[str], kind: SourceKind, how: str) -> None:
    """Try ``urls`` in order until one reads; a path that is not there is not an option."""
    for url in urls:
        if not search.fresh(url):
            continue
        option = search.attempt(_spec(url, kind), how)
        if option.parsed is not None:
            return
        search.options.remove(option)


def _common(base: str, paths: tuple[str, ...]) -> list[str]:
    """Each path under the page's own section when it has one (a section's feed is the
    one the operator asked for), then at the site's root."""
    root = urljoin(base, "/")
    section = base if base.endswith("/") else base.rsplit("/", 1)[0] + "/"
    prefixes = [root] if section == root else [section, root]
    return [urljoin(prefix, path) for prefix in prefixes for path in paths]
