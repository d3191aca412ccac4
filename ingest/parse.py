"""Feed documents → ``ParsedFeed`` (feedparser lives here and nowhere else).

feedparser is fed the bytes our fetcher got, wrapped in a file object, and the response
headers (charset, base URL), never a URL, a path or raw bytes (which it would try to open()
as a path), so it cannot do I/O of its own. It reads RSS 0.9x/1.0/2.0 and
Atom 0.3/1.0; JSON Feed 1.0/1.1, which feedparser 6.0 does not read, is read here with the
json module into the same ``RawItem`` shape.

Feeds in the wild are often slightly broken: a feed that is not well-formed but still yields
entries is accepted, with a note saying what was wrong. A document with no entries that
is not a feed at all is a ``ParseError`` naming the source and the cause.
"""

from __future__ import annotations

import calendar
import dataclasses
import io
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser

from ingest.clean import text_to_html
from ingest.dates import parse_date
from ingest.errors import ParseError
from ingest.feed_items import Split, newest, split_items
from ingest.html_tree import html_to_text
from ingest.model import Fetched, ParsedFeed, RawItem, SourceSpec
from ingest.urls import absolute_links

JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(r"<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.I)


def parse_feed(source: SourceSpec, fetched: Fetched) -> ParsedFeed:
    """Read the feed in ``fetched``; ParseError when it is not one."""
    if not fetched.body.strip():
        raise _error(source, fetched, "not a feed: empty body")
    if _looks_like_json(fetched):
        return _parse_json_feed(source, fetched)
    return _parse_xml_feed(source, fetched)


def _error(source: SourceSpec, fetched: Fetched, cause: str) -> ParseError:
    return ParseError(f"source {source.name!r}: {cause} ({fetched.final_url})")


def _content_type(fetched: Fetched) -> str:
    return fetched.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _looks_like_json(fetched: Fetched) -> bool:
    kind = _content_type(fetched)
    if kind in ("application/feed+json", "application/json") or kind.endswith("+json"):
        return True
    return fetched.body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _looks_like_html(fetched: Fetched) -> bool:
    if _content_type(fetched) in ("text/html", "application/xhtml+xml"):
        return True
    head = fetched.body.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    return head.startswith((b"<!doctype html", b"<html"))


# --- RSS and Atom, through feedparser -------------------------------------------------------


def _parse_xml_feed(source: SourceSpec, fetched: Fetched) -> ParsedFeed:
    headers, charset_note = _response_headers(fetched)
    split = split_items(fetched.body)
    body, capped = fetched.body, 0
    if split is not None and len(split.items) > source.max_items:
        kept = newest(split, source.max_items)
        capped = len(split.items) - len(kept)
        split = Split(split.head, kept, split.tail)
        body = split.join(kept)
    dropped: list[str] = []
    try:
        doc = _feedparse(body, headers)
        entries = list(doc.entries)
    except Exception as e:  # feedparser itself raises on some inputs (lone surrogates)
        if split is None:
            raise _error(source, fetched, f"unreadable feed: {_describe(e)}") from e
        try:
            doc, entries, dropped = _one_by_one(split, headers)
        except Exception as head_error:  # the channel itself is unreadable, not one item
            cause = f"unreadable feed: {_describe(head_error)}"
            raise _error(source, fetched, cause) from head_error
    if not entries and not dropped and (doc.bozo or not doc.get("version")):
        raise _error(source, fetched, _not_a_feed(doc, fetched))
    feed = doc.feed
    title = feed.get("title") or None
    language = feed.get("language") or fetched.headers.get("content-language") or None
    items: list[RawItem] = []
    for n, entry in enumerate(entries, 1):
        try:
            items.append(_entry_item(source.name, entry, title, language, fetched.final_url))
        except Exception as e:  # one item's bad data must not cost the others
            dropped.append(f"item {n} ({_entry_title(entry)!r}) unreadable: {_describe(e)}")
    link = _resolve(feed.get("link"), fetched.final_url)
    items = [dataclasses.replace(i, feed_link=link) for i in items]
    notes = ((charset_note,) if charset_note else ()) + _xml_notes(doc, items)
    notes += _cap_note(capped, source)
    return ParsedFeed(title, link, language, tuple(items), notes, tuple(dropped), capped)


def _feedparse(body: bytes, headers: dict[str, str]) -> Any:
    # A file object, never bytes or str: feedparser 6 first tries open() on a bytes or str
    # argument, so a body that is a path ("/etc/passwd") would be read from our disk.
    # Neither feedparser's sanitizer nor its resolver of relative links: each parses every
    # HTML field again, together a third of the cost of reading a feed. Every body is
    # sanitized by ``ingest.sanitize`` before it is stored, and ``_detail_html`` resolves
    # links against the xml:base feedparser still reports.
    return feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )


