"""Who does what to whom in a headline: the directed measures one state takes against another.

Diplomatic rows run in answers: A expels B's diplomats, B expels A's; A puts tariffs on B's
goods, B on A's. The two acts share the states, the words and the week, so by everything
event matching reads they are one event, and labelled reports treat them as two. What
tells them apart is the direction: the same kind of act, with actor and target swapped.

An act is read from the headline only: ``kind:ACTOR>TARGET`` (``expel:DZ>FR``), where the
target is the first state named after the act's word and the actor the nearest state named
before it that is not the target ("Moscow answers Tallinn with expulsion of Estonian
counsellor": RU>EE; "Zambia orders Zimbabwean diplomat out": ZM>ZW). A headline that names
no state on one side has no act; neither has undoing a measure ("lifts sanctions on").
Only measures that are answered in kind are read: expulsions, sanctions, tariffs and
duties, bans, recalls of ambassadors, closures of missions; a summons or a protest answers
an act without being a second one of its kind.

Pure: the text in, the acts out (``ingest.dedupe`` keeps them with a story's features).
"""

from __future__ import annotations

import re

from ingest.tags import Mention, default_tagger

# The act's word, one group per kind, with what must follow a word that is not an act on
# its own ("orders ... out", "declares ... persona non grata", "recalls ... ambassador").
# "Ban" only as a verb: the noun is as often the other side's ("Manila raised the durian
# ban in Xiamen").
_SOON = r"(?=(?:\W+[\w'’-]+){{0,{n}}}?\W+(?:{what})\b)"
# What a state closes to another: its mission there, or its border, crossings, airspace.
_CLOSED = r"embass(?:y|ies)|consulates?|borders?|crossings?|border posts?|airspace|ports?"
# "gives Ivorian envoys 72 hours", "gives ... days to leave"
_DEADLINE = r"to leave|\d+ (?:hours|days)"
_ACT = re.compile(
    r"\b(?:(expels?|expelled|expelling|expulsions?|kick(?:s|ed)?(?=\W+out\b)"
    rf"|order(?:s|ed)?{_SOON.format(n=3, what='out|to leave|departure')}"
    rf"|gives?{_SOON.format(n=5, what=_DEADLINE)}"
    rf"|declar(?:es|ed){_SOON.format(n=4, what='persona non grata')})"
    r"|(sanction(?:s|ed|ing)?|blacklist(?:s|ed|ing)?)"
    r"|(tariffs?|duties|levies|counter-tariffs?)"
    r"|(bans|banned|banning|bars|barred|barring|embargoes)"
    rf"|(recall(?:s|ed|ing)?{_SOON.format(n=2, what='ambassadors?|envoys?|high commissioners?')})"
    rf"|(clos(?:es|ed|ing)|shut(?:s|ting)?){_SOON.format(n=3, what=_CLOSED)})"
    r"\b",
    re.I,
)
_KINDS = ("expel", "sanction", "tariff", "ban", "recall", "close")
_NOUNS = frozenset(
    ["expulsion", "expulsions", "sanction", "sanctions", "tariff", "tariffs", "duties",
     "levies", "counter-tariff", "counter-tariffs", "embargoes"]
)  # fmt: skip
# Undoing a measure: the words just before the act's word ("lifts sanctions on", "to drop
# most tariffs on") or right after it ("duties cut on").
_EASING = re.compile(
    r"\b(?:lift(?:s|ed|ing)?|eas(?:e|es|ed|ing)|cut(?:s|ting)?|scrap(?:s|ped|ping)?"
    r"|drop(?:s|ped|ping)?|remov(?:e|es|ed|ing)|end(?:s|ed|ing)?|suspend(?:s|ed|ing)?"
    r"|waiv(?:e|es|ed|ing)|reduc(?:e|es|ed|ing)|lower(?:s|ed|ing)?|halv(?:e|es|ed|ing)"
    r"|roll(?:s|ed)? back)\b(?:\W+[\w'’-]+){0,2}?\W*$",
    re.I,
)
_EASED = re.compile(r"\W+(?:relief|cuts?|lifted|eased|scrapped|removed|waived)\b", re.I)
_PAIRED = re.compile(r"\s*(?:[-–—/&]|and)\s*")  # "Colombia–Ecuador", "Kenya and Uganda"
# "expelled by Ghana", "barred from Uganda": the state after the participle acts.
_AGENT = re.compile(r"\s+(?:by|from)\s+(?:the\s+)?")
_TO_LEAVE = re.compile(r"(?:\W+[\w'’-]+){0,3}?\W+(?:to leave|out of)\s+(?:the\s+)?", re.I)
# Where the act's object ends: a reason ("sanctions on Iran over drones for Russia") or a
# second clause names states that are not its target.
_REASON = re.compile(
    r"[;:]|\b(?:over|after|amid|following|despite|citing|in response to|in retaliation for)\b",
    re.I,
)
# "EU adds Iranian officials to sanctions list": the state named between "adds" and "to"
# is the target.
_ADD_TO = re.compile(
    r"\b(?:add(?:s|ed|ing)?|put(?:s|ting)?|plac(?:es|ed|ing))\s+(?P<target>.+?)"
    r"\s+(?:to|on)\s+(?:its\s+|the\s+|a\s+)?(?:\S+\s+){0,2}$",
    re.I,
)
# "China hits Canada with tariffs", "Iran answers EU listings with sanctions": the state
# between the verb and "with" is the target.
_HIT_WITH = re.compile(
    r"\b(?:hit(?:s|ting)?\s+(?:back\s+at\s+)?|answer(?:s|ed|ing)?\s+|retaliat\w*\s+against\s+)"
    r"(?P<target>.+?)\s+with\s+(?:\S+\s+){0,3}$",
    re.I,
)


