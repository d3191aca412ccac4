"""Directed acts in headlines (``ingest.acts``): who does what to whom, and answers in kind."""

from __future__ import annotations

import pytest

from ingest.acts import answers, directed_acts


@pytest.mark.parametrize(
    ("title", "acts"),
    [
        ("Lisbon expels two Moroccan diplomats over spying claims", {"expel:PT>MA"}),
        ("Morocco retaliates by expelling Portuguese envoys", {"expel:MA>PT"}),
        # The nearest state before the act that is not its target.
        ("Rabat answers Lisbon with expulsion of Portuguese attaché", {"expel:MA>PT"}),
        ("Peru orders Bolivian consul out over border remarks", {"expel:PE>BO"}),
        ("Brazil slaps tariffs on Argentine wheat", {"tariff:BR>AR"}),
        ("Norway sanctions Iranian drone makers", {"sanction:NO>IR"}),
        ("Egypt bans imports of Sudanese livestock", {"ban:EG>SD"}),
        ("Egypt bans livestock imports", set()),  # no state after the act
        # The noun "ban" is as often the other side's: not read.
        ("Manila raises the durian ban with Beijing", set()),
        ("Portugal and Morocco hold talks in Rabat", set()),
        ("Expulsions rattle diplomats", set()),
    ],
)
def test_directed_acts_read_from_the_headline(title: str, acts: set[str]) -> None:
    assert directed_acts(title) == acts


def test_a_title_case_headline_reads_the_states_its_story_names() -> None:
    # Every word is capitalised, so "Expels" before "Togo" is no first name: the story's
    # text, which names Togo, settles it.
    title = "Ghana Expels Togo Diplomat, Gives 48 Hours To Leave"
    body = "Ghana has expelled a diplomat from Togo's embassy in Accra."
    assert directed_acts(title, body) == {"expel:GH>TG"}
    assert directed_acts(title) == set()


def test_an_act_answered_in_kind_is_another_event() -> None:
    first = directed_acts("Lisbon expels two Moroccan diplomats over spying claims")
    answer = directed_acts("Morocco retaliates by expelling Portuguese envoys")
    assert answers(first, answer) and answers(answer, first)
    # The same act told twice, or a headline without one, answers nothing.
    assert not answers(first, directed_acts("Portugal expels Moroccan diplomats"))
    assert not answers(first, frozenset())
    # Another kind of act is not an answer in kind (a summons, tariffs after an expulsion).
    assert not answers(first, directed_acts("Morocco slaps tariffs on Portuguese wine"))
    # A round-up naming both acts shares one with each report.
    both = first | answer
    assert not answers(both, answer) and not answers(first, both)
