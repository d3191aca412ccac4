"""Train the event pair model (``ingest.pair_model``): ``ingest/data/pair_model.json``.

    .venv/bin/pip install -e '.[train]' && .venv/bin/python bench/train_pair_model.py

Runs ``communique ingest`` on the tuning half of ``tests/fixtures/outlets`` (served on
127.0.0.1, as ``bench/quality.py`` does), reads every stored story's profile back from the
store, and pairs them; so too the clusters corpus, the demo web and the events battery's
tuning halves (``tests/fixtures/events`` a and c, through the real normalizer). The pairs
the model is for are those ``dedupe.score_pair`` would judge on the event evidence: not the
same text or a copy, within ``window_hours``, sharing a named country when both name one,
neither missing the other's principals, no act answered in kind, and some overlap at all.
Each is labelled by whether the two articles tell one story. The held-out halves (blind3,
blind4, blind5; events b, d and f) are never read.

Cross-validation folds by story (every pair of one story in one fold), four folds, three
shuffles; it prints the rule's pair precision and recall beside those of the run-time
decision (the rule, or the model at a few probabilities), so the choice of
``event_probability`` can be read off. Check that choice against the hard negatives with
``bench/dedupe_quality.py`` (it must stay at 1.00 / 1.00). scikit-learn is used
here only, never at run time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import dedupe, pair_model  # noqa: E402
from ingest.dedupe_params import DedupeParams  # noqa: E402
from ingest.model import Story  # noqa: E402

TUNING = ROOT / "tests" / "fixtures" / "outlets" / "tuning"
PROBABILITIES = (0.5, 0.6, 0.7, 0.75, 0.8, 0.9)
MIN_OVERLAP = 0.03  # pairs sharing less than this of words and of names are never one event
EVENT_HALVES = ("a", "c")  # the events battery's tuning halves (b and d are held out)
C = 1.0  # inverse regularization; 0.1-10 scored alike in cross-validation


@dataclass(frozen=True, slots=True)
class Pair:
    stories: tuple[str, str]  # the labelled story of each article
    features: dict[str, float]
    same: bool
    rule: bool  # the three thresholds' verdict


def stored_profiles(url: str) -> list[tuple[str, dedupe.Profile]]:
    """Each stored story's URL and profile, read back as the writer reads candidates."""
    import sqlalchemy as sa

    from ingest.store import lsh
    from ingest.store.engine import open_store
    from ingest.store.schema import stories

    engine = open_store(url)
    try:
        with engine.connect() as conn:
            urls = dict(conn.execute(sa.select(stories.c.id, stories.c.url)).all())
            found = lsh.profiles(conn, list(urls), DedupeParams())
    finally:
        engine.dispose()
    return [(urls[p.story_id], p) for p in found]


def tuning_profiles(workdir: Path) -> list[tuple[str, dedupe.Profile]]:
    """The tuning outlets' stories after a real ingest, by their labelled story."""
    from ingest.urls import article_identity
    from tests.outlets_support import ingest_half, labels, served

    with served(TUNING) as server:
        ingest_half(TUNING, workdir, server.base)
        story_of = {article_identity(a.url): a.story for a in labels(TUNING, server.base)}
    found = stored_profiles(f"sqlite:///{workdir / 'store.db'}")
    return [(story_of[article_identity(u)], p) for u, p in found]


def fixture_profiles() -> list[tuple[str, dedupe.Profile]]:
    """The clusters corpus (``tests/fixtures/clusters``: hard negatives from one summit),
    profiled as ``bench/dedupe_quality.py`` stores it."""
    from dedupe_quality import load_corpus, story_of

    return [("clusters: " + a.event, _profile(i, story_of(a))) for i, a in enumerate(load_corpus())]


def events_profiles(half: str) -> list[tuple[str, dedupe.Profile]]:
    """A tuning half of the events battery (``tests/events_support.py``), each article
    through the real normalizer, profiled as the writer profiles a story it places."""
    from tests.events_support import HALVES, articles, normalized

    assert HALVES[half] == "tuning", f"events half {half} is held out"
    return [
        (f"events {half}: {a.event}", _profile(i, normalized(a)))
        for i, a in enumerate(articles(half))
    ]


def _profile(story_id: int, s: Story) -> dedupe.Profile:
    fp = dedupe.fingerprint(s.title, s.body_text, DedupeParams())
    return dedupe.profile_of(
        story_id, None, s.published, s.content_hash, s.mentions, fp.text_sig, fp.features
    )


