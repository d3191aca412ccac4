"""Rendered documents made ready to send: headers, gzip and validators computed once.

Everything a request needs is precomputed here, per document, so answering one is a dict
lookup, a header comparison and two ``send`` calls of prebuilt ASGI messages.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from feeds.documents import Document

Message = dict[str, Any]
EMPTY_BODY: Message = {"type": "http.response.body", "body": b""}


@dataclass(frozen=True, slots=True)
class Variant:
    """One encoding of a document: its messages for 200 and 304."""

    etag: bytes
    start_200: Message
    start_304: Message
    body: Message


@dataclass(frozen=True, slots=True)
class Prepared:
    doc: Document
    plain: Variant
    gzipped: Variant
    etags: frozenset[bytes]  # either variant's validator means "you have it"
    last_modified: bytes
    modified_at: datetime


def _content_type(media_type: str) -> bytes:
    return f"{media_type}; charset=utf-8".encode()


def _variant(
    doc: Document, body: bytes, etag: bytes, common: list[tuple[bytes, bytes]], gz: bool
) -> Variant:
    validators = [(b"etag", etag), *common]
    headers = [*validators, (b"content-type", _content_type(doc.media_type))]
    if gz:
        headers.append((b"content-encoding", b"gzip"))
    headers.append((b"content-length", str(len(body)).encode()))
    return Variant(
        etag=etag,
        start_200={"type": "http.response.start", "status": 200, "headers": headers},
        start_304={"type": "http.response.start", "status": 304, "headers": validators},
        body={"type": "http.response.body", "body": body},
    )


def prepare(doc: Document) -> Prepared:
    """Compress once, hash once, build every header list and message once."""
    digest = hashlib.sha256(doc.body).hexdigest()[:32]
    # A strong validator per representation: the gzip bytes differ from the plain ones.
    etag, etag_gz = f'"{digest}"'.encode(), f'"{digest}-gz"'.encode()
    modified = doc.last_modified.replace(microsecond=0)
    last_modified = format_datetime(modified, usegmt=True).encode()
    common = [
        (b"last-modified", last_modified),
        (b"cache-control", f"public, max-age={doc.max_age}".encode()),
        (b"vary", b"accept-encoding"),
    ]
    packed = gzip.compress(doc.body, compresslevel=9, mtime=0)
    return Prepared(
        doc=doc,
        plain=_variant(doc, doc.body, etag, common, gz=False),
        gzipped=_variant(doc, packed, etag_gz, common, gz=True),
        etags=frozenset((etag, etag_gz)),
        last_modified=last_modified,
        modified_at=modified,
    )


def wants_gzip(accept_encoding: bytes) -> bool:
    """Whether the client accepts gzip (``gzip;q=0`` refuses it)."""
    if b"gzip" not in accept_encoding:
        return False
    for part in accept_encoding.split(b","):
        coding, _, params = part.strip().partition(b";")
        if coding.strip() == b"gzip":
            return params.replace(b" ", b"") not in (b"q=0", b"q=0.0", b"q=0.00", b"q=0.000")
    return False


def etag_matches(prepared: Prepared, if_none_match: bytes) -> bool:
    """RFC 9110 weak comparison of an If-None-Match list against our validators."""
    if if_none_match in prepared.etags:
        return True
    for tag in if_none_match.split(b","):
        tag = tag.strip()
        if tag == b"*" or tag.removeprefix(b"W/") in prepared.etags:
            return True
    return False


def not_modified_since(prepared: Prepared, if_modified_since: bytes) -> bool:
    if if_modified_since == prepared.last_modified:
        return True
    try:
        since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as RFC 9110 asks
    if since.tzinfo is None:
        return False
    return prepared.modified_at <= since