def _one_by_one(split: Split, headers: dict[str, str]) -> tuple[Any, list[Any], list[str]]:
    """Each item parsed inside the document's head and tail, so a bad one loses only itself."""
    doc = _feedparse(split.join(()), headers)
    entries: list[Any] = []
    dropped: list[str] = []
    for n, item in enumerate(split.items, 1):
        try:
            entries.extend(_feedparse(split.join((item,)), headers).entries)
        except Exception as e:
            dropped.append(f"item {n} unreadable: {_describe(e)}")
    return doc, entries, dropped


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error)[:200]}"


def _entry_title(entry: Any) -> str:
    try:
        return str(entry.get("title") or "untitled")[:80]
    except Exception:
        return "untitled"


def _cap_note(capped: int, source: SourceSpec) -> tuple[str, ...]:
    if not capped:
        return ()
    return (f"{capped} older items skipped: the feed lists more than max_items "
            f"({source.max_items})",)  # fmt: skip


def _response_headers(fetched: Fetched) -> tuple[dict[str, str], str | None]:
    """The headers feedparser needs, and a note when we overrode a wrong charset.

    feedparser trusts the HTTP charset over the document's own declaration (RFC 3023) and,
    failing that, the XML declaration. When the body is valid UTF-8 with non-ASCII text
    although one of them says otherwise, the declaration is wrong: a Latin-1 text is
    practically never valid UTF-8. (The reverse mistake, Latin-1 bytes labelled UTF-8,
    feedparser repairs by itself.)
    """
    headers = {"content-location": fetched.final_url}
    for name in ("content-type", "content-language"):
        if name in fetched.headers:
            headers[name] = fetched.headers[name]
    declared = _declared_charset(fetched)
    if declared in (None, "utf-8", "utf8") or not _is_non_ascii_utf8(fetched.body):
        return headers, None
    media = fetched.headers.get("content-type", "application/xml").split(";", 1)[0].strip()
    headers["content-type"] = f"{media}; charset=utf-8"
    return headers, f"declared charset {declared} is wrong: the body is UTF-8; read as UTF-8"


def _declared_charset(fetched: Fetched) -> str | None:
    for pattern, text in (
        (_HEADER_CHARSET, fetched.headers.get("content-type", "")),
        (_XML_ENCODING, fetched.body[:200].decode("ascii", "replace")),
    ):
        match = pattern.search(text)
        if match:
            return match.group(1).lower()
    return None


def _is_non_ascii_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _not_a_feed(doc: Any, fetched: Fetched) -> str:
    if _looks_like_html(fetched):
        kind = _content_type(fetched) or "an HTML"
        return f"not a feed: got {kind} page"
    error = doc.get("bozo_exception")
    if isinstance(error, SAXParseException):
        return f"XML error at line {error.getLineNumber()}: {error.getMessage()}"
    if error is not None:
        return f"not a feed: {error}"
    return "not a feed: no RSS, RDF or Atom root element"


def _xml_notes(doc: Any, items: Iterable[RawItem]) -> tuple[str, ...]:
    notes: list[str] = []
    error = doc.get("bozo_exception")
    if isinstance(error, feedparser.CharacterEncodingOverride):
        notes.append(f"feed charset repaired: {error}")
    elif doc.bozo and isinstance(error, SAXParseException):
        notes.append(f"feed is not well-formed (line {error.getLineNumber()}: "
                     f"{error.getMessage()}); read leniently")  # fmt: skip
    elif doc.bozo and error is not None:
        notes.append(f"feed read despite: {error}")
    notes.extend(_item_notes(items))
    return tuple(notes)


