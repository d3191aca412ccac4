"""Regression floors on the real-world endings battery (``tests/endings_support.py``).

The tuning half's floors are where the rules stand after being tuned on it, so they prove
nothing about generalization; the held-out half's are where it stood when measured (it is
never read while rules change). Both only catch a change that makes things worse."""

from __future__ import annotations

import pytest

from tests.endings_support import HALVES, cases, run_case, score

FLOORS = {
    "tuning": {
        "tail fully removed": 0.98,
        "story end kept": 0.98,
        "lead fully removed": 0.98,
        "story start kept": 0.98,
    },
    "held-out": {
        "tail fully removed": 0.80,
        "story end kept": 0.90,
        "lead fully removed": 0.94,
        "story start kept": 0.95,
    },
}


@pytest.mark.parametrize("half", list(HALVES))
def test_endings_battery_floors(half: str) -> None:
    figures = score([run_case(c) for c in cases(half)])
    below = {k: round(figures[k], 3) for k, floor in FLOORS[half].items() if figures[k] < floor}
    assert not below, f"{half}: {below} below {FLOORS[half]}"


def test_both_halves_are_split_by_outlet_family() -> None:
    families = [{c["family"] for c in cases(half)} for half in HALVES]
    assert families[0] and families[1] and not families[0] & families[1]
