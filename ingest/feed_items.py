"""A feed document cut into its items by their tags, without parsing the XML.

Two uses, both about keeping a feed's good items whatever its bad ones do:

- capping: a feed of 100,000 items is cut down to the newest ``max_items`` *before*
  feedparser builds its objects, so memory and time follow the cap, not the feed;
- isolation: when feedparser raises on the whole document (it does on some character
  references), each item is parsed on its own so that one bad item loses only itself.

The cut is lexical: ``<item>`` (RSS) and ``<entry>`` (Atom), with an optional namespace
prefix. CDATA sections are skipped over, so markup inside them never counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ingest.dates import parse_date

_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(item|entry)(?=[\s>/])")
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.S)
_DATE = re.compile(
    rb"<(?:[\w.-]+:)?(pubDate|published|updated|date|issued|modified)\b[^>]*>\s*([^<]{4,80}?)\s*<"
)
_NEVER = datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Split:
    head: bytes  # everything before the first item: the channel's own elements
    items: tuple[bytes, ...]
    tail: bytes  # everything after the last item

    def join(self, items: tuple[bytes, ...]) -> bytes:
        return self.head + b"".join(items) + self.tail


def split_items(body: bytes) -> Split | None:
    """The document's items, or None when it has none we can cut out cleanly."""
    masked = _CDATA.sub(lambda m: b"x" * len(m.group(0)), body)
    spans: list[tuple[int, int]] = []
    pos = 0
    while match := _OPEN.search(masked, pos):
        name = match.group(0)[1:]
        close = re.compile(rb"</" + re.escape(name) + rb"\s*>")
        end = close.search(masked, match.end())
        if end is None:
            break
        spans.append((match.start(), end.end()))
        pos = end.end()
    if not spans:
        return None
    items = tuple(body[a:b] for a, b in spans)
    return Split(body[: spans[0][0]], items, body[spans[-1][1] :])


def newest(split: Split, limit: int) -> tuple[bytes, ...]:
    """The ``limit`` newest items in document order; items without a date count as oldest,
    and among equals the document's order (feeds list newest first) decides."""
    if len(split.items) <= limit:
        return split.items
    ranked = sorted(
        range(len(split.items)),
        key=lambda i: (_item_date(split.items[i]), -i),
        reverse=True,
    )
    keep = sorted(ranked[:limit])
    return tuple(split.items[i] for i in keep)


def _item_date(item: bytes) -> datetime:
    match = _DATE.search(item)
    if not match:
        return _NEVER
    raw = match.group(2).decode("ascii", "replace").strip()
    try:
        value = parsedate_to_datetime(raw)  # RSS's RFC 822 dates, fast
    except (TypeError, ValueError, IndexError):
        value = None
    if value is None:
        try:
            value = datetime.fromisoformat(raw)  # Atom's RFC 3339
        except ValueError:
            value = parse_date(raw)
    if value is None:
        return _NEVER
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return _NEVER