def _item_notes(items: Iterable[RawItem]) -> list[str]:
    return [
        f"item {n} ({item.title or 'untitled'!r}) has neither a link nor an id"
        for n, item in enumerate(items, 1)
        if not item.url and not item.guid
    ]


def _entry_item(
    source: str, entry: Any, feed_title: str | None, feed_language: str | None, base: str
) -> RawItem:
    """One feedparser entry as a RawItem.

    ``published_raw`` is the raw publication date, else the raw update date: RSS 1.0's
    dc:date, which feedparser files under "updated", is the only date such feeds carry.
    """
    contents = entry.get("content") or []
    summary = entry.get("summary")
    if contents and summary == contents[0].get("value"):
        summary = None  # feedparser copies the content into a missing summary
    return RawItem(
        source=source,
        guid=entry.get("id") or None,
        url=_web_link(_resolve(entry.get("link"), base)),
        title=_title_text(entry),
        summary_html=_detail_html(entry.get("summary_detail"), summary, base),
        content_html=_longest_content(contents, base),
        published_raw=_plain(entry, "published") or _plain(entry, "updated"),
        published=_entry_date(entry, "published"),
        updated=_entry_date(entry, "updated"),
        author=entry.get("author") or None,
        categories=tuple(t["term"] for t in entry.get("tags") or [] if t.get("term")),
        language=_entry_language(entry) or feed_language,
        feed_title=feed_title,
    )


def _title_text(entry: Any) -> str | None:
    """The title as plain text, decoded once according to its type: an HTML title's markup
    and entities become text; a plain-text title is taken as it is ("1 < 2" stays)."""
    title = entry.get("title")
    if not title:
        return None
    kind = (entry.get("title_detail") or {}).get("type", "text/plain")
    if kind in ("text/html", "application/xhtml+xml"):
        return " ".join(html_to_text(title).split()) or None
    return str(title)


def _web_link(link: str | None) -> str | None:
    """An http(s) link, else None: feedparser offers an Atom entry's ``urn:`` id as its link
    when it has none, and that is an identity, not a page."""
    try:
        return link if link and urlsplit(link).scheme in ("http", "https") else None
    except ValueError:
        return None


