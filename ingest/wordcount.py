"""How long a piece of text is, in words, for scripts with and without spaces.

Rules that say "a heading is at most eight words" must not call a paragraph of Japanese or
Chinese (no spaces between words) a one-word heading: there, about two characters make a
word.
"""

from __future__ import annotations

import re

_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\uf900-\ufaff]")
SENTENCE_END_CHARS = '.!?…"”’)。！？」』'
# A block that ends as a sentence does: its mark, or a quote closed after one ("... said:
# 'Not on these terms.'"; a straight apostrophe alone may be a plural's possessive).
ENDS_SENTENCE = re.compile(rf"(?:[{re.escape(SENTENCE_END_CHARS)}]|[.!?]')\s*$")


def typewriter(text: str) -> str:
    """``text`` with typewriter apostrophes: the rules are written with them ("editor'?s
    note", "don'?t miss"), and pages set the typographic one as often ("Editor’s note")."""
    for mark in ("’", "ʼ"):
        if mark in text:  # a test per block costs less than a copy of every block
            text = text.replace(mark, "'")
    return text


def size(text: str) -> int:
    """Words in ``text``: spaces count them, and every two CJK/Thai characters add one."""
    spaced = len(text.split())
    if text.isascii():  # a flag of the string's, not a scan: most blocks skip the search
        return spaced
    return spaced + len(_UNSPACED.findall(text)) // 2
