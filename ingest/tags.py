"""Tags from an offline gazetteer: countries (ISO 3166-1 alpha-2), topics and a diplomacy score.

The rules are data (``ingest/data/gazetteer.json``, ``ingest/data/topics.json``); this module
only compiles and applies them.  Matching is case-sensitive on word boundaries, longest alias
first, so "South Sudan" is not also "Sudan" and "turkey" the bird is not Turkey.

Known, accepted misses (documented rather than guessed at): aliases marked ambiguous in the
gazetteer — "Georgia" (the US state), "Jordan" (a first name), "Chad", "Washington" (a
surname), "Paris" — count only when an unambiguous alias of the same country (its name, a
capital, a leader) also appears; a single-word alias right after a capitalised word that is
not a sentence start ("Michael Jordan", "George Washington") is taken as part of a name.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

_CAPITALISED = re.compile(r"([A-Z][a-z]+)\s+$")
_SENTENCE_END = re.compile(r"[.!?:\"“”]\s*$|^\s*$")
# Titles and words that precede a place or leader without being part of a person's name.
_NOT_A_FIRST_NAME = frozenset(
    [
        "In",
        "At",
        "On",
        "From",
        "To",
        "For",
        "With",
        "By",
        "As",
        "Of",
        "And",
        "But",
        "The",
        "President",
        "Prime",
        "Minister",
        "King",
        "Queen",
        "Emperor",
        "Chancellor",
        "Premier",
        "Leader",
        "Chairman",
        "General",
        "Secretary",
        "Foreign",
        "Defense",
        "Defence",
        "Sheikh",
        "Crown",
        "Prince",
        "Pope",
        "Said",
        "Says",
        "Told",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Central",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "While",
        "When",
        "After",
        "Before",
        "Since",
        "Both",
        "Meanwhile",
        "However",
        "Also",
        "Than",
        "Between",
        "Against",
        "Across",
        "Including",
        "Via",
        "Visiting",
    ]
)


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    weight: float
    pattern: re.Pattern[str]
    min_hits: int = 1


@dataclass(frozen=True, slots=True)
class Tagger:
    """Compiled gazetteer and topic rules; build once with ``Tagger.from_data()``."""

    alias_pattern: re.Pattern[str]
    alias_country: dict[str, str]
    ambiguous: frozenset[str]
    topics: tuple[Topic, ...]
    country_weight: tuple[float, float]  # (one country, two or more)

    @classmethod
    def from_data(cls, gazetteer: dict, topics: dict) -> Tagger:
        alias_country, ambiguous = _aliases(gazetteer)
        ordered = sorted(alias_country, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")
        weights = topics.get("country_weight", {})
        return cls(
            alias_pattern=pattern,
            alias_country=alias_country,
            ambiguous=frozenset(ambiguous),
            topics=tuple(_topic(name, spec) for name, spec in topics["topics"].items()),
            country_weight=(weights.get("one", 0.05), weights.get("two_or_more", 0.2)),
        )

    def countries(self, text: str) -> tuple[str, ...]:
        """ISO alpha-2 codes of the countries ``text`` involves, sorted."""
        strong: set[str] = set()
        weak: set[str] = set()
        for match in self.alias_pattern.finditer(text):
            alias = match.group(0)
            if " " not in alias and _inside_name(text, match.start()):
                continue
            code = self.alias_country[alias]
            (weak if alias in self.ambiguous else strong).add(code)
        return tuple(sorted(strong | (weak & strong)))

    def topic_hits(self, text: str) -> dict[str, int]:
        hits = {t.name: len(t.pattern.findall(text)) for t in self.topics}
        by_name = {t.name: t for t in self.topics}
        return {name: n for name, n in hits.items() if n >= by_name[name].min_hits}

    def score(self, hits: dict[str, int], n_countries: int) -> float:
        """Diplomacy score in 0..1: each matched topic closes part of the gap to 1 (more so
        with repeated mentions, saturating at three), and so do the countries involved."""
        weights = {t.name: t.weight for t in self.topics}
        remaining = 1.0
        for name, n in hits.items():
            remaining *= 1.0 - weights[name] * min(n, 3) / 3
        one, many = self.country_weight
        remaining *= 1.0 - (many if n_countries >= 2 else one if n_countries == 1 else 0.0)
        return round(1.0 - remaining, 3)


def _aliases(gazetteer: dict) -> tuple[dict[str, str], set[str]]:
    alias_country: dict[str, str] = {}
    ambiguous: set[str] = set()
    for entry in gazetteer["countries"]:
        for key in ("names", "demonyms", "capitals", "leaders"):
            for alias in entry.get(key, []):
                # The first country to claim an alias keeps it ("Congolese" stays with the DRC).
                alias_country.setdefault(alias, entry["code"])
        ambiguous.update(entry.get("ambiguous", []))
    return alias_country, ambiguous


def _topic(name: str, spec: dict) -> Topic:
    pattern = re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), re.I)
    return Topic(name, float(spec["weight"]), pattern, int(spec.get("min_hits", 1)))


def _inside_name(text: str, start: int) -> bool:
    """True when the alias at ``start`` follows a capitalised word that is a first name."""
    before = text[max(0, start - 40) : start]
    match = _CAPITALISED.search(before)
    if not match or match.group(1) in _NOT_A_FIRST_NAME:
        return False
    return not _SENTENCE_END.search(before[: match.start()])


@functools.cache
def default_tagger() -> Tagger:
    """The tagger built from the bundled data files.  Cached: the data is immutable and
    compiling a few thousand aliases for every story would dominate normalization."""
    data = resources.files("ingest") / "data"
    gazetteer = json.loads((data / "gazetteer.json").read_text(encoding="utf-8"))
    topics = json.loads((data / "topics.json").read_text(encoding="utf-8"))
    return Tagger.from_data(gazetteer, topics)
