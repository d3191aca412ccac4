"""Who does what to whom in a headline: the directed measures one state takes against another.

Diplomatic rows run in answers: A expels B's diplomats, B expels A's; A puts tariffs on B's
goods, B on A's. The two acts share the states, the words and the week, so by everything
event matching reads they are one event, and labelled reports treat them as two. What
tells them apart is the direction: the same kind of act, with actor and target swapped.

An act is read from the headline only: ``kind:ACTOR>TARGET`` (``expel:DZ>FR``), where the
target is the first state named after the act's word and the actor the nearest state named
before it that is not the target ("Moscow answers Tallinn with expulsion of Estonian
counsellor": RU>EE; "Zambia orders Zimbabwean diplomat out": ZM>ZW). A headline that names
no state on one side has no act. Only measures that are answered in kind are read:
expulsions, sanctions, tariffs and duties, bans; a summons or a protest answers an act
without being a second one of its kind.

Pure: the text in, the acts out (``ingest.dedupe`` keeps them with a story's features).
"""

from __future__ import annotations

import re

from ingest.tags import default_tagger

# The act's word, one group per kind. "Ban" only as a verb: the noun is as often the other
# side's ("Manila raised the durian ban in Xiamen").
_ACT = re.compile(
    r"\b(?:(expels?|expelled|expelling|expulsions?|order(?:s|ed)?(?=(?:\W+\w+){0,5}?\W+out\b))"
    r"|(sanction(?:s|ed|ing)?)"
    r"|(tariffs?|duties|levies|counter-tariffs?)"
    r"|(bans|banned|banning|embargoes))\b",
    re.I,
)
_KINDS = ("expel", "sanction", "tariff", "ban")


def directed_acts(title: str, body: str = "") -> frozenset[str]:
    """The headline's directed acts, as ``kind:ACTOR>TARGET`` strings; ``body``: the story's
    text, whose countries tell a Title Case headline's from a person's name."""
    if not _ACT.search(title):
        return frozenset()  # most headlines: no need to look for states
    tagger = default_tagger()
    context = {m.code for m in tagger.mentions(body)} if body else set()
    named = tagger.mentions(title, context)
    acts = set()
    for word in _ACT.finditer(title):
        after = [m.code for m in named if m.start >= word.end()]
        if not after:
            continue
        target = after[0]
        actors = [m.code for m in named if m.end <= word.start() and m.code != target]
        if actors and word.lastindex:
            acts.add(f"{_KINDS[word.lastindex - 1]}:{actors[-1]}>{target}")
    return frozenset(acts)


def answers(a: frozenset[str], b: frozenset[str]) -> bool:
    """Is one headline's act the other's answered in kind (the same kind of act, actor and
    target swapped), with no act the two share? A round-up that names both acts shares
    one of them with each report."""
    if not a or not b or a & b:
        return False
    return any(_mirror(act) in b for act in a)


def _mirror(act: str) -> str:
    kind, _, pair = act.partition(":")
    actor, _, target = pair.partition(">")
    return f"{kind}:{target}>{actor}"
