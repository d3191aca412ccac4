"""The diplomacy rule's learned second opinion: is a story about relations between states?

The rule (``Tagger.diplomatic``) needs a diplomatic topic's wording ("held talks", "signed
an agreement") and the parties; a story told in other words ("the two capitals have moved
closer on a fisheries deal") has none of the wording. This model (``ingest.learned``) reads
the headline's words and the opening of the body, trained on the tuning halves of
``tests/fixtures/outlets`` and of the parties battery (a, c) only (``tests/test_learned.py`` holds
that). It only ever adds
the topic, and only where the story has parties and names another state or bloc.
"""

from __future__ import annotations

from ingest import learned

BODY_WORDS = 150  # the opening says what a story is about


def features(title: str, text: str) -> dict[str, float]:
    """The story's features as trained: headline words (``t:``) and the opening's."""
    return learned.scaled(_parts(title, text)[1])


def _parts(title: str, text: str) -> tuple[set[str], list[set[str]]]:
    head, body = learned.tokens(title), learned.tokens(text, BODY_WORDS)
    return learned.long_words(head + body), [learned.grams(head, "t:"), learned.grams(body)]


def probability(title: str, text: str, m: learned.Model | None = None) -> float:
    return learned.probability(m or learned.load("diplomacy"), features(title, text))


def is_diplomacy(title: str, text: str, m: learned.Model | None = None) -> bool:
    """Is the model sure the story is diplomacy (``learned.sure``)?"""
    words, parts = _parts(title, text)
    return learned.sure(m or learned.load("diplomacy"), words, parts, {})
