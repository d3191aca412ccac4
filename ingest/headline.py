"""Whom a headline is about: the parties its subject names, to tell two events apart.

Reports of one event name the same parties in their headlines' subjects, or some of them:
"Egypt goes into GERD committee with red lines" beside "Egypt, Ethiopia agree on technical
committee". A follow-up or a parallel event of the same week shares the words, the places
and most of the names, and its subject names another party: "Egypt, Sudan agree to
coordinate positions" two days later, "Latvia reopens Terehova crossing with Russia" beside
"Finland reopens one crossing with Russia", "African Union readmits Guinea" after "ECOWAS
lifts Guinea's suspension". Each of those subjects names a party the other headline never
names (``apart``).

Only the subject counts: what a headline names after its verb is as often a third party or
a topic of the event ("158 nations back U.N. call for Gaza ceasefire"; "Ukraine ready for
peace, now Russia must show it is too"). A capital or a demonym names a place or a people
as often as a state that acts ("The Abu Dhabi GERD committee: a process"): it covers the
same state named in the other headline, and never sets a headline apart on its own.

Measured on pairs that event matching joined in the tuning data (``tests/fixtures/outlets``
tuning, ``tests/fixtures/clusters``, the demo web, events battery a and c): 24 of 90 false
pairs apart, 6 of 1,162 true ones. What it loses is a reaction or a host named as the
subject ("Italy hails Brenner ruling" after "EU court rules ...", "Trump hosts Central Asian
leaders" beside "President of Uzbekistan takes part in the C5+1 summit"). The whole
headline, instead of its subject, set 30 false pairs apart and 17 true ones.

It applies to near-verbatim copies too (``ingest.dedupe.score_pair``): an official readout
or a ceremony's report reuses one text with the names changed, and a copy keeps the
parties of its original. None of the 82 true copies in the same tuning data is set apart.

Pure: the headline in, the codes out (``ingest.dedupe`` keeps them with a story's features).
"""

from __future__ import annotations

import functools
import re

from ingest.dateline import known_places, known_towns
from ingest.tags import default_tagger, title_case

ALLUDING = frozenset(["capitals", "demonyms"])  # gazetteer kinds that may name a place
# A sentence-case headline's subject ends at its first lowercase word, mostly its verb:
# "Egypt, Sudan agree ...", "Nigeria's cabinet approves ...", "U.N. General Assembly demands
# ...". Words that join names ("and", "of", "'s", "y", "et") do not end it.
_PREDICATE = re.compile(
    r"\b(?!(?:and|of|the|de|du|del|des|al|el|la|le|y|e|et|und|von|van|bin|s)\b)[a-z][a-z'’-]*"
)


def named(title: str, body: str = "") -> tuple[frozenset[str], frozenset[str]]:
    """The states and bodies (``EU``, ``AU``, ...) the headline's subject names outright, and
    the others it names: after its subject, or by a capital or a demonym. A Title Case
    headline's subject is all of it. ``body``: the story's text, whose countries tell a
    Title Case headline's from a person's name."""
    tagger = default_tagger()
    cased = title_case(title)
    context = {m.code for m in tagger.mentions(body)} if body and cased else set()
    verb = None if cased else _PREDICATE.search(title)
    end = verb.start() if verb else len(title)
    outright: set[str] = set()
    alluded: set[str] = set()
    for m in tagger.mentions(title, context):
        (alluded if m.kind in ALLUDING or m.start >= end else outright).add(m.code)
    for m in tagger.bodies(title):
        (alluded if m.start >= end else outright).add(m.code)
    return frozenset(outright), frozenset(alluded - outright)


def apart(
    a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]
) -> bool:
    """Does each headline's subject name a party the other headline never names (``named``'s
    pairs)?"""
    return bool(a[0] - b[0] - b[1]) and bool(b[0] - a[0] - a[1])


# Where a headline says its meeting is: "talks in Tokyo", "at Seoul summit", "At Rumichaca".
# Not where one is to be ("talks to resume in Pretoria", "ahead of ... in Busan").
_VENUE = re.compile(
    r"\b(?:[Ii]n|[Aa]t)\s+(?P<the>the\s+)?(?P<place>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’-]+)?)"
)
_AHEAD = re.compile(
    r"\b(?:to (?:resume|meet|be held|reconvene|continue|travel|host)|will|next|ahead of|before)"
    r"\b[^,;:]*$",
    re.I,
)


def venues(title: str) -> frozenset[str]:
    """The towns a headline places its event in ("Lee, Takaichi ... talks in Tokyo"):
    capitals and the cities datelines name, by their first word when two are taken."""
    towns = known_towns()
    found = set()
    for match in _VENUE.finditer(title):
        if _AHEAD.search(title, max(0, match.start() - 40), match.start()):
            continue
        place = match.group("place")
        first = place.split()[0]
        if match.group("the") and f"The {place}" in towns:
            found.add(f"The {place}")
        elif place in towns:
            found.add(place)
        elif first in towns:
            found.add(first)
    return frozenset(found)


def elsewhere(a: frozenset[str], b: frozenset[str]) -> bool:
    """Do two headlines place their events in different towns? Reports of one meeting
    name its town, if any, alike; the same leaders' next meeting is in another ("... at
    Seoul summit" three days before "... in Tokyo")."""
    return bool(a) and bool(b) and not a & b


@functools.cache
def common_names() -> frozenset[str]:
    """Words of the names that recur across events, casefolded: countries, their demonyms,
    capitals and leaders, the cities datelines name, blocs and bodies ("NATO", "Union")."""
    tagger = default_tagger()
    words = {w.casefold() for place in known_places() for w in place.split()}
    words |= {w.casefold() for alias in tagger.alias_country for w in alias.split()}
    for alias, (name, kind) in tagger.organizations.code_of.items():
        if kind == "names":  # not the people who act for a body ("Rutte")
            words |= {w.casefold() for w in (*alias.split(), *name.split())}
    return frozenset(words)
