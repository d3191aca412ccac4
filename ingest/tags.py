"""Tags from an offline gazetteer: countries (ISO 3166-1 alpha-2), topics and a diplomacy score.

The rules are data (``ingest/data/gazetteer.json``, ``ingest/data/topics.json``); this module
only compiles and applies them.  Quality and speed are measured by ``bench/tags.py`` on the
labeled set in ``tests/fixtures/tags/labeled.json``.

Countries: aliases (names, demonyms, capitals, government metonyms such as "Kremlin", heads
of state and government, recent leaders, foreign ministers) are matched case-sensitively on
word boundaries, longest first, so "South Sudan" is not also "Sudan" and "turkey" the bird is
not Turkey.  A hyphen is a boundary ("Kenyan-led", "China-Peru").  The gazetteer's
``not_countries`` phrases ("New Mexico", "South China Sea", "Turkey sandwiches") are matched
like aliases and name no country, so they hide the alias inside them.  Aliases marked
ambiguous — "Georgia" (the US state), "Jordan" (a first name), "Washington" (a surname),
"Paris", "Athens" — count only when an unambiguous alias of the same country also appears,
or, for those listed as ``metonyms``, when a reporting verb follows ("Washington said").  A
single-word alias right after a capitalised word that is not a sentence start or a known
alias ("Michael Jordan", "George Washington") is taken as part of a person's name.

Topics: case-insensitive regular expressions per topic.  Each pattern's leading literal
(e.g. "sanction" in ``\\bsanction(?:s|ed)?\\b``) gates it: a pattern whose literal is absent
from the lower-cased text is not run, which keeps tagging a long story to a fraction of a
millisecond per topic.  Topics with a ``damping`` instead of a ``weight`` (sport, weather,
markets) describe non-diplomatic contexts: they are tagged like the others and pull the
score down.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from importlib import resources

from ahocorasick_rs import AhoCorasick

from ingest import either

_WORD = re.compile(r"\w+")
_CAPITALISED = re.compile(r"([A-Z][a-z]+) $")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$|^\s*$")
_NEXT_WORD = re.compile(r"\s+(\w+)")
# Capitals where other states' officials gather (the EU and NATO, the IAEA and OSCE, the
# AU): a story datelined there is not the host government's by default.
_MEETING_CAPITALS = frozenset(["brussels", "vienna", "addis ababa"])
# A state's organs right after a country's name or demonym. Not "officials", "authorities"
# or "state": a US state has those too ("Georgia officials said").
_ORGAN_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:(?:foreign|prime|defen[cs]e|interior|deputy|vice|first)\s+minist"
    r"|president\b|presidential\b|government\b|parliament|ambassador|embassy|envoy|"
    r"delegation|diplomat|army\b|armed forces|troops|military|ministry|ministers?\b|"
    r"counterpart|side\b|border guards?|coast ?guard|navy\b|consulate|cabinet\b|"
    r"head of state|foreign policy)"
)
# The literal a topic pattern starts with: word characters, spaces, hyphens, apostrophes.
_LEADING_LITERAL = re.compile(r"([\w '’-]+)")
_QUANTIFIER = re.compile(r"[?*+{]")
_WORD_CHAR = re.compile(r"\w")
# Topics of relations between states; "diplomacy" itself is decided from them.
DIPLOMATIC_TOPICS = frozenset(
    [
        "diplomacy",
        "summit",
        "bilateral-talks",
        "sanctions",
        "treaty",
        "trade-dispute",
        "economic-cooperation",
        "consular",
        "ceasefire",
        "alliance",
        "territorial-dispute",
        "recognition",
        "un",
    ]
)
# Topics that also describe a state's own affairs (aid, a loan, a statement at the UN, its
# embassy's word to its own citizens abroad, its diaspora).
WEAK_DIPLOMATIC_TOPICS = frozenset(["diplomacy", "un", "economic-cooperation", "consular"])
# Blocs a single state deals with as with another state (accession, agreements, sanctions).
BLOCS = frozenset(
    ["EU", "NATO", "ASEAN", "AU", "Mercosur", "BRICS", "SCO", "GCC", "Arab League", "OAS",
     "ECOWAS", "Quad", "AUKUS", "CELAC", "APEC", "G7", "G20", "OPEC", "Commonwealth",
     # Regional blocs (world knowledge, not from any corpus here)
     "CARICOM", "OECS", "SICA", "ALBA", "Andean Community", "Pacific Alliance", "CIS", "EAEU",
     "CSTO", "Organization of Turkic States", "CICA", "ECO", "GUAM", "Pacific Islands Forum",
     "Melanesian Spearhead Group", "SADC", "EAC", "IGAD", "ECCAS", "COMESA", "SAARC",
     "BIMSTEC", "Council of Europe", "OIC", "Non-Aligned Movement", "Arctic Council",
     "Nordic Council", "ASEM", "G77"]
)  # fmt: skip
ALIAS_KEYS = (
    "names",
    "demonyms",
    "capitals",
    "institutions",
    "leaders",
    "former_leaders",
    "ministers",
)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A topic pattern and the lower-cased literals every match of it starts with."""

    regex: re.Pattern[str]
    gates: tuple[str, ...]  # empty: no literal known, scan the whole text

    def count(self, text: str, found: GateHits) -> int:
        """Matches in ``text``; ``found``: where each gate literal occurs in it."""
        if not self.gates or found is None:
            return len(self.regex.findall(text))
        present = [found[gate] for gate in self.gates if gate in found]
        if not present:  # the usual case: none of the literals is in the text
            return 0
        starts = sorted({i for places in present for i in places})
        n, end = 0, 0
        for start in starts:
            match = self.regex.match(text, start) if start >= end else None
            if match:
                n, end = n + 1, match.end()
        return n


