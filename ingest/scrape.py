"""HTML listing pages → ``ParsedFeed``, by the CSS selectors of a source's ``[sources.scrape]``.

A selector may end in ``@attr`` to read an attribute instead of the text
(``time@datetime``, ``a.more@href``). A selector that matches nothing on a live page is an
error naming the source and the selector, never a silent empty result; items that are
skipped (no link, a duplicate, a non-web link) are listed in the notes so that
``communique check`` can show them.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import soupsieve
from bs4 import BeautifulSoup, Tag

from ingest.charset import decode_html
from ingest.dates import parse_date
from ingest.errors import ExtractError, ParseError
from ingest.model import Fetched, ParsedFeed, RawItem, ScrapeRules, SourceSpec

_ATTR_SUFFIX = re.compile(r"^(?P<selector>.*?)@(?P<attr>[A-Za-z_:][-A-Za-z0-9_:.]*)$")
_WEB_SCHEMES = ("http", "https")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})(.*)$", re.S)


def split_selector(selector: str) -> tuple[str, str | None]:
    """``"time@datetime"`` → ``("time", "datetime")``; ``"h2 a"`` → ``("h2 a", None)``.

    An ``@`` inside an attribute selector (``a[href^="@"]``) is not the suffix. An empty
    selector part (``"@href"``) means the element itself.
    """
    match = _ATTR_SUFFIX.match(selector.strip())
    if match and match.group("selector").count("[") == match.group("selector").count("]"):
        return match.group("selector").strip(), match.group("attr")
    return selector.strip(), None


def check_selector(selector: str) -> None:
    """Raise ValueError with the reason when ``selector`` is not valid CSS (for config)."""
    css, _ = split_selector(selector)
    if not css:
        return
    try:
        soupsieve.compile(css)
    except soupsieve.SelectorSyntaxError as e:
        raise ValueError(f"invalid CSS selector {selector!r}: {e.args[0]}") from e


def select_value(element: Tag, selector: str) -> str | None:
    """The text (whitespace folded) or ``@attr`` value of the first match under ``element``;
    None when nothing matches or the value is empty."""
    found = select_element(element, selector)
    if found is None:
        return None
    _, attr = split_selector(selector)
    value = _attr_text(found, attr) if attr else found.get_text(" ", strip=True)
    value = " ".join(value.split()) if value else ""
    return value or None


def select_element(element: Tag, selector: str) -> Tag | None:
    """The first element under ``element`` that ``selector`` (``@attr`` ignored) matches."""
    css, _ = split_selector(selector)
    return element if not css else element.select_one(css)


def _attr_text(element: Tag, attr: str) -> str:
    value = element.get(attr)
    if isinstance(value, list):  # multi-valued attributes such as class
        return " ".join(value)
    return value or ""


def parse_html(fetched: Fetched) -> BeautifulSoup:
    """The page as a soup, decoded as article pages are (``ingest.charset``), so a listing
    and its pages never read the same bytes two ways."""
    try:
        markup = decode_html(fetched.body, fetched.headers.get("content-type"))
    except ExtractError as e:
        raise ParseError(f"listing {fetched.final_url}: {e}") from e
    return BeautifulSoup(markup, "lxml")


# --- the listing --------------------------------------------------------------------------


def scrape_listing(source: SourceSpec, fetched: Fetched) -> ParsedFeed:
    """The stories on a listing page, found with ``source.scrape``."""
    rules = source.scrape
    if rules is None:
        raise ParseError(f"source {source.name!r}: kind = 'html' needs [sources.scrape] rules")
    soup = parse_html(fetched)
    base = _base_url(soup, fetched.final_url)
    elements = soup.select(split_selector(rules.item)[0])
    if not elements:
        raise ParseError(
            f"source {source.name!r}: scrape.item {rules.item!r} matched nothing on "
            f"{fetched.final_url}"
        )
    language = _page_language(soup) or source.language
    title = _page_title(soup)
    items, notes = _read_items(source, rules, elements, base, title, language)
    if not items:
        raise ParseError(
            f"source {source.name!r}: scrape.link {rules.link!r} gave no link in any of the "
            f"{len(elements)} items matched by scrape.item {rules.item!r} on {fetched.final_url}"
        )
    capped = max(0, len(items) - source.max_items)
    if capped:  # listings run newest first; scraped dates are too often missing to sort by
        items = items[: source.max_items]
        notes.append(f"{capped} later items skipped: the page lists more than max_items "
                     f"({source.max_items})")  # fmt: skip
    return ParsedFeed(title, fetched.final_url, language, tuple(items), tuple(notes), (), capped)


def _read_items(
    source: SourceSpec,
    rules: ScrapeRules,
    elements: list[Tag],
    base: str,
    page_title: str | None,
    language: str | None,
) -> tuple[list[RawItem], list[str]]:
    items: list[RawItem] = []
    notes: list[str] = []
    seen: set[str] = set()
    for n, element in enumerate(elements, 1):
        url, problem = _item_link(rules, element, base)
        if url is None or url in seen:
            notes.append(f"item {n} skipped: {problem or f'duplicate link {url}'}")
            continue
        seen.add(url)
        items.append(_item(source.name, rules, element, url, page_title, language))
    return items, notes


def _item_link(rules: ScrapeRules, element: Tag, base: str) -> tuple[str | None, str | None]:
    """The item's absolute story URL, or None and why not."""
    found = select_element(element, rules.link)
    if found is None:
        return None, f"scrape.link {rules.link!r} matched nothing"
    _, attr = split_selector(rules.link)
    href = _attr_text(found, attr or "href").strip()
    if not href:
        return None, f"scrape.link {rules.link!r} has no {attr or 'href'}"
    url = urljoin(base, href)
    if urlsplit(url).scheme.lower() not in _WEB_SCHEMES:
        return None, f"link {href!r} is not an http(s) URL"
    return url, None


