"""CSS selectors for a listing page's repeated story links, for a site that offers nothing
machine-readable (``communique add`` suggests them; the operator reviews them).

Story links on a listing share their markup: the same tag and class for the link and its
ancestors, a link text of several words, a link to another page of the same site. The
largest such group is taken; its item is the nearest ancestor that holds one link each.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from ingest.model import Fetched, ScrapeRules
from ingest.scrape import parse_html

MIN_LINKS = 3  # fewer repeated links is not a listing
MIN_WORDS = 3  # "Home", "About us" and "More" are not headlines
_DEPTH = 4  # ancestors compared, and searched for the item


def suggest_rules(fetched: Fetched) -> ScrapeRules | None:
    """Rules for the page's largest group of repeated story links, or None."""
    soup = parse_html(fetched)
    groups: dict[tuple[str, ...], list[Tag]] = defaultdict(list)
    seen: set[str] = set()
    for link in soup.find_all("a", href=True):
        url = _story_link(link, fetched.final_url)
        if url is not None and url not in seen:
            seen.add(url)
            groups[_signature(link)].append(link)
    best = max((g for g in groups.values() if len(g) >= MIN_LINKS), key=len, default=None)
    return None if best is None else _rules(best)


def _story_link(link: Tag, page: str) -> str | None:
    if len(link.get_text(" ", strip=True).split()) < MIN_WORDS:
        return None
    url = urljoin(page, str(link.get("href", "")).strip())
    parts, here = urlsplit(url), urlsplit(page)
    if parts.scheme not in ("http", "https") or parts.netloc != here.netloc:
        return None
    if parts.path.rstrip("/") in ("", here.path.rstrip("/")):
        return None
    return url.split("#", 1)[0]


def _signature(link: Tag) -> tuple[str, ...]:
    chain = [link, *list(link.parents)[:_DEPTH]]
    return tuple(_simple(t) for t in chain if isinstance(t, Tag))


def _simple(tag: Tag) -> str:
    """``tag.class`` by the first class (the stable one, mostly), or the bare tag."""
    classes = tag.get("class")
    first = str(classes[0]) if isinstance(classes, list) and classes else None
    return f"{tag.name}.{first}" if first and _plain_class(first) else str(tag.name)


def _plain_class(name: str) -> bool:
    return name.replace("-", "").replace("_", "").isalnum() and not name[0].isdigit()


def _rules(links: list[Tag]) -> ScrapeRules | None:
    """The outermost ancestor that each link has to itself: the whole teaser, with its date
    and summary, not only the headline around the link."""
    found = None
    for depth in range(1, _DEPTH + 1):
        items = [_ancestor(link, depth) for link in links]
        if any(i is None for i in items) or len({id(i) for i in items}) < len(items):
            break  # the links share this ancestor: it is the list, not an item
        tags = [i for i in items if i is not None]
        if len({_simple(t) for t in tags}) > 1 or tags[0].name in ("body", "html"):
            break
        path = [_simple(p) for p in _path(links[0], depth)]
        found = ScrapeRules(item=_simple(tags[0]), link=" > ".join([*path, _simple(links[0])]))
    return found


def _ancestor(link: Tag, depth: int) -> Tag | None:
    node: Tag | None = link
    for _ in range(depth):
        node = node.parent if node is not None else None
    return node


def _path(link: Tag, depth: int) -> list[Tag]:
    """The tags between the item and the link, outermost first."""
    between = []
    node = link.parent
    for _ in range(depth - 1):
        if node is None:
            break
        between.append(node)
        node = node.parent
    return list(reversed(between))
