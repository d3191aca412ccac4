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


# Headlines written for these tests (not from any corpus): the ways a measure is told.
@pytest.mark.parametrize(
    ("title", "acts"),
    [
        ("Oslo declares Russian attaché persona non grata", {"expel:NO>RU"}),
        ("Kenya gives Somali envoy 48 hours to leave", {"expel:KE>SO"}),
        ("Ghana kicks out two Nigerian diplomats", {"expel:GH>NG"}),
        ("Nigerian diplomats expelled by Ghana over visa row", {"expel:GH>NG"}),
        ("Two Algerian officials ordered to leave France", {"expel:FR>DZ"}),
        ("Chile recalls ambassador from Argentina", {"recall:CL>AR"}),
        ("Argentina recalls its envoy to Chile in protest", {"recall:AR>CL"}),
        ("China hits Canada with tariffs on canola", {"tariff:CN>CA"}),
        ("Canada hit with Chinese tariffs on canola", {"tariff:CN>CA"}),
        ("India imposes retaliatory duties on US almonds", {"tariff:IN>US"}),
        ("Britain blacklists Iranian shipping firms", {"sanction:GB>IR"}),
        ("Iranian shipping firms sanctioned by Britain", {"sanction:GB>IR"}),
        ("Uganda bars Kenyan sugar imports", {"ban:UG>KE"}),
        ("Kenyan eggs barred from Uganda", {"ban:UG>KE"}),
        ("Serbia closes Croatian consulate in Novi Sad", {"close:RS>HR"}),
        # Undoing a measure is not taking one; a pair of states has no direction.
        ("Canada to drop most retaliatory tariffs on U.S. goods", set()),
        ("EU lifts sanctions on Syrian banks", set()),
        ("Israel slaps East Jerusalem sanctions on Jordanian clerics", {"sanction:IL>JO"}),
        ("Oman trade pact in force; duties cut on Indian exports", set()),
        ("Leaders sign deal to end Colombia–Ecuador tariff war", set()),
        # A bare name before the measure is its object as often as its actor.
        ("Japan widens Russia sanctions to Chinese suppliers", {"sanction:JP>CN"}),
        ("Beijing's expulsion of Lithuanian envoy", {"expel:CN>LT"}),
        # The EU takes and answers measures as a state does.
        ("EU adds five Belarusian officials to its sanctions list", {"sanction:EU>BY"}),
        ("Peru hits back at EU with tariffs on dairy", {"tariff:PE>EU"}),
        ("Minsk answers EU listings with sanctions on European lawmakers", {"sanction:BY>EU"}),
        # Passive with the place they must leave; deadlines; departures.
        ("Two Chilean diplomats ordered out of Lima", {"expel:PE>CL"}),
        ("Senegal gives Gambian envoy 72 hours", {"expel:SN>GM"}),
        ("Mali orders departure of Algerian ambassador", {"expel:ML>DZ"}),
        ("Togo orders out Burkina consul", {"expel:TG>BF"}),
        # A state named in the measure's reason is not its target.
        ("Norway sanctions shipping firms over oil sales to Russia", set()),
        ("Canada sanctions Iranian officials over drones for Russia", {"sanction:CA>IR"}),
    ],
)
def test_the_ways_a_measure_is_told(title: str, acts: set[str]) -> None:
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
    # A measure of another kind answers too (tariffs after an expulsion, a ban on the goods
    # of a state that closed its border); a summons is no measure.
    assert answers(first, directed_acts("Morocco slaps tariffs on Portuguese wine"))
    closed = directed_acts("Thailand closes Cambodia border crossings after landmine blast")
    assert closed == {"close:TH>KH"}
    assert answers(closed, directed_acts("Cambodia bans Thai fuel and fruit imports"))
    assert not answers(first, directed_acts("Morocco summons Portuguese ambassador"))
    # A round-up naming both acts shares one with each report.
    both = first | answer
    assert not answers(both, answer) and not answers(first, both)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kenya expels Somali envoy", "Somali envoy expelled by Kenya"),
        ("Kenya expels Somali envoy", "Somalia condemns Kenya's expulsion of its envoy"),
        ("Kenya expels Somali envoy", "Somalia vows to respond after Kenya expels envoy"),
        ("Kenya expels Somali envoy", "Kenya, Somalia trade expulsions"),
        ("Kenya expels Somali envoy", "After Kenya expelled Somalis, Mogadishu expels Kenyan"),
    ],
)
def test_reports_of_one_act_never_answer_each_other(one: str, other: str) -> None:
    # Headlines written for this test: the same expulsion told another way, a reaction to
    # it, or a round-up naming both acts.
    assert not answers(directed_acts(one), directed_acts(other))
    assert answers(directed_acts(one), directed_acts("Somalia retaliates, expels Kenyan envoy"))
