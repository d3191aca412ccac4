"""The tail rules' learned second opinion: is one block after a story appended material?

The tail rules (``ingest.tail``) know the kinds of appended material by their wording and
shape, and miss the same kinds worded in a way no rule was written for: an outlet's own
newsletter pitch, a reproduction notice, a generated paragraph. This model (``ingest.learned``)
reads the block's words, word pairs and shape; it was trained on the tuning half of
``tests/fixtures/outlets`` and of the endings battery only (``tests/test_learned.py`` holds
that). It only ever relabels a block the rules call prose, and the tail rules still decide
where the story ends: a flagged block cuts only when everything after it is appended too.
"""

from __future__ import annotations

from ingest import learned

_SENTENCE_END = tuple(".!\"'”’)")


def _marks(text: str, n: int) -> dict[str, float]:
    stripped, words = text.rstrip(), text.split()
    return {
        "#short": float(n <= 6),
        "#line": float(n <= 15),
        "#long": float(n > 40),
        "#asks": float(stripped.endswith("?")),
        "#ends": float(stripped.endswith(_SENTENCE_END)),
        "#link": float("http" in text or "www." in text or "@" in text or "©" in text),
        "#capitals": sum(w[:1].isupper() for w in words) / len(words) if words else 0.0,
    }


def features(text: str) -> dict[str, float]:
    """The block's features as trained: its words and word pairs, and marks of its shape."""
    words = learned.tokens(text)
    out = learned.scaled([learned.grams(words)])
    out.update(_marks(text, len(words)))
    return out


def junk_probability(text: str, m: learned.Model | None = None) -> float:
    """How likely the block is appended material rather than the story's own."""
    return learned.probability(m or learned.load("tail"), features(text))


def is_appended(text: str, m: learned.Model | None = None) -> bool:
    """Is the model sure the block is appended material (``learned.sure``)?"""
    words = learned.tokens(text)
    return learned.sure(
        m or learned.load("tail"),
        learned.long_words(words),
        [learned.grams(words)],
        _marks(text, len(words)),
    )
