"""HTML sanitizing with an allow-list (nh3, the Rust ammonia sanitizer).

Used on every body before it is stored and again before it is served: no script, style,
iframe, object, event handlers, javascript: or data: URLs, and no tracking pixels.
"""

from __future__ import annotations

import re

import nh3

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
# Characters XML 1.0 forbids; they make strict readers reject a whole feed.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TRACKING_IMG = re.compile(r"<img\b[^>]*>", re.I)
_TINY = re.compile(r"""\b(?:width|height)\s*=\s*["']?[01]["'\s/>]""", re.I)


# Embedding, override and isolate controls: an unbalanced one reverses the text after it in
# a reader's list of titles (and a feed's title can spoof another by it).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
TITLE_CHARS = 300


def plain_field(text: str, limit: int = TITLE_CHARS) -> str:
    """One line of plain text as we publish it: XML-safe, without bidi controls,
    whitespace folded, at most ``limit`` characters, cut at a word."""
    flat = " ".join(_BIDI.sub("", xml_safe(text)).split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


SUMMARY_CHARS = 300
_SENTENCE = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


def summarize(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first two sentences of ``text``, at most ``limit`` characters (cut at a word)."""
    flat = plain_field(text, len(text) + 1)
    sentences = _SENTENCE.split(flat)
    summary = ""
    for sentence in sentences[:2]:
        candidate = f"{summary} {sentence}".strip()
        if summary and len(candidate) > limit:
            break
        summary = candidate
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return summary


def xml_safe(text: str) -> str:
    """``text`` without the characters that XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text)


def _drop_pixels(html: str) -> str:
    # 1x1 (or 0x0) images exist only to track readers; an image without a source shows nothing.
    def keep(m: re.Match[str]) -> str:
        tag = m.group(0)
        return "" if _TINY.search(tag) or "src=" not in tag else tag

    return _TRACKING_IMG.sub(keep, html)


def sanitize_html(html: str) -> str:
    """Allow-listed, XML-safe HTML; links get rel="noopener noreferrer nofollow"."""
    cleaned = nh3.clean(
        xml_safe(html),
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    return _drop_pixels(cleaned)
