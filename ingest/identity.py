"""Who an item is, before any expensive work: dedupe levels 1 and 2.

Level 1, identity across polls: the GUID, else the canonical link, else a content hash.
Level 2, one article under several URLs: ``article_key`` folds http/https, www/m/amp hosts
and AMP markers, so a source that changes its links' decoration does not store twice.
``raw_hash`` tells a changed item (a revision) from one polled again unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ingest.model import RawItem
from ingest.urls import article_identity, canonical_url


def _sha(*parts: str | None) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def item_url(item: RawItem) -> str | None:
    """The item's canonical link, or None when it has no usable http(s) link."""
    if not item.url:
        return None
    try:
        return canonical_url(item.url)
    except ValueError:
        return None


def item_key(item: RawItem) -> str:
    """The identity of ``item`` within its source, stable across polls."""
    if item.guid and item.guid.strip():
        return "guid:" + item.guid.strip()
    if url := item_url(item):
        return "url:" + url
    return "hash:" + _sha(item.title, item.summary_html, item.content_html)


def item_keys(items: Sequence[RawItem]) -> list[str]:
    """Each item's ``item_key``, except where the feed gives one guid to different articles
    (a misconfigured CMS reusing "?p=9580"): that guid identifies none of them, so they are
    known by their links. Keeping the first would drop the others as repeats of it."""
    keys = [item_key(item) for item in items]
    urls = [item_url(item) for item in items]
    links: dict[str, set[str | None]] = {}
    for key, url in zip(keys, urls, strict=True):
        links.setdefault(key, set()).add(url)
    return [
        "url:" + url if key.startswith("guid:") and len(links[key]) > 1 and url else key
        for key, url in zip(keys, urls, strict=True)
    ]


def article_key(item: RawItem, key: str) -> str:
    """The key under which the same article behind different URLs is recognised."""
    if url := item_url(item):
        try:
            return article_identity(url)
        except ValueError:
            pass
    return key


def raw_hash(item: RawItem) -> str:
    """A hash of what the feed says about the item; it changes when the item is revised."""
    return _sha(item.title, item.url, item.summary_html, item.content_html)
