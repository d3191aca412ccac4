"""Regression floors on the events battery (``tests/events_support.py``): pair precision and
recall of the clusters each half's articles end in, after the real normalizer.

Halves a to d were written in the twenty-first session by four authors who saw neither the
rules nor each other's halves; e and f in the twenty-third, by two more. The held-out
halves' floors are where they stood when first measured (never read while rules change);
the tuning halves' are where the rules stand.
Both only catch a change that makes things worse."""

from __future__ import annotations

import pytest

from tests.events_support import HALVES, ROOT, articles, measure

# (pair precision, pair recall). First measured, before any rule saw the battery: a
# 0.860 / 0.624, c 0.892 / 0.529, b 0.770 / 0.670, d 0.747 / 0.658. The pair model
# retrained with a and c and one more feature (figures shared; twenty-first session) moved
# the held-out halves to b 0.754 / 0.675 and d 0.789 / 0.777 (b's precision down, kept as
# the procedure's result: decided on a, c and the tuning outlets). Headlines whose subjects
# name different parties kept apart (``ingest.headline``; twenty-second session): a 0.886 /
# 0.629 -> 0.925 / 0.629, c 0.913 / 0.620 -> 0.974 / 0.610; held out, b -> 0.807 / 0.670,
# d -> 0.835 / 0.777. Halves e (tuning; South, Southeast and East Asia and Oceania) and f
# (held out; Latin America, Central Asia, the Caucasus, Eastern Europe) were written in the
# twenty-third session by two more authors, and first measured at e 0.927 / 0.823 and
# f 0.894 / 0.774. Opposite measures of any kind as two events (``ingest.acts``): e ->
# 0.947 / 0.828. Twenty-fourth session: headlines in different towns kept apart (d ->
# 0.859 / 0.782), then a name both headlines give (``dedupe.headline_names``) lowering the
# event bar to ``bridge_share``: a -> 0.926 / 0.701, c -> 0.975 / 0.626, e -> 0.922 / 0.823
# (a hard negative that names the same people, the Rohingya, joined: kept, as a and c gained
# more), held out b -> 0.808 / 0.675, d -> 0.861 / 0.797.
FLOORS = {
    "a": (0.926, 0.701),
    "c": (0.975, 0.626),
    "e": (0.922, 0.823),
    "b": (0.807, 0.670),
    "d": (0.835, 0.777),
    "f": (0.894, 0.774),
}


@pytest.mark.parametrize("half", list(HALVES))
def test_events_battery_floors(half: str) -> None:
    q = measure(half)
    floor_p, floor_r = FLOORS[half]
    assert round(q.precision, 3) >= floor_p, f"{half}: precision {q.precision:.3f} below {floor_p}"
    assert round(q.recall, 3) >= floor_r, f"{half}: recall {q.recall:.3f} below {floor_r}"


def test_halves_are_split_by_outlet() -> None:
    # Two authors each invented an aggregator named "BuzzGlobe Now" (c, tuning; d, held
    # out): one name, two different outlets' copy.
    outlets = {h: {a.outlet for a in articles(h)} for h in HALVES}
    for h, mine in outlets.items():
        others = set().union(*(o for k, o in outlets.items() if k != h))
        assert mine and not mine & others - {"BuzzGlobe Now"}, h


def test_every_half_has_events_and_hard_negatives() -> None:
    for h in HALVES:
        arts = articles(h)
        assert len({a.event for a in arts}) >= 30, h
        assert sum(a.role == "hard-negative" for a in arts) >= 12, h
        assert (ROOT / h).is_dir()
