"""Train the learned second opinions (``ingest/learned.py``): ``ingest/data/<name>_model.json``.

    .venv/bin/pip install -e '.[train]' && .venv/bin/python bench/train_models.py [tail|diplomacy]

Examples come from the tuning halves only; the held-out halves (blind3, blind4, blind5, the
endings battery's half_b) are never read.

* ``tail`` (``ingest.tail_model``): blocks of ``tests/fixtures/outlets/tuning``, of
  ``tests/fixtures/endings/half_a.json``, of ``sections_a.json`` and of
  ``blocks_{a,c,e,f,g,i}.json`` (all under ``tests/fixtures/endings/``),
  story paragraphs (0) against appended material (1). It also prints what the final model
  flags in ``blocks_{b,d,h,j}.json``, the blocks battery's held-out kinds of
  site.
  The threshold is the lowest at which, in cross-validation, no more than 0.1 % of
  story-ending paragraphs of outlets a model was not trained on are flagged.
* ``diplomacy`` (``ingest.diplomacy_model``): the tuning outlets' articles and the parties
  battery's tuning halves (``tests/fixtures/parties/half_{a,c,d}.json``), headline and
  opening, against their diplomacy label. The threshold is the lowest at which, in
  cross-validation, what the model calls diplomacy is so at least 99.5 % of the time.

Cross-validation is by outlet (four folds, each outlet in one fold), through the run-time
decision (``learned.sure``). scikit-learn is used here only, never at run time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import diplomacy_model, learned, tail_model  # noqa: E402
from ingest.tail import block_kind  # noqa: E402

TUNING = ROOT / "tests" / "fixtures" / "outlets" / "tuning"
ENDINGS = ROOT / "tests" / "fixtures" / "endings" / "half_a.json"
SECTIONS = ROOT / "tests" / "fixtures" / "endings" / "sections_a.json"
BLOCKS = ROOT / "tests" / "fixtures" / "endings"
BLOCKS_TUNING = tuple(BLOCKS / f"blocks_{h}.json" for h in "acefgi")
PARTIES_TUNING = tuple(ROOT / "tests" / "fixtures" / "parties" / f"half_{h}.json" for h in "acd")
BLOCKS_HELD_OUT = tuple(BLOCKS / f"blocks_{h}.json" for h in "bdhj")
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)
MIN_OUTLETS = 3
C = 4.0  # inverse regularization; 1-16 scored alike in cross-validation


@dataclass(frozen=True, slots=True)
class Example:
    group: str  # the outlet or the battery's family: folds never split one
    features: dict[str, float]
    label: bool
    decide: Callable[[learned.Model], bool]  # the run-time decision with a given model
    note: str = ""  # "ending": a story's last paragraph; "prose": the tail rules call it prose


def tail_examples() -> Iterator[Example]:
    def block(group: str, text: str, label: bool, note: str = "") -> Example:
        note = note or ("prose" if label and block_kind(text) == "story" else "")
        return Example(group, tail_model.features(text), label,
                       lambda m: tail_model.is_appended(text, m), note)  # fmt: skip

    for outlet, a in _articles():
        story = a["body"]
        for i, text in enumerate(story):
            yield block(outlet, text, False, "ending" if i == len(story) - 1 else "")
        yield from (block(outlet, t, True) for t in a.get("junk_tail", []))
    endings = json.loads(ENDINGS.read_text(encoding="utf-8"))["cases"]
    sections = json.loads(SECTIONS.read_text(encoding="utf-8"))["cases"]
    for case in [*endings, *sections]:
        family = "endings: " + case["family"]
        for i, text in enumerate(case["story"]):
            yield block(family, text, False, "ending" if i == len(case["story"]) - 1 else "")
        yield from (block(family, t, True) for t in case["tail"])
    for case in (c for path in BLOCKS_TUNING for c in _blocks(path)):
        appended = case["label"] == "appended"
        yield block(
            "blocks: " + case["family"], case["text"], appended, "" if appended else "ending"
        )


def _blocks(path: Path) -> list[dict[str, str]]:
    cases: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


def blocks_held_out(m: learned.Model) -> None:
    """The battery's held-out families, never trained on: what the final model flags."""
    for path in BLOCKS_HELD_OUT:
        cases = _blocks(path)
        hit = [tail_model.is_appended(c["text"], m) for c in cases]
        appended = _share(hit, [c["label"] == "appended" for c in cases])
        story = _share(hit, [c["label"] == "story" for c in cases])
        print(f"{path.name}, held-out families: {appended:.3f} of appended prose flagged, "
              f"{story:.3f} of story endings")  # fmt: skip


def diplomacy_examples() -> Iterator[Example]:
    stories = [(outlet, a) for outlet, a in _articles()]
    for path in PARTIES_TUNING:
        cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
        stories += [("parties: " + c["family"], c) for c in cases]
    for group, a in stories:
        title, text = a["title"], "\n\n".join(a["body"])
        yield Example(group, diplomacy_model.features(title, text), bool(a["diplomacy"]),
                      lambda m, t=title, b=text: diplomacy_model.is_diplomacy(t, b, m))  # fmt: skip