def _resolve(link: object, base: str) -> str | None:
    """``link`` made absolute against ``base``; None when it is no usable URL (feedparser
    can hand a dict for a feed-level link, and "http://[" is not a URL)."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        return urljoin(base, link.strip())
    except ValueError:
        return None


def _detail_html(detail: Any, value: str | None, base: str) -> str | None:
    if not value:
        return None
    if detail and detail.get("type") == "text/plain":
        return text_to_html(value)
    # The field's xml:base (feedparser reports it, relative ones too), else the feed's URL.
    own = detail.get("base") if detail else None
    return absolute_links(str(value), (_resolve(own, base) or base) if own else base)


def _longest_content(contents: list[Any], base: str) -> str | None:
    """The longest of the entry's content values: feeds that carry both a teaser and the
    full text (Atom's several <content>, RSS description + content:encoded) rank it last."""
    values = [v for v in (_detail_html(c, c.get("value"), base) for c in contents) if v]
    return max(values, key=len) if values else None


def _entry_date(entry: Any, key: str) -> datetime | None:
    parsed = _plain(entry, f"{key}_parsed")
    if parsed:
        # feedparser has already converted the date to UTC.
        try:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
        except (OverflowError, ValueError, OSError):
            return None
    return parse_date(_plain(entry, key))


def _plain(entry: Any, key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated fallback from "updated" to
    "published", which would report the publication date as an update."""
    return dict.get(entry, key) or None


def _entry_language(entry: Any) -> str | None:
    for key in ("content", "summary_detail", "title_detail"):
        detail = entry.get(key)
        if isinstance(detail, list):
            detail = detail[0] if detail else None
        if detail and detail.get("language"):
            return str(detail["language"])
    return None


# --- JSON Feed 1.0 / 1.1 --------------------------------------------------------------------


def _parse_json_feed(source: SourceSpec, fetched: Fetched) -> ParsedFeed:
    doc = _load_json_feed(source, fetched)
    base = fetched.final_url
    language = _str(doc.get("language")) or fetched.headers.get("content-language") or None
    title = _str(doc.get("title"))
    feed_author = _json_author(doc)
    items: list[RawItem] = []
    dropped: list[str] = []
    for n, entry in enumerate(doc["items"], 1):
        if not isinstance(entry, dict):
            dropped.append(f"item {n} unreadable: not a JSON object")
            continue
        try:
            items.append(_json_item(source.name, entry, title, language, feed_author, base))
        except Exception as e:  # one item's bad data must not cost the others
            dropped.append(f"item {n} ({_str(entry.get('title'))!r}) unreadable: {_describe(e)}")
    capped = max(0, len(items) - source.max_items)
    if capped:
        items = _newest_raw(items, source.max_items)
    notes = _item_notes(items) + list(_cap_note(capped, source))
    link = _resolve(_str(doc.get("home_page_url")), base)
    items = [dataclasses.replace(i, feed_link=link) for i in items]
    return ParsedFeed(title, link, language, tuple(items), tuple(notes), tuple(dropped), capped)


def _newest_raw(items: list[RawItem], limit: int) -> list[RawItem]:
    """The ``limit`` newest items in feed order; undated ones count as oldest."""
    never = datetime(1970, 1, 1, tzinfo=UTC)
    ranked = sorted(range(len(items)), key=lambda i: (items[i].published or never, -i))
    keep = sorted(ranked[-limit:])
    return [items[i] for i in keep]


def _load_json_feed(source: SourceSpec, fetched: Fetched) -> dict[str, Any]:
    try:
        doc = json.loads(fetched.body)
    except json.JSONDecodeError as e:
        raise _error(source, fetched, f"JSON error at line {e.lineno}: {e.msg}") from e
    except UnicodeDecodeError as e:
        raise _error(source, fetched, f"JSON is not UTF-8: {e.reason}") from e
    if not isinstance(doc, dict):
        raise _error(source, fetched, "not a JSON Feed: the top level is not an object")
    version = doc.get("version")
    if not isinstance(version, str) or not version.startswith(JSON_FEED_VERSION_PREFIX):
        raise _error(source, fetched, "not a JSON Feed: no jsonfeed.org version")
    if not isinstance(doc.get("items"), list):
        raise _error(source, fetched, "not a JSON Feed: 'items' is not a list")
    return doc


def _json_item(
    source: str,
    entry: dict[str, Any],
    feed_title: str | None,
    feed_language: str | None,
    feed_author: str | None,
    base: str,
) -> RawItem:
    ident = entry.get("id")
    content = _str(entry.get("content_html"))
    if content is None and _str(entry.get("content_text")):
        content = text_to_html(str(entry["content_text"]))
    summary = _str(entry.get("summary"))
    published_raw = _str(entry.get("date_published"))
    updated_raw = _str(entry.get("date_modified"))
    return RawItem(
        source=source,
        guid=str(ident) if ident not in (None, "") else None,
        url=_web_link(_resolve(_str(entry.get("url")) or _str(entry.get("external_url")), base)),
        title=_str(entry.get("title")),
        summary_html=text_to_html(summary) if summary else None,
        content_html=content,
        published_raw=published_raw or updated_raw,
        published=_rfc3339(published_raw),
        updated=_rfc3339(updated_raw),
        author=_json_author(entry) or feed_author,
        categories=tuple(str(t) for t in entry.get("tags") or [] if isinstance(t, str) and t),
        language=_str(entry.get("language")) or feed_language,
        feed_title=feed_title,
    )


def _json_author(obj: dict[str, Any]) -> str | None:
    """Version 1.1's ``authors`` list, else 1.0's single ``author``."""
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(n for n in names if n) or None


def _rfc3339(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return parse_date(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 has no UTC form
        return None


def _str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    return None
