"""Clustering on the events battery (``tests/fixtures/events``), tuning and held-out halves.

    .venv/bin/python bench/events.py [--details] [--params KEY=VALUE ...]

Each half's articles go through the real normalizer, then ``assign_cluster`` in order of
publication (``tests/events_support.py``). Reports pair precision and recall per half and
for each side (tuning, held out), and the stories the clusters make against the true
events. ``--details`` lists the tuning halves' false merges and misses; the held-out halves
are reported as figures only. ``--params`` measures other ``[dedupe]`` values.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dedupe_quality import Quality, report  # noqa: E402
from ingest.dedupe_params import DedupeParams  # noqa: E402
from tests.events_support import HALVES, measure  # noqa: E402
from tests.events_support import ROOT as EVENTS  # noqa: E402


def _params(pairs: list[str]) -> DedupeParams:
    kinds = {f.name: f.type for f in dataclasses.fields(DedupeParams)}  # "int", "float", ...
    values: dict[str, object] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        kind = kinds.get(key)
        if kind is None:
            raise SystemExit(f"--params: no [dedupe] key {key!r}")
        values[key] = (
            raw.lower() == "true" if kind == "bool" else int(raw) if kind == "int" else float(raw)
        )
    return DedupeParams(**values)  # type: ignore[arg-type]


def _pooled(results: list[Quality]) -> tuple[float, float]:
    """Pair precision and recall over the halves together (pairs never cross halves)."""
    joined = sum(q.joined for q in results)
    wrong = sum(len(q.false_merges) for q in results)
    missed = sum(len(q.misses) for q in results)
    return (
        joined / (joined + wrong) if joined + wrong else 1.0,
        joined / (joined + missed) if joined + missed else 1.0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list tuning-half errors")
    parser.add_argument("--params", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    params = _params(args.params)
    present = [h for h in HALVES if (EVENTS / h).is_dir()]
    by_side: dict[str, list[Quality]] = {}
    for half in present:
        q = measure(half, params)
        by_side.setdefault(HALVES[half], []).append(q)
        print(
            f"half {half} ({HALVES[half]}): pair precision {q.precision:.3f}  recall "
            f"{q.recall:.3f}  clusters {q.clusters} for {q.events} events"
        )
        if args.details and HALVES[half] == "tuning":
            print("\n".join("    " + line for line in report(half, q)[1:]))
    for side, results in by_side.items():
        p, r = _pooled(results)
        print(f"{side}: pair precision {p:.3f}  recall {r:.3f}")


if __name__ == "__main__":
    main()