def directed_acts(title: str, body: str = "") -> frozenset[str]:
    """The headline's directed acts, as ``kind:ACTOR>TARGET`` strings; ``body``: the story's
    text, whose countries tell a Title Case headline's from a person's name."""
    if not _ACT.search(title):
        return frozenset()  # most headlines: no need to look for states
    tagger = default_tagger()
    context = {m.code for m in tagger.mentions(body)} if body else set()
    # An ambiguous demonym ("Congolese") counts for a state the story names; the EU takes
    # and answers measures as a state does.
    named = tagger.mentions(title, context, named=context)
    named += [m for m in tagger.bodies(title) if m.code == "EU"]
    named.sort(key=lambda m: m.start)
    acts = set()
    for word in _ACT.finditer(title):
        if _EASING.search(title, max(0, word.start() - 30), word.start()) or _EASED.match(
            title, word.end()
        ):
            continue  # lifting, easing or cutting a measure is no measure taken
        pair = _direction(title, word, named)
        if pair and word.lastindex:
            acts.add(f"{_KINDS[word.lastindex - 1]}:{pair[0]}>{pair[1]}")
    return frozenset(acts)


def _direction(title: str, word: re.Match[str], named: list[Mention]) -> tuple[str, str] | None:
    """(actor, target) of one act's word, from where the states stand around it."""
    before = [m for m in named if m.end <= word.start()]
    reason = _REASON.search(title, word.end())
    stop = reason.start() if reason else len(title)
    after = [m for m in named if word.end() <= m.start < stop]
    agent = _AGENT.match(title, word.end())
    leave = _TO_LEAVE.match(title, word.end())
    if agent and after and after[0].start == agent.end():
        return _acted_on(after[0].code, before)  # "Nigerian diplomats expelled by Ghana"
    if leave and after and after[0].start == leave.end():
        return _acted_on(after[0].code, before)  # "Algerian officials ordered to leave France"
    if before and _owner(title, before[-1], word):
        # "Chinese tariffs on Canadian canola", "Canada hit with Chinese tariffs"
        if len(before) > 1 and _PAIRED.fullmatch(title, before[-2].end, before[-1].start):
            return None  # "the Colombia–Ecuador tariff war": both sides, no direction
        actor = before[-1].code
        return _on(actor, after) or _acted_on(actor, before[:-1])
    added = _ADD_TO.search(title, 0, word.start())
    if added:
        inside = [m for m in before if added.start("target") <= m.start < added.end("target")]
        first = [m for m in before if m.end <= added.start()]
        if inside and first and first[-1].code != inside[0].code:
            return first[-1].code, inside[0].code  # "EU adds Iranian officials to its list"
    hit = _HIT_WITH.search(title, 0, word.start())
    if hit:
        inside = [m for m in before if hit.start("target") <= m.start < hit.end("target")]
        first = [m for m in before if m.end <= hit.start()]
        if inside and first and first[-1].code != inside[0].code:
            return first[-1].code, inside[0].code  # "China hits Canada with tariffs"
    if not after:
        return None
    target = after[0].code
    # A bare name right before a measure named by a noun is its object ("Japan widens Russia
    # sanctions to ..."), when another state stands before it to act.
    noun = word.group().lower() in _NOUNS
    if noun and len(before) > 1 and not title[before[-1].end : word.start()].strip():
        before = before[:-1]
    actors = [m.code for m in before if m.code != target]
    return (actors[-1], target) if actors else None


def _owner(title: str, mention: Mention, word: re.Match[str]) -> bool:
    """Does the state right before the act's word own it: "Chinese tariffs", "Ouagadougou's
    expulsion"? A bare name is as often the measure's object: "Russia sanctions" are
    sanctions on Russia."""
    between = title[mention.end : word.start()]
    if mention.kind == "demonyms":
        return not between.strip()
    return between.strip() in ("'s", "’s")


def _acted_on(actor: str, before: list[Mention]) -> tuple[str, str] | None:
    """The actor, and the nearest state before the act that is not it."""
    targets = [m.code for m in before if m.code != actor]
    return (actor, targets[-1]) if targets else None


def _on(actor: str, after: list[Mention]) -> tuple[str, str] | None:
    targets = [m.code for m in after if m.code != actor]
    return (actor, targets[0]) if targets else None


def answers(a: frozenset[str], b: frozenset[str]) -> bool:
    """Is one headline's act the other's answered (actor and target swapped: an expulsion
    for an expulsion, a ban on the goods of a state that closed its border), with no act
    the two share? A round-up that names both acts shares one of them with each report."""
    if not a or not b or a & b:
        return False
    theirs = {_pair(act) for act in b}
    return any(_pair(act)[::-1] in theirs for act in a)


def _pair(act: str) -> tuple[str, str]:
    actor, _, target = act.partition(":")[2].partition(">")
    return actor, target