def demo_profiles(workdir: Path) -> list[tuple[str, dedupe.Profile]]:
    """The demo web's stories after a real ingest, by their labelled event."""
    from dedupe_quality import demo_labels, ingest_demo

    url = f"sqlite:///{workdir / 'demo.db'}"
    ingest_demo(url, DedupeParams())
    labels = demo_labels()
    return [("demo: " + labels[urlsplit(u).path.rstrip("/")], p) for u, p in stored_profiles(url)]


def judged(a: dedupe.Profile, b: dedupe.Profile, params: DedupeParams) -> bool:
    """Would ``score_pair`` reach the event test with these two? (``dedupe.explain`` spells
    out its steps; a test holds the two to the same decisions.)"""
    checks, _ = dedupe.explain(a, b, params)
    return checks[-1].name == "event"


def pairs(found: list[tuple[str, dedupe.Profile]]) -> list[Pair]:
    params, out = DedupeParams(), []
    for i, (sa_, a) in enumerate(found):
        for sb, b in found[i + 1 :]:
            if not judged(a, b, params):
                continue
            f = dedupe.pair_features(a, b)
            if f["words"] < MIN_OVERLAP and f["names"] < MIN_OVERLAP:
                continue
            rule = dedupe.same_event(dedupe.event_evidence(a, b), params)
            out.append(Pair((sa_, sb), f, sa_ == sb, rule))
    return out


def fit(data: list[Pair]) -> pair_model.PairModel:
    """Logistic regression on standardized features, folded back to raw weights."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([[p.features[k] for k in pair_model.FEATURES] for p in data])
    mu, sd = x.mean(0), x.std(0) + 1e-9
    clf = LogisticRegression(C=C, max_iter=5000).fit((x - mu) / sd, [p.same for p in data])
    w = clf.coef_[0] / sd
    bias = float(clf.intercept_[0] - (clf.coef_[0] * mu / sd).sum())
    return pair_model.PairModel(
        round(bias, 4), {k: round(float(v), 4) for k, v in zip(pair_model.FEATURES, w, strict=True)}
    )


def prf(said: list[bool], data: list[Pair]) -> tuple[float, float, float]:
    tp = sum(s and p.same for s, p in zip(said, data, strict=True))
    fp = sum(s and not p.same for s, p in zip(said, data, strict=True))
    fn = sum(p.same and not s for s, p in zip(said, data, strict=True))
    return tp / max(1, tp + fp), tp / max(1, tp + fn), 2 * tp / max(1, 2 * tp + fp + fn)


def _row(name: str, scores: tuple[float, float, float]) -> None:
    print(f"{name:16}{scores[0]:>10.3f}{scores[1]:>8.3f}{scores[2]:>7.3f}")


def cross_validate(data: list[Pair]) -> None:
    names = sorted({s for p in data for s in p.stories})
    print(f"{'':16}{'precision':>10}{'recall':>8}{'F1':>7}")
    _row("rule", prf([p.rule for p in data], data))
    scores: dict[float, list[tuple[float, float, float]]] = {t: [] for t in PROBABILITIES}
    for seed in (1, 2, 3):
        rnd = random.Random(seed)
        fold = {s: rnd.randrange(4) for s in names}
        pfold = [min(fold[p.stories[0]], fold[p.stories[1]]) for p in data]
        prob = [0.0] * len(data)
        for k in range(4):
            m = fit([p for p, f in zip(data, pfold, strict=True) if f != k])
            for i, p in enumerate(data):
                if pfold[i] == k:
                    prob[i] = pair_model.probability(p.features, m)
        for t in PROBABILITIES:
            scores[t].append(prf([p.rule or q >= t for p, q in zip(data, prob, strict=True)], data))
    for t, runs in scores.items():
        mean = [sum(r[i] for r in runs) / len(runs) for i in range(3)]
        _row(f"or model {t}", (mean[0], mean[1], mean[2]))


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpora = [tuning_profiles(Path(tmp)), fixture_profiles(), demo_profiles(Path(tmp))]
        corpora += [events_profiles(half) for half in EVENT_HALVES]
    data = [p for found in corpora for p in pairs(found)]
    print(f"{len(data)} pairs judged on the event evidence, {sum(p.same for p in data)} one story")
    cross_validate(data)
    m = fit(data)
    doc = {
        "about": "ingest/pair_model.py; written by bench/train_pair_model.py",
        "trained_on": [
            "tests/fixtures/outlets/tuning",
            "tests/fixtures/clusters",
            "tests/fixtures/clusters_demo.json",
            *(f"tests/fixtures/events/{half}" for half in EVENT_HALVES),
        ],
        "bias": m.bias,
        "weights": dict(m.weights),
    }
    out = ROOT / "ingest" / "data" / "pair_model.json"
    out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"-> {out.relative_to(ROOT)}: bias {m.bias}, weights {dict(m.weights)}")


if __name__ == "__main__":
    main()
