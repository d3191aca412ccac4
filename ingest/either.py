"""Alternations of many regular expressions, searched faster than as one pattern.

The cleaning rules (``tail``, ``lead``) are long alternations run on every block of every
body. ``Either`` gives the same answers as the plain pattern (``combined``; a test holds the
two to each other on every labelled text) at a fraction of the cost. Its walk over a
pattern's syntax (``alternatives``, ``group_end``) is also how ``tags`` reads topic patterns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator


class Either:
    """A pattern of top-level alternatives, searched faster than as one: the ones that start
    with ``^`` are tried once at the start, the rest searched behind a lookahead on the
    characters they can start with. (A search for "^a|^b|...|\\bc|\\bd" tries every
    alternative at every position, and these run on every block; the lookahead lets most
    positions fail in one test.) ``combined`` is the plain pattern: both must agree.

    Most alternatives name a word ("\\bsubscribe", "\\bthe views expressed"): a text holds
    no match of them unless it holds a word that begins as that word does. Those are searched
    only when one of the text's words does (``_heads``, a set lookup), so a paragraph of
    prose, which holds none of them, costs one look at its words, not a scan per pattern;
    and when its words open a few keys only, only those keys' alternatives are searched."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        parts = alternatives(pattern)
        start = [p[1:] for p in parts if p.startswith("^")]
        rest = [p for p in parts if not p.startswith("^")]
        spread = _spread(rest)
        keys = [None if flags & re.VERBOSE else _word_keys(p) for p in spread]
        gated = [p for p, k in zip(spread, keys, strict=True) if k is not None]
        free = [p for p, k in zip(spread, keys, strict=True) if k is None]
        self.combined = re.compile(pattern, flags)  # what the two together must agree with
        self._start = re.compile("|".join(f"(?:{p})" for p in start), flags) if start else None
        self._free = re.compile(_guarded(free), flags) if free else None
        self._gated = re.compile(_guarded(gated), flags) if gated else None
        self._keys = frozenset().union(*(k for k in keys if k is not None))
        # Each gated alternative alone, under each of its keys: a text whose words open
        # few of the keys is searched for those alternatives only.
        self._by_key: dict[str, list[re.Pattern[str]]] = {}
        for part, part_keys in zip(spread, keys, strict=True):
            if part_keys is not None:
                alone = re.compile(_guarded([part]), flags)
                for key in part_keys:
                    self._by_key.setdefault(key, []).append(alone)

    def search(self, text: str) -> bool:
        if self._start is not None and self._start.match(text):
            return True
        if self._free is not None and self._free.search(text):
            return True
        if self._gated is None:
            return False
        heads = _heads(text)
        if heads is None:
            return bool(self._gated.search(text))
        found = heads & self._keys
        if not found:
            return False
        if len(found) > ALONE_KEYS:
            return bool(self._gated.search(text))
        return any(p.search(text) for key in found for p in self._by_key[key])


KEY = 4  # letters of a word that gate an alternative naming it
ALONE_KEYS = 3  # a text opening more keys than this is searched for all of them at once


@functools.lru_cache(maxsize=256)  # a block is searched by many patterns in a row
def _heads(text: str) -> frozenset[str] | None:
    """The first ``KEY`` letters, lower-cased, of each word of ``text`` that long; None when
    one of them is not ASCII, whose case (K for the Kelvin sign, the long s, the dotted I) the
    engine folds in ways ``str.lower`` does not: such a text is searched."""
    heads = _HEAD.findall(text)
    if not text.isascii() and not "".join(heads).isascii():
        return None
    return frozenset(map(str.lower, heads))


_HEAD = re.compile(rf"\b\w{{{KEY}}}")  # a word's first KEY letters (at a word's end \w fails)


