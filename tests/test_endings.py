"""Regression floors on the real-world endings battery (``tests/endings_support.py``).

The tuning half's floors are where the rules stand after being tuned on it, so they prove
nothing about generalization; the held-out half's are where it stood when measured (it is
never read while rules change). Both only catch a change that makes things worse."""

from __future__ import annotations

import pytest

from tests.endings_support import (
    BLOCK_HALVES,
    HALVES,
    SECTION_HALVES,
    block_cases,
    blocks_cut,
    cases,
    leads_cut,
    run_case,
    score,
    section_cases,
    sections_score,
)

FLOORS = {
    "tuning": {
        "tail fully removed": 0.98,
        "story end kept": 0.98,
        "lead fully removed": 0.98,
        "story start kept": 0.98,
    },
    "held-out": {
        # 0.839 until the nineteenth session's calm sections (``tail._Reports.calm``) kept
        # one held-out appended section as the story's: 0.823, traded for the sections
        # battery's held-out half going from 0.611 / 0.725 to 0.756 / 0.833; 0.839 again
        # with the tail model retrained on blocks_g (twentieth session).
        "tail fully removed": 0.83,
        "story end kept": 0.91,
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


# The blocks battery (``tests.endings_support.blocks_cut``; d was written in the thirteenth
# session, by an author who saw neither the rules nor c; e and f in the sixteenth, by two
# who saw neither the rules nor b and d, and first measured 0.837 and 0.850 appended cut).
# Floors on what is cut after a story, ceilings on story endings cut.
BLOCK_FIGURES = {
    "a": (0.96, 0.02),
    # b: 0.853 / 0.053 until the twenty-third session's subscription prompts had to speak to
    # the reader ("The ministry's own newsletter to exporters ..." is a story's): 0.847 /
    # 0.020, decided on the tuning halves (story endings cut a 0.013 -> 0.007, f 0.011 ->
    # 0.000, nothing appended kept). The floor moved with it, the ceiling tightened.
    "b": (0.84, 0.03),
    "c": (0.92, 0.03),
    "d": (0.84, 0.03),
    "e": (0.95, 0.02),  # 0.932 -> 0.916 when the tail model learned the sections battery; 0.963
    "f": (0.94, 0.02),
    "g": (0.92, 0.02),  # written in the twentieth session; first measured 0.869 / 0.037
    # h: likewise, held out; first measured 0.875 / 0.019, 0.894 with the model retrained on
    # g, 0.887 when it learned i too (its own rule, kept: j 0.912 -> 0.906, b 0.847 -> 0.853).
    "h": (0.88, 0.01),
    "i": (0.97, 0.01),  # written later in the twentieth session; first measured 0.900 / 0.000
    "j": (0.90, 0.02),  # likewise, held out; first measured 0.894 / 0.013
}


@pytest.mark.parametrize("half", list(BLOCK_FIGURES))
def test_blocks_battery_floors(half: str) -> None:
    appended, story = blocks_cut(half)
    floor, ceiling = BLOCK_FIGURES[half]
    assert appended >= floor and story <= ceiling, (half, round(appended, 3), round(story, 3))


def test_the_blocks_battery_is_split_by_kind_of_site() -> None:
    families = [{c["family"] for c in block_cases(h)} for h in BLOCK_HALVES]
    assert all(len(f) >= 10 for f in families)
    assert sum(len(f) for f in families) == len(set().union(*families))  # no kind in two


# The lead battery (``tests.endings_support.leads_cut``; written in the sixteenth session
# by an author who saw no rules, first measured 0.794 of furniture cut and 0.025 of first
# paragraphs). b (held out) and c (tuning) were written in the twentieth session by two
# authors who saw no rules and not each other's half, first measured 0.775 / 0.008 (b) and
# 0.869 / 0.008 (c); 0.806 / 0 and 0.969 / 0 after the rules learned c.
LEAD_FIGURES = {"a": (0.92, 0.02), "b": (0.80, 0.01), "c": (0.96, 0.01)}


@pytest.mark.parametrize("half", list(LEAD_FIGURES))
def test_lead_battery_floors(half: str) -> None:
    furniture, story = leads_cut(half)
    floor, ceiling = LEAD_FIGURES[half]
    assert furniture >= floor and story <= ceiling, (half, round(furniture, 3), round(story, 3))


# The sections battery (``tests.endings_support.sections_score``; written in the seventeenth
# session by two authors who saw neither the rules nor each other's half, first measured,
# before any rule saw them: tail fully removed 0.478 (a) and 0.333 (b), story end kept 0.633
# and 0.542). Far from the outlets' figures: stories whose own ending looks like an appendix
# are where the tail rules fail most.
SECTION_FLOORS = {
    "a": {"tail fully removed": 0.82, "story end kept": 0.88},
    # 0.789 / 0.858 before the page's own voice (``tail._house_voice``), which cut two held-out
    # essays' endings and took the blocks battery's held-out b and d up 4 and 1.5 points.
    "b": {"tail fully removed": 0.77, "story end kept": 0.84},
    # Written in the twentieth session (80 stories, 8 kinds of site) by an author who saw no
    # rules; first measured 0.793 / 0.863; 0.828 / 0.900 with numbered lists and tables of
    # figures read as the story's own, 0.845 with a run of topic tags cut; 0.912 ends kept
    # with rows whose label is their figure; 0.862 / 0.925 with Q&A explainers after an
    # introduction.
    "c": {"tail fully removed": 0.86, "story end kept": 0.92},
}


@pytest.mark.parametrize("half", list(SECTION_FLOORS))
def test_sections_battery_floors(half: str) -> None:
    figures = sections_score(half)
    floors = SECTION_FLOORS[half]
    below = {k: round(figures[k], 3) for k, floor in floors.items() if figures[k] < floor}
    assert not below, f"sections_{half}: {below} below {floors}"


def test_the_sections_battery_is_split_by_kind_of_site() -> None:
    families = [{c["family"] for c in section_cases(h)} for h in SECTION_HALVES]
    assert all(len(f) >= 8 for f in families)
    assert sum(len(f) for f in families) == len(set().union(*families))  # no kind in two
