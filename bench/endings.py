"""The real-world endings battery: does the normalizer cut what real outlets put before
and after a story, and keep the story?

    .venv/bin/python bench/endings.py [--details]

``tests/fixtures/endings`` holds cases written from knowledge of real outlets' pages and
feeds (wire services, newspapers, CMS templates and plugins, newsletters, content farms,
press-release wires), split by outlet family: ``half_a`` may be tuned on, ``half_b`` is
held out. Both halves are printed side by side; ``--details`` lists the tuning half's
misses only. Then the blocks battery (``blocks_{a,...,j}.json``, single paragraphs from
the end of pages of 171 kinds of site): a, c, e, f, g and i tune, b, d, h and j are held
out; the lead battery (``leads_{a,b,c}.json``, single blocks from the top of pages): a and
c tune, b is held out; and the sections battery (``sections_{a,b,c}.json``, stories whose
own ending looks like an appendix): a and c tune, b is held out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.endings_support import (  # noqa: E402
    BLOCK_HALVES,
    HALVES,
    LEAD_HALVES,
    SECTION_HALVES,
    blocks_cut,
    cases,
    leads_cut,
    run_case,
    score,
    sections_score,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="the tuning half's misses")
    parser.add_argument("--half", choices=list(HALVES), help="only this half")
    args = parser.parse_args()
    table = {}
    for half in [args.half] if args.half else HALVES:
        outcomes = [run_case(c) for c in cases(half)]
        table[half] = score(outcomes)
        if args.details and half == "tuning":
            for o in outcomes:
                if (o.has_tail and not o.tail_gone) or not o.end_kept:
                    print(f"END   [{o.family}] {o.title[:50]}\n      last: {o.last!r}")
                if not o.start_kept:
                    print(f"START [{o.family}] {o.title[:50]}\n      first: {o.first!r}")
    print(f"{'':28}" + "".join(f"{h:>12}" for h in table))
    for key in next(iter(table.values())):
        row = [table[h][key] for h in table]
        cells = "".join(f"{v:>12}" if isinstance(v, int) else f"{v:>12.3f}" for v in row)
        print(f"{key:28}{cells}")
    print("\nblocks battery: one paragraph after a story's two")
    print(f"{'':28}{'appended cut':>14}{'story cut':>12}")
    for half, role in BLOCK_HALVES.items():
        appended, story = blocks_cut(half)
        print(f"{'blocks_' + half + ' (' + role + ')':28}{appended:>14.3f}{story:>12.3f}")
    print("\nlead battery: one block before a story's first paragraph, or that paragraph")
    print(f"{'':28}{'furniture cut':>14}{'story cut':>12}")
    for half, role in LEAD_HALVES.items():
        furniture, story = leads_cut(half)
        print(f"{'leads_' + half + ' (' + role + ')':28}{furniture:>14.3f}{story:>12.3f}")
    print("\nsections battery: stories whose own ending looks like an appendix")
    sections = {f"{h} ({role})": sections_score(h) for h, role in SECTION_HALVES.items()}
    print(f"{'':28}" + "".join(f"{h:>16}" for h in sections))
    for key in next(iter(sections.values())):
        row = [sections[h][key] for h in sections]
        cells = "".join(f"{v:>16}" if isinstance(v, int) else f"{v:>16.3f}" for v in row)
        print(f"{key:28}{cells}")


if __name__ == "__main__":
    main()