def _word_keys(part: str) -> frozenset[str] | None:
    """The first ``KEY`` letters (lower-cased) of words one of which every match of the
    alternative ``part`` holds whole from the word's start: "view" for "\\bthe views
    expressed", "acce" and "assu" for "\\bdo not (?:accept|assume) ...". A word counts when
    the pattern puts it after ``\\b`` or a plain character that is no letter (so it starts a
    word of the text too) and nothing before its ``KEY``-th letter is optional. None when no
    such word or group of them is plain from the source."""
    i, at_word = 0, False
    while i < len(part):
        ch = part[i]
        if part.startswith("\\b", i):
            i, at_word = i + 2, True
        elif part.startswith("(?:", i):
            end = i + group_end(part[i:])
            optional = part[end + 1 : end + 2] in ("?", "*", "{")
            inner_parts = alternatives(part[i + 3 : end])
            if at_word and not optional:
                inner = [_word_keys("\\b" + p) for p in inner_parts]
                if all(k is not None for k in inner):
                    return frozenset().union(*inner)  # type: ignore[arg-type]
            # "(?:please\\s+)?" ends in a mark whether it matches or not: a word may follow.
            ends = all(p.endswith((" ", "\\s", "\\s+")) for p in inner_parts)
            i, at_word = _after_quantifier(part, end + 1), at_word and optional and ends
        elif part.startswith(("\\s", "\\W"), i):  # a space or a mark, if it must be there
            i = _after_quantifier(part, i + 2)
            at_word = part[i - 1 : i] not in ("?", "*", "}")
        elif ch == "\\" or ch == ".":
            i, at_word = _after_quantifier(part, i + (ch == "\\") + 1), False
        elif ch == "[":
            close = _class_end(part, i)
            marks = part[i + 1 : close]  # a class of marks only, as "[- ]", stands for a mark
            i = _after_quantifier(part, close + 1)
            at_word = bool(marks) and not _WORDISH.search(marks) and "\\" not in marks
            at_word = at_word and marks[0] != "^" and part[i - 1 : i] not in ("?", "*", "}")
        elif ch in _SPECIAL:
            return None  # another kind of group, an anchor: not plain here
        elif _WORDISH.match(ch):
            end = i
            while end < len(part) and _WORDISH.match(part[end]):
                end += 1
            word = part[i : end - 1] if part[end : end + 1] in ("?", "*", "{") else part[i:end]
            if at_word and len(word) >= KEY and word.isascii():
                return frozenset([word[:KEY].lower()])
            i, at_word = _after_quantifier(part, end), False
        else:  # a space or a mark: a word that follows it starts there, unless it may be absent
            i, at_word = _after_quantifier(part, i + 1), part[i + 1 : i + 2] not in ("?", "*", "{")
    return None


_WORDISH = re.compile(r"\w")


def _class_end(part: str, i: int) -> int:
    """The index of the ``]`` that closes the character class opening at ``part[i]``."""
    j = i + 1 + (part[i + 1 : i + 2] == "^")
    j += part[j : j + 1] == "]"  # a "]" first is a member
    while j < len(part) and part[j] != "]":
        j += 2 if part[j] == "\\" else 1
    return j


def _after_quantifier(part: str, i: int) -> int:
    """The index after the quantifier (if any) at ``part[i]``."""
    if part[i : i + 1] == "{":
        close = part.find("}", i)
        i = close + 1 if close > 0 else i
    elif part[i : i + 1] in ("?", "*", "+"):
        i += 1
    return i + (part[i : i + 1] == "?")  # a lazy quantifier's mark


def _guarded(parts: list[str]) -> str:
    """``parts`` as one alternation (``_by_first_char``), behind a lookahead on their first
    characters when each part's are known (``_first_chars``); without one otherwise."""
    parts = _by_first_char(parts)
    body = "|".join(f"(?:{p})" for p in parts)
    firsts = [_first_chars(p) for p in parts]
    if any(f is None for f in firsts):
        return body
    chars = sorted({c for f in firsts if f is not None for c in f})
    singles = "".join(c for c in chars if not c.startswith("["))
    classes = [c for c in chars if c.startswith("[")]
    look = "|".join(([f"[{singles}]"] if singles else []) + classes)
    return f"(?=(?:{look}))(?:{body})"