# Where each gate literal occurs in a text; None when the gates cannot be used on it.
GateHits = dict[str, list[int]] | None


@dataclass(frozen=True, slots=True)
class Gates:
    """Every topic pattern's gate literals, found in one pass over a text (Aho-Corasick)
    instead of one substring search per literal per pattern."""

    literals: tuple[str, ...]
    automaton: AhoCorasick
    # (topic index, pattern) by gate literal, and those with no literal (always counted):
    # a text holds few of the literals, so only their patterns need counting.
    gated: dict[str, tuple[tuple[int, Pattern], ...]]
    ungated: tuple[tuple[int, Pattern], ...]

    @classmethod
    def of(cls, topics: Sequence[Topic]) -> Gates:
        literals = tuple(dict.fromkeys(g for t in topics for p in t.patterns for g in p.gates))
        gated: dict[str, list[tuple[int, Pattern]]] = {}
        ungated = []
        for i, topic in enumerate(topics):
            for pattern in topic.patterns:
                for gate in pattern.gates:
                    gated.setdefault(gate, []).append((i, pattern))
                if not pattern.gates:
                    ungated.append((i, pattern))
        return cls(
            literals,
            AhoCorasick(literals or ("\x00",)),
            {gate: tuple(patterns) for gate, patterns in gated.items()},
            tuple(ungated),
        )

    def candidates(self, found: dict[str, list[int]]) -> list[tuple[int, Pattern]]:
        """The patterns that may match a text whose gate literals are ``found``, each once."""
        seen: dict[int, tuple[int, Pattern]] = {id(p): (i, p) for i, p in self.ungated}
        for gate in found:
            for i, pattern in self.gated.get(gate, ()):
                seen.setdefault(id(pattern), (i, pattern))
        return list(seen.values())

    def find(self, text: str) -> GateHits:
        lowered = text.lower()
        if len(lowered) != len(text):  # lower-casing moved the offsets: scan in full
            return None
        found: dict[str, list[int]] = {}
        for index, start, _ in self.automaton.find_matches_as_indexes(lowered, overlapping=True):
            found.setdefault(self.literals[index], []).append(start)
        return found


@dataclass(frozen=True, slots=True)
class Mention:
    """One naming of a country: where, which, and how (a name, a demonym, a leader...)."""

    start: int
    end: int
    code: str
    kind: str  # the gazetteer key of the alias: names, demonyms, capitals, leaders, ...


