"""A learned second opinion on one block after a story: how likely it is appended material.

The tail rules (``ingest.tail``) know the kinds of appended material by their wording and
shape, and miss the same kinds worded in a way no rule was written for: an outlet's own
newsletter pitch, a generated "expert" paragraph, a related story's blurb.  This is a
logistic regression over the block's words, word pairs and shape, trained by
``bench/train_tail_model.py`` on the tuning half of ``tests/fixtures/outlets`` and of the
endings battery only (never on a held-out half: ``tests/test_tail_model.py`` holds that).
It only ever relabels a block the rules call plain prose or a heading, and the tail rules
still decide where the story ends: a flagged block cuts only when everything after it is
appended material too.

Pure: the weights are read once from ``ingest/data/tail_model.json``.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources

_TOKEN = re.compile(r"\w+")
MAX_TOKENS = 120  # a block's opening words say what it is; a long block is prose anyway
_SENTENCE_END = tuple(".!\"'”’)")
MIN_KNOWN = 0.6  # share of a block's words the model must have seen to judge it
MIN_WORDS = 4  # "All...", "Thanks Junior!": too little to go on


def _tokens(text: str) -> list[str]:
    return ["0" if t.isdigit() else t for t in _TOKEN.findall(text.casefold())[:MAX_TOKENS]]


def _grams(tokens: list[str]) -> set[str]:
    """Words and word pairs, each once."""
    grams = set(tokens)
    grams.update(map(" ".join, itertools.pairwise(tokens)))
    return grams


def _shape(text: str, n: int) -> dict[str, float]:
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
    """The block's features: its words and word pairs (lower case, numbers as one token,
    present or not, scaled to unit length) and a few marks of its shape (``#...``)."""
    tokens = _tokens(text)
    grams = _grams(tokens)
    out = dict.fromkeys(grams, 1 / math.sqrt(len(grams)) if grams else 0.0)
    out.update(_shape(text, len(tokens)))
    return out


@dataclass(frozen=True, slots=True)
class Model:
    bias: float
    weights: dict[str, float]  # every word seen in training; word pairs and marks that count
    threshold: float  # from this probability on, a block is appended material


@functools.cache
def model() -> Model:
    doc = json.loads(resources.files("ingest").joinpath("data/tail_model.json").read_text())
    return Model(float(doc["bias"]), doc["weights"], float(doc["threshold"]))


def junk_probability(text: str, m: Model | None = None) -> float:
    """How likely the block is appended material rather than the story's own."""
    m = m or model()
    z = m.bias + sum(m.weights.get(k, 0.0) * v for k, v in features(text).items())
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def is_appended(text: str, m: Model | None = None) -> bool:
    """Is the model sure the block is appended material, on the strength of its words?

    A block mostly in words the model never saw (another language, a field's jargon) is
    not judged: its shape alone (a short line in capitals) is as common in stories. Nor is
    one of a few words, or one whose words lean towards the story, whatever its shape
    says. (``junk_probability``'s sum, taken in steps that most blocks leave early.)"""
    m = m or model()
    weights, tokens = m.weights, _tokens(text)
    words = {t for t in tokens if len(t) > 1}  # not "0", not "m" of "a.m."
    if len(words) < MIN_WORDS or sum(w in weights for w in words) < MIN_KNOWN * len(words):
        return False
    grams = _grams(tokens)
    said = sum(weights.get(g, 0.0) for g in grams) / math.sqrt(len(grams))
    if said <= 0:
        return False
    shape = sum(weights.get(k, 0.0) * v for k, v in _shape(text, len(tokens)).items())
    return m.bias + said + shape >= math.log(m.threshold / (1 - m.threshold))
