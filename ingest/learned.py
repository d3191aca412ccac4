"""Linear models over words that give the rules a second opinion (pure).

A rule knows a kind of text by the wording someone foresaw; a model trained on labelled
text knows it by the words it tends to use. Each model here is a logistic regression over
word and word-pair features (present or not, each part of the text scaled to unit length),
trained by ``bench/train_models.py`` on the tuning halves of the corpora only, its weights a
data file (``ingest/data/<name>_model.json``). A model only ever adds to what the rules
found, and only when it is sure on the strength of words it knows (``sure``).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import string
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

# What may stand around a word: punctuation and the symbols news text uses. (Splitting on
# spaces and trimming these is five times as fast as a regular expression for words.)
_EDGES = string.punctuation + "“”‘’„«»‹›—–―‐‑…·•|¦§¶©®™°′″"
MAX_TOKENS = 120  # a block's opening words say what it is; a long block is prose anyway
MIN_KNOWN = 0.6  # share of a text's words the model must have seen to judge it
MIN_WORDS = 4  # "All...", "Thanks Junior!": too little to go on


@dataclass(frozen=True, slots=True)
class Model:
    bias: float
    weights: dict[str, float]  # every word seen in training; word pairs and marks that count
    threshold: float  # from this probability on, the model is sure


@functools.cache
def load(name: str) -> Model:
    path = resources.files("ingest").joinpath(f"data/{name}_model.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    return Model(float(doc["bias"]), doc["weights"], float(doc["threshold"]))


def tokens(text: str, limit: int = MAX_TOKENS) -> list[str]:
    """Lower-case words (a hyphen or apostrophe within one stays), numbers as one token
    ("0")."""
    found = (w.strip(_EDGES) for w in text[: limit * 8].lower().split()[:limit])
    return ["0" if w.isdigit() else w for w in found if w]


def grams(words: list[str], prefix: str = "") -> set[str]:
    """Words and word pairs, each once (``prefix`` names the part of the text)."""
    out = set(words)
    out.update(map(" ".join, itertools.pairwise(words)))
    return {prefix + g for g in out} if prefix else out


def scaled(parts: Iterable[set[str]]) -> dict[str, float]:
    """Each part's grams, the part scaled to unit length: the features as trained."""
    out: dict[str, float] = {}
    for part in parts:
        if part:
            out.update(dict.fromkeys(part, 1 / math.sqrt(len(part))))
    return out


def probability(m: Model, features: dict[str, float]) -> float:
    z = m.bias + sum(m.weights.get(k, 0.0) * v for k, v in features.items())
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def sure(m: Model, words: set[str], parts: list[set[str]], marks: dict[str, float]) -> bool:
    """Is the model sure, on the strength of its words?

    Not when the text is mostly words it never saw (another language, a field's jargon):
    its marks alone (a short line in capitals) say nothing either way. Nor when it has few
    words (``words``: those of two letters or more), or when the words themselves lean the
    other way, whatever the marks say. (``probability``'s sum, in steps most texts leave
    early.)"""
    weights = m.weights
    if len(words) < MIN_WORDS or sum(w in weights for w in words) < MIN_KNOWN * len(words):
        return False
    said = sum(sum(weights.get(g, 0.0) for g in p) / math.sqrt(len(p)) for p in parts if p)
    if said <= 0:
        return False
    marked = sum(weights.get(k, 0.0) * v for k, v in marks.items())
    return m.bias + said + marked >= math.log(m.threshold / (1 - m.threshold))


def long_words(words: Iterable[str]) -> set[str]:
    """The words ``sure`` counts: not "0", not the "m" of "a.m."."""
    return {w for w in words if len(w) > 1}
