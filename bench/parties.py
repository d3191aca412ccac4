"""The parties battery: the states that are parties to a story, the countries and blocs it
names, and whether it is diplomacy, on short stories from outlets the rules never saw.

    .venv/bin/python bench/parties.py [--details] [--half a|b|c|d|e|f|g]

``tests/fixtures/parties`` holds labelled stories written from knowledge of real news by
authors who saw neither the rules nor the other halves: ``half_a`` (160; Europe, the
Americas, East Asia, the Middle East and North Africa) may be tuned on, ``half_b`` (160;
Africa south of the Sahara, South and Southeast Asia, Central Asia and the Caucasus,
Oceania) is held out, ``half_c`` (200, written in the sixteenth session from 20 outlets of
every region, b's included) may be tuned on; ``half_d`` (200, tuning) and ``half_e`` (200,
held out) were written in the twentieth session from 20 outlets each of regions the others
cover least; ``half_f`` (120, tuning) and ``half_g`` (120, held out), written in the
twenty-second session from 12 outlets each, hold longer stories (300 to 600 words) with
reacting, mediating, aid-giving and background states. The halves are printed side by side;
``--details`` lists half a's misses only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.parties_support import HALVES, score  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="half a's misses")
    parser.add_argument("--half", choices=list(HALVES), help="only this half")
    args = parser.parse_args()
    table = {}
    for half in [args.half] if args.half else HALVES:
        table[half], outcomes = score(half)
        if args.details and half == "a":
            for o in outcomes:
                notes = []
                if o.got["parties"] != o.truth["parties"]:
                    extra = sorted(o.got["parties"] - o.truth["parties"])
                    missed = sorted(o.truth["parties"] - o.got["parties"])
                    notes.append(f"parties +{extra} -{missed}")
                if o.diplomacy[0] != o.diplomacy[1]:
                    notes.append(f"diplomacy {o.diplomacy[1]} != {o.diplomacy[0]}")
                if notes:
                    print(f"[{o.family[:30]}] {o.title[:70]}\n    " + "; ".join(notes))
    print(f"{'':24}" + "".join(f"{'half ' + h:>10}" for h in table))
    for key in next(iter(table.values())):
        row = [table[h][key] for h in table]
        cells = "".join(f"{v:>10}" if isinstance(v, int) else f"{v:>10.3f}" for v in row)
        print(f"{key:24}{cells}")


if __name__ == "__main__":
    main()