def _by_first_char(parts: list[str]) -> list[str]:
    """``parts`` with those that start at a word boundary under one ``\\b``, grouped by their
    first character: "\\bsubscribe|\\bsign up|\\bnewsletter" as "\\b(?:s(?:ubscribe|ign up)
    |newsletter)". At a word boundary the engine then tries a few first characters, not
    every alternative (it does not group them itself); the matches are the same."""
    groups: dict[str, list[str]] = {}  # first character: what may follow it
    whole: list[str] = []  # after the boundary, not a plain character first
    others: list[str] = []
    for part in _spread(parts):
        body = part.removeprefix("\\b")
        if body == part:
            others.append(part)
        elif body[:1] and body[0] not in _SPECIAL and body[1:2] not in ("?", "*", "+", "{"):
            groups.setdefault(body[0], []).append(body[1:])
        else:
            whole.append(body)
    bounded = [c + rests[0] if len(rests) == 1 else f"{c}(?:{'|'.join(rests)})"
               for c, rests in groups.items()] + whole  # fmt: skip
    return ([f"\\b(?:{'|'.join(bounded)})"] if bounded else []) + others


def _spread(parts: list[str]) -> list[str]:
    """``parts`` with "\\b(?:a|b)" as "\\ba" and "\\bb": the same matches."""
    out = []
    for part in parts:
        if part.startswith("\\b(?:") and group_end(part[2:]) == len(part) - 3:
            out += ["\\b" + p.removeprefix("\\b") for p in alternatives(part[5:-1])]
        else:
            out.append(part)
    return out


def _first_chars(part: str) -> set[str] | None:
    """What a match of one alternative can start with: a set of letters, escapes (``\\+``)
    and character classes (``[/|]``), each as written in the pattern; None when that is not
    plain from its source (an optional first item, an anchor, a dot, a lookaround)."""
    part = part.removeprefix("\\b")  # zero width: what follows starts the match
    if part.startswith("(?:"):
        end = group_end(part)
        if part[end + 1 : end + 2] in ("?", "*", "{"):
            return None  # the group may match nothing (the checks err on that side)
        inner = [_first_chars(p) for p in alternatives(part[3:end])]
        return None if any(f is None for f in inner) else {c for f in inner if f for c in f}
    if part[:1] and part[0] not in _SPECIAL:
        first, after = re.escape(part[0]), part[1:2]  # a literal: "s", "©"
    elif part[:1] == "\\" and part[1:2] and not part[1].isalnum():
        first, after = part[:2], part[2:3]  # an escaped literal: "\\+", "\\("
    elif part[:1] == "[" and part[1:2] not in ("", "^", "]"):
        close = part.find("]", 1)
        if close < 0 or "\\" in part[1:close]:
            return None
        first, after = part[: close + 1], part[close + 1 : close + 2]
    else:
        return None
    return None if after in ("?", "*", "{") else {first}


_SPECIAL = frozenset(".^$*+?{}[]()|\\")  # what does not match itself in a pattern


def _depths(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character of ``pattern`` with its index and group depth after it; characters
    escaped or inside a character class report -1, so they never open, close or split."""
    depth, in_class, escaped = 0, False, False
    for i, ch in enumerate(pattern):
        literal = escaped or in_class
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        yield i, ch, -1 if literal or escaped or in_class else depth


def group_end(pattern: str) -> int:
    """The index of the ``)`` that closes the group opening ``pattern``."""
    for i, ch, depth in _depths(pattern):
        if ch == ")" and depth == 0:
            return i
    raise ValueError(f"unbalanced group: {pattern}")


def at_word_start(pattern: str) -> str:
    """``pattern``'s top-level alternatives, each at a word boundary (``\\b(?:a|b|^c)`` as
    ``\\ba|\\bb|^c``): the form ``Either`` splits."""
    return "|".join(p if p.startswith(("^", r"\b")) else rf"\b{p}" for p in alternatives(pattern))


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    cuts = [i for i, ch, depth in _depths(pattern) if ch == "|" and depth == 0]
    bounds = zip([-1, *cuts], [*cuts, len(pattern)], strict=True)
    return [pattern[a + 1 : b] for a, b in bounds]
