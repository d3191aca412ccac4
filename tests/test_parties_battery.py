"""Regression floors on the parties battery (``tests/parties_support.py``).

Half a's and c's floors are where the rules stand after being tuned on them; half b's are
where it stood when measured (it is never read while rules change). Both only catch a change that
makes things worse."""

from __future__ import annotations

import pytest

from tests.parties_support import HALVES, cases, score

FLOORS = {
    "a": {"parties F1": 0.93, "diplomacy P": 0.96, "diplomacy R": 0.98, "mentions F1": 0.98},
    "b": {"parties F1": 0.94, "diplomacy P": 0.99, "diplomacy R": 0.95, "mentions F1": 0.99},
    # Written in the sixteenth session by an author who saw no rules; first measured
    # parties F1 0.923, diplomacy 0.991 / 0.925, mentions F1 0.969. Tuning since.
    "c": {"parties F1": 0.92, "diplomacy P": 0.98, "diplomacy R": 0.97, "mentions F1": 0.96},
    # d (tuning) and e (held out) were written in the twentieth session by two authors who
    # saw no rules and not each other's half; first measured parties F1 0.949 / 0.918,
    # diplomacy 0.971 / 0.981 and 0.972 / 0.972, mentions F1 0.994 / 0.967.
    "d": {"parties F1": 0.96, "diplomacy P": 0.96, "diplomacy R": 0.98, "mentions F1": 0.99},
    "e": {"parties F1": 0.92, "diplomacy P": 0.96, "diplomacy R": 0.96, "mentions F1": 0.97},
    # f (tuning) and g (held out): longer stories with reacting, mediating, aid-giving and
    # background states, written in the twenty-second session by two authors who saw no
    # rules and not each other's half, after the session's rules were decided; first
    # measured parties F1 0.889 / 0.880, diplomacy 0.941 / 1.000 and 0.851 / 1.000,
    # mentions F1 0.992 / 0.991.
    "f": {"parties F1": 0.88, "diplomacy P": 0.93, "diplomacy R": 0.99, "mentions F1": 0.98},
    "g": {"parties F1": 0.87, "diplomacy P": 0.84, "diplomacy R": 0.99, "mentions F1": 0.98},
}


@pytest.mark.parametrize("half", list(HALVES))
def test_parties_battery_floors(half: str) -> None:
    figures, _ = score(half)
    below = {k: round(figures[k], 3) for k, floor in FLOORS[half].items() if figures[k] < floor}
    assert not below, f"half {half}: {below} below {FLOORS[half]}"


# Both authors of f and g invented an aggregator named "NewsPulse Digest": one name, two
# outlets' stories.
SHARED_NAMES = {"NewsPulse Digest (aggregator rewrite)"}


def test_the_halves_share_no_outlet() -> None:
    families = [{c["family"] for c in cases(half)} - SHARED_NAMES for half in HALVES]
    assert all(len(f) >= 11 for f in families)
    assert sum(len(f) for f in families) == len(set().union(*families))  # none in two