@dataclass(frozen=True, slots=True)
class Organizations:
    """Blocs and international bodies: one alternation of every alias, longest first."""

    pattern: re.Pattern[str] | None
    code_of: dict[str, tuple[str, str]]  # alias -> (canonical name, "names" or "leaders")

    @classmethod
    def from_data(cls, data: dict) -> Organizations:
        code_of: dict[str, tuple[str, str]] = {}
        for name, spec in data["organizations"].items():
            for alias in spec.get("names", []):
                code_of.setdefault(alias, (name, "names"))
            for alias in spec.get("acting", []):
                code_of.setdefault(alias, (name, "leaders"))
        if not code_of:
            return cls(None, {})
        ordered = sorted(code_of, key=len, reverse=True)
        alternation = "|".join(map(re.escape, ordered))
        return cls(re.compile(rf"(?<![\w.])(?:{alternation})(?!\w)"), code_of)

    def find(self, text: str) -> list[Mention]:
        if self.pattern is None:
            return []
        return [
            Mention(m.start(), m.end(), *self.code_of[m.group(0)])
            for m in self.pattern.finditer(text)
        ]


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    weight: float  # share of the diplomacy score; 0 for a context topic
    patterns: tuple[Pattern, ...]
    min_hits: int = 1
    damping: float = 0.0  # how far a context topic pulls the score down

    def count(self, text: str, found: GateHits) -> int:
        return sum(p.count(text, found) for p in self.patterns)


