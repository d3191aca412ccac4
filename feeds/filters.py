"""A feed's filters as one pure predicate over a story row, plus the SQL that narrows first.

The SQL prefilter only ever drops stories the predicate would drop too, so the query layer
can fetch with it and then decide with ``matches``: keyword and regex filters, which SQL
cannot express portably, are applied here in Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feeds.spec import FeedSpec


@dataclass(frozen=True, slots=True)
class Filter:
    """A ``FeedSpec``'s filters, normalized and compiled once."""

    topics: frozenset[str]
    countries: frozenset[str]
    mentions: frozenset[str]
    organizations: frozenset[str]
    sources: frozenset[str]
    languages: tuple[str, ...]
    include: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    min_score: float

    @property
    def needs_text(self) -> bool:
        return bool(self.include or self.exclude)


def compile_pattern(entry: str) -> re.Pattern[str]:
    """``/re/`` is a regular expression; anything else is a whole-word keyword.

    Both are case-insensitive: feed titles capitalize inconsistently ("Foreign Minister").
    """
    if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
        return re.compile(entry[1:-1], re.IGNORECASE)
    return re.compile(r"(?<!\w)" + re.escape(entry) + r"(?!\w)", re.IGNORECASE)


def compile_filter(spec: FeedSpec) -> Filter:
    return Filter(
        topics=frozenset(t.lower() for t in spec.topics),
        countries=frozenset(c.upper() for c in spec.countries),
        mentions=frozenset(c.upper() for c in spec.mentions),
        organizations=frozenset(o.upper() for o in spec.organizations),
        sources=frozenset(spec.sources),
        languages=tuple(lang.lower() for lang in spec.languages),
        include=tuple(compile_pattern(p) for p in spec.include),
        exclude=tuple(compile_pattern(p) for p in spec.exclude),
        min_score=spec.min_score,
    )


def language_matches(wanted: tuple[str, ...], language: str | None) -> bool:
    """ "en" matches "en", "EN" and "en-GB"; a story of unknown language matches nothing."""
    if not wanted:
        return True
    if not language:
        return False
    lang = language.lower()
    return any(lang == w or lang.startswith(w + "-") for w in wanted)


def _text_of(row: Mapping[Any, Any]) -> str:
    return "\n".join((row["title"] or "", row["summary"] or "", row["body_text"] or ""))


def _tags_match(flt: Filter, row: Mapping[Any, Any]) -> bool:
    if flt.topics and not flt.topics & {str(t).lower() for t in row["topics"] or ()}:
        return False
    for wanted, column in (
        (flt.countries, "countries"),
        (flt.mentions, "mentions"),
        (flt.organizations, "organizations"),
    ):
        if wanted and not wanted & {str(v).upper() for v in row[column] or ()}:
            return False
    return True


def matches(flt: Filter, row: Mapping[Any, Any]) -> bool:
    """Whether a story row (with ``source_name``) passes every filter that is set."""
    if flt.sources and row["source_name"] not in flt.sources:
        return False
    if row["score"] < flt.min_score or not language_matches(flt.languages, row["language"]):
        return False
    if not _tags_match(flt, row):
        return False
    if not flt.needs_text:
        return True
    text = _text_of(row)
    if flt.include and not any(p.search(text) for p in flt.include):
        return False
    return not any(p.search(text) for p in flt.exclude)
