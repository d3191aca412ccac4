"""Bytes of a web page to text: the one charset decoder of ingest (pages and listings).

Valid UTF-8 wins over any label (a UTF-8 page labelled ISO-8859-1 is common, and Latin-1
text is practically never valid UTF-8); then a byte-order mark, the HTTP charset and
``<meta charset>``; then a guess. Feeds are decoded by feedparser, with the same UTF-8 rule
applied to their labels in ``ingest.parse``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

import charset_normalizer

from ingest.errors import ExtractError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
# What browsers do: a page labelled Latin-1 or ASCII is read as windows-1252.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252"}


def decode_html(body: bytes, content_type: str | None) -> str:
    """The page's text; ExtractError when the bytes are not text in any encoding."""
    if not body.strip():
        raise ExtractError("page is empty")
    if body.count(b"\x00") > len(body) // 100:
        raise ExtractError("page is binary, not HTML")
    for encoding in _encodings(body, content_type):
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(body).best()
    if best is None:
        raise ExtractError("page is not decodable text (no charset fits its bytes)")
    return str(best)


def _encodings(body: bytes, content_type: str | None) -> Iterator[str]:
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if body.startswith(bom):
            yield name
    yield "utf-8"
    declared = [_HTTP_CHARSET.search(content_type or ""), _META_CHARSET.search(body[:4096])]
    for match in declared:
        if match:
            label = match.group(1)
            label = label.decode("ascii", "replace") if isinstance(label, bytes) else label
            yield _ALIASES.get(label.strip().lower(), label.strip().lower())