@dataclass(frozen=True, slots=True)
class Tagger:
    """Compiled gazetteer and topic rules; build once with ``Tagger.from_data()``."""

    candidates: dict[str, tuple[str, ...]]  # first word -> aliases, longest first
    alias_country: dict[str, str]  # alias -> code; "" for a not-a-country phrase
    alias_kind: dict[str, str]  # alias -> its gazetteer key: names, demonyms, leaders, ...
    ambiguous: frozenset[str]
    metonyms: frozenset[str]
    metonym_verbs: frozenset[str]
    shared: frozenset[str]  # ambiguous aliases of more than one country ("Congolese")
    capitals: dict[str, str]  # a capital, case-folded -> its country's code
    not_first_names: frozenset[str]
    topics: tuple[Topic, ...]
    organizations: Organizations
    country_weight: tuple[float, float]  # (one country, two or more)
    saturation: tuple[float, ...]  # share of a topic's weight after 1, 2, 3... hits
    gates: Gates

    @classmethod
    def from_data(cls, gazetteer: dict, topics: dict, organizations: dict | None = None) -> Tagger:
        alias_country = _aliases(gazetteer)
        weights = topics.get("country_weight", {})
        compiled = tuple(_topic(name, spec) for name, spec in topics["topics"].items())
        return cls(
            candidates=_candidates(alias_country),
            alias_country=alias_country,
            alias_kind=_alias_kinds(gazetteer),
            ambiguous=frozenset(_entry_lists(gazetteer, "ambiguous")),
            metonyms=frozenset(_entry_lists(gazetteer, "metonyms")),
            metonym_verbs=frozenset(gazetteer.get("metonym_verbs", [])),
            shared=frozenset(_shared(gazetteer, "ambiguous")),
            capitals={
                c.casefold(): entry["code"]
                for entry in gazetteer["countries"]
                for c in entry.get("capitals", [])
            },
            not_first_names=frozenset(gazetteer.get("not_first_names", [])),
            topics=compiled,
            organizations=Organizations.from_data(organizations or {"organizations": {}}),
            country_weight=(weights.get("one", 0.05), weights.get("two_or_more", 0.2)),
            saturation=tuple(topics.get("saturation", [1 / 3, 2 / 3, 1.0])),
            gates=Gates.of(compiled),
        )

    def capital_of(self, place: str | None) -> str | None:
        """The country whose capital ``place`` is ("TASHKENT", "Suva"), else None."""
        if not place or place.casefold() in _MEETING_CAPITALS:
            return None
        return self.capitals.get(place.casefold())

    def countries(self, text: str) -> tuple[str, ...]:
        """ISO alpha-2 codes of the countries ``text`` names, sorted."""
        return tuple(sorted({m.code for m in self.mentions(text)}))

    def mentions(
        self, text: str, context: Collection[str] = (), named: Collection[str] = ()
    ) -> list[Mention]:
        """Every naming of a country in ``text``, in order. An ambiguous alias counts only
        when the same country is also named unambiguously (or it is a metonym at work).

        ``context``: the countries the rest of the story names, when ``text`` is its
        headline. In a headline set in Title Case every word is capitalised, so a capital
        before a country's name says nothing of a first name ("Zambia Expels Zimbabwe
        Diplomat"): a country the story names elsewhere counts there ("Tom Holland Stars
        ..." still names no country). ``named``: countries the story names where this text
        does not, as its dateline in a capital ("N'DJAMENA — Chad ended ...")."""
        strong: list[Mention] = []
        weak: list[Mention] = []
        lenient = frozenset(context) if context and title_case(text) else frozenset()
        for start, alias in self._aliases_in(text):
            code = self.alias_country[alias]
            if not code:
                continue
            if " " not in alias and code not in lenient and self._inside_name(text, start):
                continue
            mention = Mention(start, start + len(alias), code, self.alias_kind.get(alias, "names"))
            stop = start + len(alias)
            if (
                alias not in self.ambiguous
                or self._metonym(text, stop, alias)
                or self._organ_follows(text, stop, alias)
            ):
                strong.append(mention)
            else:
                weak.append(mention)
        known = {m.code for m in strong} | set(named)
        listed = _listed_with(text, strong, [m for m in weak if m.code not in known])
        known |= {m.code for m in listed}
        return sorted(strong + [m for m in weak if m.code in known], key=lambda m: m.start)

    def bodies(self, text: str) -> list[Mention]:
        """Every naming of a bloc or international body (EU, NATO, UN, ...), in order."""
        return self.organizations.find(text)

    def topic_hits(self, text: str) -> dict[str, int]:
        """Matches per topic, for the topics matched at least their ``min_hits`` times."""
        found = self.gates.find(text)
        if found is None:
            counts = [t.count(text, found) for t in self.topics]
        else:
            counts = [0] * len(self.topics)
            for i, pattern in self.gates.candidates(found):
                counts[i] += pattern.count(text, found)
        return {
            t.name: n for t, n in zip(self.topics, counts, strict=True) if n and n >= t.min_hits
        }

    def diplomatic(
        self,
        hits: dict[str, int],
        parties: Sequence[str],
        others: Sequence[str],
        bloc_in_title: bool = False,
    ) -> bool:
        """Relations between states' governments: a diplomatic topic (talks, summits,
        agreements, trade measures, sanctions, alliances, ...) between a party and another
        state or bloc (``others``: countries named, organizations). One state's election or
        disaster is domestic news, whatever else it names, unless a bloc in the headline
        deals with it (``bloc_in_title``: "African Union lifts Niger's suspension")."""
        diplomatic = {n for n in hits if n in DIPLOMATIC_TOPICS}
        strong = diplomatic - WEAK_DIPLOMATIC_TOPICS
        if not diplomatic or not parties:
            return False
        strong_hits = sum(hits[n] for n in strong)
        if "election" in hits and len(parties) + bloc_in_title < 2:
            return False
        # An election told at length, with a word on alliances, is the election's story.
        if hits.get("election", 0) >= 2 * max(1, strong_hits):
            return False
        by_name = {t.name: t for t in self.topics}
        context = sum(n for name, n in hits.items() if by_name[name].damping > 0)
        # Markets or weather in a story of one diplomatic topic say it is about them, unless
        # that topic is the story's subject by far (a sanctions package that moves oil).
        if context >= 2 and len(strong) < 2 and strong_hits < 2 * context:
            return False
        if len(parties) >= 2:
            return True
        # One state: it deals with a bloc, or the topics leave no doubt about another state.
        blocs = set(others) & BLOCS
        return (
            bool(strong) and (bool(blocs) or len(strong) >= 2) and bool(set(others) - set(parties))
        )

    def between_states(
        self, hits: dict[str, int], parties: Sequence[str], others: Sequence[str]
    ) -> bool:
        """Could the story be about relations between states at all? A party and another
        state or bloc named, no context topic (sport, weather, markets, entertainment), and
        not one state's election. Where a learned opinion of diplomacy may count."""
        by_name = {t.name: t for t in self.topics}
        if not parties or any(by_name[name].damping > 0 for name in hits):
            return False
        if "election" in hits and len(parties) < 2:
            return False
        return len(parties) >= 2 or bool(set(others) - set(parties))

    def political(self, hits: dict[str, int]) -> bool:
        """The topics say the story is about states: some topic with a weight matched, and
        none of the context topics (sport, weather, markets, entertainment)."""
        by_name = {t.name: t for t in self.topics}
        if any(by_name[name].damping > 0 for name in hits):
            return False
        return any(by_name[name].weight > 0 for name in hits)

    def score(self, hits: dict[str, int], n_countries: int) -> float:
        """Diplomacy score in 0..1: each matched topic closes part of the gap to 1 (more so
        with repeated mentions, saturating), and so do the countries involved; context
        topics (sport, weather, markets) then scale the result down."""
        by_name = {t.name: t for t in self.topics}
        remaining, damped = 1.0, 1.0
        for name, n in hits.items():
            topic, share = by_name[name], self._share(n)
            remaining *= 1.0 - topic.weight * share
            damped *= 1.0 - topic.damping * share
        one, many = self.country_weight
        remaining *= 1.0 - (many if n_countries >= 2 else one if n_countries == 1 else 0.0)
        return round((1.0 - remaining) * damped, 3)

    def least_diplomatic(self, n_countries: int) -> float:
        """The least score a story the topic rules call diplomacy can have: one mention of
        the weakest diplomatic topic. A story made diplomacy another way scores no less, so
        that a feed's min_score does not drop what its diplomacy topic lets in."""
        names = [t.name for t in self.topics if t.name in DIPLOMATIC_TOPICS]
        return min((self.score({name: 1}, n_countries) for name in names), default=0.0)

    def _share(self, n: int) -> float:
        return self.saturation[min(n, len(self.saturation)) - 1] if n > 0 else 0.0

    def _aliases_in(self, text: str) -> list[tuple[int, str]]:
        """(offset, alias) of every alias in ``text``, leftmost-longest, not overlapping."""
        found: list[tuple[int, str]] = []
        end = 0
        for word in _WORD.finditer(text):
            start = word.start()
            if start < end or word.group() not in self.candidates:
                continue
            alias = self._alias_at(text, start, self.candidates[word.group()])
            if alias:
                found.append((start, alias))
                end = start + len(alias)
        return found

    @staticmethod
    def _alias_at(text: str, start: int, aliases: tuple[str, ...]) -> str | None:
        for alias in aliases:
            if text.startswith(alias, start) and not _WORD_CHAR.match(text, start + len(alias)):
                return alias
        return None

    def _metonym(self, text: str, stop: int, alias: str) -> bool:
        """True for "Washington said": a metonym alias followed by a reporting verb."""
        if alias not in self.metonyms:
            return False
        following = _NEXT_WORD.match(text, stop)
        return bool(following and following.group(1) in self.metonym_verbs)

    def _organ_follows(self, text: str, stop: int, alias: str) -> bool:
        """True for "Georgian foreign ministry", "Jordan's prime minister": an ambiguous
        alias of one country followed by an organ of a state, which no US state, first name
        or city has. (Not "Congolese", which two countries share.)"""
        return alias not in self.shared and bool(_ORGAN_AFTER.match(text, stop))

    def _inside_name(self, text: str, start: int) -> bool:
        """True when the alias at ``start`` follows a capitalised word that is a first name."""
        before = text[max(0, start - 40) : start]
        match = _CAPITALISED.search(before)
        if not match or match.group(1) in self.not_first_names:
            return False
        if match.group(1) in self.alias_country:  # "Iran France": two places, not a name
            return False
        return not _SENTENCE_END.search(before[: match.start()])


