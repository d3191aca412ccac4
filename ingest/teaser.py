"""Is a feed item's own text the story, or a teaser for the page that holds it?

Decided in the process that fetches, before any page is asked for, so this module stays
light: lxml to read the text, no cleaning rules.
"""

from __future__ import annotations

import re

from ingest.html_tree import html_to_text
from ingest.model import RawItem, SourceSpec

SUMMARY_ONLY_WORDS = 150  # feed content shorter than this is a summary, not the story
_TRUNCATED = re.compile(
    r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]"
    r"|\b(?:read more|continue reading|read the full (?:story|article)"
    r"|full story|more\s*»|\[more\])\W*)\s*$",
    re.I,
)


def needs_full_text(item: RawItem, source: SourceSpec) -> bool:
    """Whether the pipeline should fetch the item's page for its full text.

    "always" and "never" say so.  "auto" fetches when the feed gives only a summary, judged
    by its text, not by the element it came in: under 150 words, or ending in an ellipsis,
    "Read more" or "Continue reading" (a cut-off teaser). An RSS <description> that holds
    the whole story is the story: fetching its page would cost the outlet a request for
    nothing.
    """
    if source.full_text != "auto":
        return source.full_text == "always"
    given = max((item.content_html or "", item.summary_html or ""), key=len)
    if not given.strip():
        return True
    text = html_to_text(given)
    return len(text.split()) < SUMMARY_ONLY_WORDS or cut_off(text)


# WordPress signs every feed item with "The post <title> appeared first on <site>.": the
# item's text ends before it.
_SIGNATURE = re.compile(r"\n*\s*the post .{1,400}? appeared first on .{1,200}$", re.I | re.S)


def cut_off(text: str) -> bool:
    """Does the feed's text stop short of the story: an ellipsis, "[…]" or "Read more" where
    it ends (before a WordPress feed's signature line)?"""
    return bool(_TRUNCATED.search(_SIGNATURE.sub("", text.rstrip())))


def feed_html_of(item: RawItem) -> str:
    """The item's own text as the feed gives it: its content, else its summary."""
    return item.content_html or item.summary_html or ""