def _item(
    source: str,
    rules: ScrapeRules,
    element: Tag,
    url: str,
    page_title: str | None,
    language: str | None,
) -> RawItem:
    date_raw = select_value(element, rules.date) if rules.date else _time_element(element)
    return RawItem(
        source=source,
        guid=None,  # a listing has no ids; identity falls back to the canonical link
        url=url,
        title=_item_title(rules, element),
        summary_html=_summary_html(element, rules.summary) if rules.summary else None,
        published_raw=date_raw,
        published=parse_date(_day_first(date_raw, language)),
        language=language,
        feed_title=page_title,
    )


def _day_first(raw: str | None, language: str | None) -> str | None:
    """``12/03/2024`` is 12 March outside the United States: spell it out as ISO so the
    date parser, which reads month first, cannot get it wrong."""
    match = _NUMERIC_DATE.match(raw or "")
    if not match or (language or "en-us").lower() in ("en", "en-us"):
        return raw
    day, month, year, rest = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}{rest}"


def _item_title(rules: ScrapeRules, element: Tag) -> str | None:
    if rules.title:
        return select_value(element, rules.title)
    link = select_element(element, rules.link)
    if link is None:
        return None
    text = " ".join(link.get_text(" ", strip=True).split())
    if text:
        return text
    # An image link: its title or the image's alt text names the story.
    image = link.find("img", alt=True)
    fallback = link.get("title") or (image.get("alt") if isinstance(image, Tag) else None)
    return _nonempty(fallback)


def _summary_html(element: Tag, selector: str) -> str | None:
    _, attr = split_selector(selector)
    if attr:
        value = select_value(element, selector)
        return html.escape(value) if value else None
    found = select_element(element, selector)
    if found is None:
        return None
    inner = found.decode_contents().strip()
    return inner or None


def _time_element(element: Tag) -> str | None:
    """Without a date rule, a ``<time datetime>`` in the item is the obvious date."""
    found = element.find("time", attrs={"datetime": True})
    return select_value(found, "@datetime") if isinstance(found, Tag) else None


def _base_url(soup: BeautifulSoup, page_url: str) -> str:
    base = soup.find("base", href=True)
    href = base.get("href") if isinstance(base, Tag) else None
    return urljoin(page_url, str(href).strip()) if href else page_url


def _page_title(soup: BeautifulSoup) -> str | None:
    meta = soup.find("meta", attrs={"property": "og:site_name", "content": True})
    if isinstance(meta, Tag) and str(meta.get("content", "")).strip():
        return str(meta["content"]).strip()
    if soup.title and soup.title.get_text(strip=True):
        return " ".join(soup.title.get_text(" ", strip=True).split())
    return None


def _page_language(soup: BeautifulSoup) -> str | None:
    root = soup.find("html")
    return _nonempty(root.get("lang")) if isinstance(root, Tag) else None


def _nonempty(value: object) -> str | None:
    text = str(value).strip() if isinstance(value, str) else ""
    return text or None