# Names in one list: "Chad, Cameroon and the Central African Republic".
_LIST_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?", re.I)


def _listed_with(text: str, strong: list[Mention], weak: list[Mention]) -> list[Mention]:
    """The ambiguous names listed beside a country named for sure: a first name or a US
    state is not listed with states ("Chad, Cameroon and the Central African Republic
    signed", "Mauritania, Senegal, Mali and Guinea")."""
    found: list[Mention] = []
    anchors = list(strong)
    while weak:
        near = [
            w
            for w in weak
            if any(
                _LIST_JOINER.fullmatch(text[a.end : w.start])
                or _LIST_JOINER.fullmatch(text[w.end : a.start])
                for a in anchors
            )
        ]
        if not near:
            break
        found += near
        anchors += near
        weak = [w for w in weak if w not in near]
    return found


_LETTER_WORD = re.compile(r"[^\W\d_][\w'’-]*")
TITLE_CASE_MAX_WORDS = 30  # longer texts are prose, whatever their capitals


def title_case(text: str) -> bool:
    """A headline in Title Case: three in four of its longer words capitalised."""
    long = [w for w in _LETTER_WORD.findall(text) if len(w) >= 4]
    if len(long) < 3 or len(long) > TITLE_CASE_MAX_WORDS:
        return False
    return sum(w[0].isupper() for w in long) * 4 >= len(long) * 3


