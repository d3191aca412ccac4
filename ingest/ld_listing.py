"""Listing pages that declare their stories in schema.org JSON-LD → ``ParsedFeed``, with no
selectors (``kind = "html"`` without ``[sources.scrape]``).

Stories are ``NewsArticle``-like objects (top level, in an ``@graph``, or the items of an
``ItemList``) with a URL other than the page's own: a story page describes itself as a
NewsArticle too, and that one is not a list. Their headline, date, authors and sections
come with them; the text comes from each story's page, fetched like a scraped item's.
"""

from __future__ import annotations

import html
from urllib.parse import urljoin, urlsplit

from ingest.dates import parse_date, source_zone
from ingest.errors import ExtractError, ParseError
from ingest.extract import decode_page, parse_page
from ingest.jsonld import LdObject, ld_name, ld_objects, ld_types
from ingest.model import Fetched, ParsedFeed, RawItem, SourceSpec
from ingest.urls import canonical_url

ARTICLE_TYPES = frozenset(
    {
        "NewsArticle",
        "Article",
        "ReportageNews",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
    }
)


def read_ld_listing(source: SourceSpec, fetched: Fetched) -> ParsedFeed:
    """The stories the page lists in JSON-LD; ParseError naming the source when none."""
    try:
        doc = parse_page(decode_page(fetched.body, fetched.headers.get("content-type")))
    except ExtractError as e:
        raise ParseError(f"source {source.name!r}: listing {fetched.final_url}: {e}") from e
    objects = list(ld_objects(doc))
    language = _attr(doc, "/html/@lang") or source.language
    title = _site_name(doc, objects)
    items = _items(source, fetched.final_url, objects, language, title)
    if not items:
        raise ParseError(
            f"source {source.name!r}: the page lists no stories in JSON-LD (schema.org "
            f"NewsArticle or ItemList) ({fetched.final_url}); give it [sources.scrape] "
            "selectors, or run `communique add URL` for suggestions"
        )
    capped = max(0, len(items) - source.max_items)
    notes = (f"{capped} later items skipped: more than max_items ({source.max_items})",)
    return ParsedFeed(title, fetched.final_url, language, tuple(items[: source.max_items]),
                      notes if capped else (), (), capped)  # fmt: skip


def ld_stories(objects: list[LdObject]) -> list[LdObject]:
    """The story objects: articles, and the articles or links an ItemList holds."""
    found: list[LdObject] = []
    for obj in objects:
        types = ld_types(obj)
        if types & ARTICLE_TYPES:
            found.append(obj)
        elif "ItemList" in types:
            found.extend(_list_entries(obj.get("itemListElement")))
    return found


def _list_entries(elements: object) -> list[LdObject]:
    out: list[LdObject] = []
    for element in elements if isinstance(elements, list) else []:
        item = element.get("item", element) if isinstance(element, dict) else element
        if isinstance(item, str):
            out.append({"url": item})
        elif isinstance(item, dict):
            # A ListItem gives the story's url and name itself, or an "item" that does.
            merged = (
                {k: v for k, v in element.items() if k != "item"} if item is not element else {}
            )
            out.append({**merged, **item})
    return out


def _items(
    source: SourceSpec,
    page: str,
    objects: list[LdObject],
    language: str | None,
    title: str | None,
) -> list[RawItem]:
    zone = source_zone(source)
    own = canonical_url(page)
    items: list[RawItem] = []
    seen = {own}
    for story in ld_stories(objects):
        url = _story_url(story, page)
        if url is None or canonical_url(url) in seen:
            continue
        seen.add(canonical_url(url))
        raw = _text(story.get("datePublished")) or _text(story.get("dateCreated"))
        items.append(
            RawItem(
                source=source.name,
                guid=None,
                url=url,
                title=_text(story.get("headline")) or _text(story.get("name")),
                summary_html=_summary(story),
                published_raw=raw,
                published=parse_date(raw, zone),
                updated=parse_date(_text(story.get("dateModified")), zone),
                author=ld_name(story.get("author")),
                categories=_sections(story.get("articleSection")),
                language=_text(story.get("inLanguage")) or language,
                feed_title=title,
            )
        )
    return items


def _story_url(story: LdObject, page: str) -> str | None:
    entity = story.get("mainEntityOfPage")
    candidates = [story.get("url"), entity.get("@id") if isinstance(entity, dict) else entity,
                  story.get("@id")]  # fmt: skip
    for value in candidates:
        if isinstance(value, str) and value.strip():
            url = urljoin(page, value.strip())
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.hostname and "#" not in value:
                return url
    return None


def _text(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _summary(story: LdObject) -> str | None:
    text = _text(story.get("description"))
    return f"<p>{html.escape(text)}</p>" if text else None


def _sections(value: object) -> tuple[str, ...]:
    names = value if isinstance(value, list) else [value]
    return tuple(t for t in (_text(n) for n in names) if t)


def _site_name(doc: object, objects: list[LdObject]) -> str | None:
    meta = _attr(doc, "//meta[@property='og:site_name']/@content")
    if meta:
        return meta
    for obj in objects:
        if ld_types(obj) & {"WebSite", "NewsMediaOrganization", "Organization"}:
            name = _text(obj.get("name"))
            if name:
                return name
    return _attr(doc, "//title/text()")


def _attr(doc: object, xpath: str) -> str | None:
    found = doc.xpath(xpath)  # type: ignore[attr-defined]
    return " ".join(str(found[0]).split()) or None if found else None
