"""Train ``ingest/data/tail_model.json``, the tail rules' learned second opinion.

    .venv/bin/pip install -e '.[train]' && .venv/bin/python bench/train_tail_model.py

Blocks come from the tuning halves only: the story paragraphs (0) and appended material
(1) of ``tests/fixtures/outlets/tuning`` and of ``tests/fixtures/endings/half_a.json``. The
held-out halves (fresh, blind2, blind3, the endings battery's half_b) are never read.

Before the final fit it cross-validates by outlet (four folds, each outlet's blocks in one
fold): how many of the appended blocks the rules call prose the model flags (the only
blocks it may relabel), and how many story paragraphs (and story-ending ones) it flags wrongly. The
threshold written is the lowest that flags no more than 0.1 % of story-ending paragraphs
of outlets it was not trained on. scikit-learn is used here only, never at run time.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.tail import block_kind  # noqa: E402
from ingest.tail_model import Model, features, is_appended  # noqa: E402

TUNING = ROOT / "tests" / "fixtures" / "outlets" / "tuning"
ENDINGS = ROOT / "tests" / "fixtures" / "endings" / "half_a.json"
OUT = ROOT / "ingest" / "data" / "tail_model.json"
MAX_ENDING_FP = 0.001
THRESHOLDS = (0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)
MIN_OUTLETS = 3
C = 4.0  # inverse regularization; 1-16 scored alike in cross-validation


@dataclass(frozen=True, slots=True)
class Block:
    group: str  # the outlet or the battery's family: folds never split one
    text: str
    appended: bool
    ending: bool  # the story's own last paragraph: where a false cut would fall


def blocks() -> Iterator[Block]:
    for outlet in sorted(TUNING.iterdir()):
        labels = outlet / "labels.json"
        if not labels.is_file():
            continue
        for a in json.loads(labels.read_text(encoding="utf-8"))["articles"]:
            yield from _article(outlet.name, a["body"], a.get("junk_tail", []))
    for case in json.loads(ENDINGS.read_text(encoding="utf-8"))["cases"]:
        yield from _article("endings: " + case["family"], case["story"], case["tail"])


def _article(group: str, story: list[str], tail: list[str]) -> Iterator[Block]:
    for i, text in enumerate(story):
        yield Block(group, text, False, i == len(story) - 1)
    for text in tail:
        yield Block(group, text, True, False)


def fit(data: list[Block]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    shared = _shared_features(data)
    vec = DictVectorizer()
    x = vec.fit_transform([_kept(features(b.text), shared) for b in data])
    clf = LogisticRegression(C=C, max_iter=5000)
    clf.fit(x, [b.appended for b in data])
    return vec, clf


def _shared_features(data: list[Block]) -> frozenset[str]:
    """Features seen in MIN_OUTLETS outlets or more: one outlet's own wording teaches
    nothing about the next outlet, and would only fatten the file."""
    seen: dict[str, set[str]] = {}
    for b in data:
        for name in features(b.text):
            seen.setdefault(name, set()).add(b.group)
    return frozenset(n for n, g in seen.items() if len(g) >= MIN_OUTLETS)


def _kept(feats: dict[str, float], shared: frozenset[str]) -> dict[str, float]:
    return {k: v for k, v in feats.items() if k in shared}


def to_model(vec, clf, threshold: float) -> Model:  # type: ignore[no-untyped-def]
    """The runtime model: every word (so it knows what it has seen), and the word pairs
    and marks whose weight counts."""
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 0.05 or (" " not in name and name[0] != "#")
    }
    return Model(round(float(clf.intercept_[0]), 4), weights, threshold)


def cross_validate(data: list[Block]) -> list[tuple[Model, list[int]]]:
    """Four models, each with the blocks of the outlets it was not trained on."""
    groups = sorted({b.group for b in data})
    random.Random(0).shuffle(groups)
    fold = {g: i % 4 for i, g in enumerate(groups)}
    out = []
    for k in range(4):
        vec, clf = fit([b for b in data if fold[b.group] != k])
        out.append((to_model(vec, clf, 0.5), [i for i, b in enumerate(data) if fold[b.group] == k]))
    return out


def report(data: list[Block], folds: list[tuple[Model, list[int]]]) -> float:
    prose = [block_kind(b.text) == "story" for b in data]  # all the model may relabel
    chosen = THRESHOLDS[-1]
    print("threshold  prose appended flagged  story flagged  story endings flagged")
    for t in THRESHOLDS:
        hit = [False] * len(data)
        for m, test in folds:
            for i in test:
                hit[i] = is_appended(data[i].text, dataclasses.replace(m, threshold=t))
        appended = _share(hit, [b.appended and p for b, p in zip(data, prose, strict=True)])
        story = _share(hit, [not b.appended for b in data])
        endings = _share(hit, [b.ending for b in data])
        print(f"{t:9.2f}  {appended:23.3f}  {story:13.4f}  {endings:21.4f}")
        if endings <= MAX_ENDING_FP and t < chosen:
            chosen = t
    return chosen


def _share(hit: list[bool], among: list[bool]) -> float:
    n = sum(among)
    return sum(h for h, a in zip(hit, among, strict=True) if a) / n if n else 0.0


def main() -> None:
    data = list(blocks())
    print(f"{len(data)} blocks, {sum(b.appended for b in data)} appended, "
          f"{len({b.group for b in data})} outlets and families")  # fmt: skip
    threshold = report(data, cross_validate(data))
    m = to_model(*fit(data), threshold)
    doc = {
        "about": "ingest/tail_model.py; written by bench/train_tail_model.py",
        "trained_on": ["tests/fixtures/outlets/tuning", "tests/fixtures/endings/half_a.json"],
        "threshold": threshold,
        "bias": m.bias,
        "weights": dict(sorted(m.weights.items())),
    }
    OUT.write_text(json.dumps(doc, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"threshold {threshold}, {len(m.weights)} weights -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