def _aliases(gazetteer: dict) -> dict[str, str]:
    alias_country: dict[str, str] = {}
    for entry in gazetteer["countries"]:
        for key in ALIAS_KEYS:
            for alias in entry.get(key, []):
                # The first country to claim an alias keeps it ("Congolese" stays with the DRC).
                alias_country.setdefault(alias, entry["code"])
    for phrase in gazetteer.get("not_countries", []):
        alias_country[phrase] = ""
    return alias_country


def _alias_kinds(gazetteer: dict) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for entry in gazetteer["countries"]:
        for key in ALIAS_KEYS:
            for alias in entry.get(key, []):
                kinds.setdefault(alias, key)
    return kinds


def _entry_lists(gazetteer: dict, key: str) -> set[str]:
    return {alias for entry in gazetteer["countries"] for alias in entry.get(key, [])}


def _shared(gazetteer: dict, key: str) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for entry in gazetteer["countries"]:
        for alias in entry.get(key, []):
            (twice if alias in seen else seen).add(alias)
    return twice


def _candidates(alias_country: dict[str, str]) -> dict[str, tuple[str, ...]]:
    by_first: dict[str, list[str]] = {}
    for alias in alias_country:
        first = _WORD.match(alias)
        if first is None:
            raise ValueError(f"gazetteer alias {alias!r} does not start with a word")
        by_first.setdefault(first.group(), []).append(alias)
    return {w: tuple(sorted(a, key=len, reverse=True)) for w, a in by_first.items()}


def _topic(name: str, spec: dict) -> Topic:
    patterns = tuple(Pattern(re.compile(p, re.I), _gates(p)) for p in spec["patterns"])
    return Topic(
        name,
        float(spec.get("weight", 0.0)),
        patterns,
        int(spec.get("min_hits", 1)),
        float(spec.get("damping", 0.0)),
    )


def _gates(pattern: str) -> tuple[str, ...]:
    """The lower-cased literals every match of ``pattern`` starts with; () when unknown.

    Understands what topic patterns look like: an optional ``\\b``, then a literal
    ("sanction"), or a leading group of alternatives ("(?:held|hold) ..."), or top-level
    alternatives."""
    parts = either.alternatives(_strip_boundary(pattern))
    if len(parts) == 1 and parts[0].startswith("(?:"):
        try:
            close = either.group_end(parts[0])
        except ValueError:
            return ()
        if _QUANTIFIER.match(parts[0], close + 1):
            return ()
        parts = either.alternatives(parts[0][3:close])
    literals = tuple(_leading_literal(_strip_boundary(a)) for a in parts)
    return () if not all(literals) else literals


def _strip_boundary(pattern: str) -> str:
    return pattern[2:] if pattern.startswith("\\b") else pattern


def _leading_literal(pattern: str) -> str:
    match = _LEADING_LITERAL.match(pattern)
    if not match:
        return ""
    literal = match.group(1)
    if _QUANTIFIER.match(pattern, match.end()):  # "G-?": the last character is optional
        literal = literal[:-1]
    return literal.lower() if literal.strip() else ""


@functools.cache
def default_tagger() -> Tagger:
    """The tagger built from the bundled data files.  Cached: the data is immutable and
    compiling a few thousand aliases for every story would dominate normalization."""
    data = resources.files("ingest") / "data"
    gazetteer = json.loads((data / "gazetteer.json").read_text(encoding="utf-8"))
    topics = json.loads((data / "topics.json").read_text(encoding="utf-8"))
    orgs = json.loads((data / "organizations.json").read_text(encoding="utf-8"))
    return Tagger.from_data(gazetteer, topics, orgs)


def known_countries() -> frozenset[str]:
    """The codes a feed may filter ``countries`` on: every country of the gazetteer, and EU."""
    tagger = default_tagger()
    return frozenset(code for code in tagger.alias_country.values() if code) | {"EU"}


def known_topics() -> frozenset[str]:
    """The topic names a feed may filter on."""
    return frozenset(t.name for t in default_tagger().topics)


@functools.cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → the country's usual English name (the gazetteer's first),
    and EU: what pages show for a story's parties. Read without building the tagger."""
    data = resources.files("ingest") / "data"
    gazetteer = json.loads((data / "gazetteer.json").read_text(encoding="utf-8"))
    names = {c["code"]: c["names"][0] for c in gazetteer["countries"] if c.get("names")}
    return names | {"EU": "European Union"}