def _articles() -> Iterator[tuple[str, dict[str, Any]]]:
    for outlet in sorted(TUNING.iterdir()):
        labels = outlet / "labels.json"
        if labels.is_file():
            for a in json.loads(labels.read_text(encoding="utf-8"))["articles"]:
                yield outlet.name, a


def fit(data: list[Example], threshold: float = 0.5) -> learned.Model:
    """A model over the features seen in MIN_OUTLETS outlets or more (one outlet's own
    wording teaches nothing about the next), keeping every word (so it knows what it has
    seen) and the pairs and marks whose weight counts."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen: dict[str, set[str]] = {}
    for e in data:
        for name in e.features:
            seen.setdefault(name, set()).add(e.group)
    shared = {n for n, g in seen.items() if len(g) >= MIN_OUTLETS}
    vec = DictVectorizer()
    x = vec.fit_transform([{k: v for k, v in e.features.items() if k in shared} for e in data])
    clf = LogisticRegression(C=C, max_iter=5000).fit(x, [e.label for e in data])
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 0.05 or (" " not in name and not name.startswith(("#", "t:")))
    }
    return learned.Model(
        round(float(clf.intercept_[0]), 4), dict(sorted(weights.items())), threshold
    )


def cross_validate(data: list[Example]) -> dict[float, list[bool]]:
    """Per threshold, the run-time decision on each example by a model that was not
    trained on its outlet."""
    groups = sorted({e.group for e in data})
    random.Random(0).shuffle(groups)
    fold = {g: i % 4 for i, g in enumerate(groups)}
    said = {t: [False] * len(data) for t in THRESHOLDS}
    for k in range(4):
        m = fit([e for e in data if fold[e.group] != k])
        for i, e in enumerate(data):
            if fold[e.group] == k:
                for t in THRESHOLDS:
                    said[t][i] = e.decide(dataclasses.replace(m, threshold=t))
    return said


def _share(hit: list[bool], among: list[bool]) -> float:
    n = sum(among)
    return sum(h for h, a in zip(hit, among, strict=True) if a) / n if n else 0.0


def tail_threshold(data: list[Example], said: dict[float, list[bool]]) -> float:
    print("threshold  prose appended flagged  story flagged  story endings flagged")
    chosen = THRESHOLDS[-1]
    for t in reversed(THRESHOLDS):
        hit = said[t]
        appended = _share(hit, [e.note == "prose" for e in data])
        story = _share(hit, [not e.label for e in data])
        endings = _share(hit, [e.note == "ending" for e in data])
        print(f"{t:9.2f}  {appended:23.3f}  {story:13.4f}  {endings:21.4f}")
        if endings <= 0.001:
            chosen = t
        else:
            break
    return chosen


def diplomacy_threshold(data: list[Example], said: dict[float, list[bool]]) -> float:
    print("threshold  precision  recall")
    chosen = THRESHOLDS[-1]
    for t in reversed(THRESHOLDS):
        hit = said[t]
        precision = _share([e.label for e in data], hit)
        recall = _share(hit, [e.label for e in data])
        print(f"{t:9.2f}  {precision:9.3f}  {recall:6.3f}")
        if precision >= 0.995:
            chosen = t
        else:
            break
    return chosen


TASKS = {
    "tail": (tail_examples, tail_threshold,
             ["tests/fixtures/outlets/tuning", "tests/fixtures/endings/half_a.json",
              "tests/fixtures/endings/sections_a.json",
              *(f"tests/fixtures/endings/blocks_{h}.json" for h in "acefgi")]),
    "diplomacy": (diplomacy_examples, diplomacy_threshold,
                  ["tests/fixtures/outlets/tuning", "tests/fixtures/parties/half_a.json",
                   "tests/fixtures/parties/half_c.json", "tests/fixtures/parties/half_d.json"]),
}  # fmt: skip


def train(name: str) -> None:
    examples, choose, sources = TASKS[name]
    data = list(examples())
    print(f"{name}: {len(data)} examples, {sum(e.label for e in data)} positive, "
          f"{len({e.group for e in data})} outlets and families")  # fmt: skip
    threshold = choose(data, cross_validate(data))
    m = fit(data, threshold)
    if name == "tail":
        blocks_held_out(m)
    doc = {
        "about": f"ingest/learned.py; written by bench/train_models.py {name}",
        "trained_on": sources,
        "threshold": threshold,
        "bias": m.bias,
        "weights": m.weights,
    }
    out = ROOT / "ingest" / "data" / f"{name}_model.json"
    out.write_text(json.dumps(doc, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"threshold {threshold}, {len(m.weights)} weights -> {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help=f"of {', '.join(TASKS)} (default: all)")
    names = parser.parse_args().names or list(TASKS)
    if unknown := set(names) - set(TASKS):
        parser.error(f"no model named {', '.join(sorted(unknown))}")
    for name in names:
        train(name)


if __name__ == "__main__":
    main()
