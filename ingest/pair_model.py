"""Are two reports one event? A learned weighing of the evidence ``ingest.dedupe`` gathers.

The event test is three thresholds, all to be met: content words, names and lead actors.
Measured on the tuning half of ``tests/fixtures/outlets``, reports of one event fell just
under one bar while clearing the others (a quake report against the mine it halted), and
lowering a bar merged sessions of one summit. A logistic regression over the same evidence,
plus how much of the named countries and of the headline's acts two reports share and how
far apart they are in time, weighs the signals against each other: reports that share few
words but name each other's lead actors and the same countries are one event all the same.
``ingest.dedupe`` lets it add matches the thresholds refuse, only when it is sure
(``event_probability``): on its own, at any probability, it merged the hand-labelled hard
negatives of ``tests/fixtures/clusters`` (two stories from one NATO summit).

Trained by ``bench/train_pair_model.py`` on pairs of the tuning half, the clusters corpus,
the demo web and the events battery's tuning halves (``tests/fixtures/events`` a and c:
analyses, reactions and independent reports beside the wire copy) only; the held-out halves
are never read. Its weights are ``ingest/data/pair_model.json``. Pure.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

# What ``ingest.dedupe.pair_features`` measures, in the order the weights file lists them.
FEATURES = (
    "words",
    "names",
    "cover",
    "cover_max",
    "countries",
    "acts",
    "log_hours",
    # How many figures two reports share ("7,200", "6.2"), on a log scale: an analysis and
    # the wire copy it reads share few words but the event's numbers. Also tried: counts of
    # shared names and words, a principal in common and the share of headline words in
    # common. None did better in cross-validation than figures alone without lifting a
    # hand-labelled hard negative (tests/fixtures/clusters) over ``event_probability``; the
    # count of shared words also joined unrelated long stories (bench/ingest_speed.py's
    # web: 900 of 7,900 pairs), since any two long texts share many.
    "shared_numbers",
)


@dataclass(frozen=True, slots=True)
class PairModel:
    bias: float
    weights: Mapping[str, float]


@functools.cache
def load() -> PairModel:
    path = resources.files("ingest").joinpath("data/pair_model.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    weights = {k: float(doc["weights"][k]) for k in FEATURES}
    return PairModel(float(doc["bias"]), weights)


def probability(feats: Mapping[str, float], model: PairModel | None = None) -> float:
    m = model or load()
    z = m.bias + sum(w * feats[k] for k, w in m.weights.items())
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))
