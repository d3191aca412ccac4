"""Whom a headline is about (``ingest.headline``), and how clustering uses it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ingest import dedupe, headline
from ingest.dedupe_params import DedupeParams


def test_the_subject_names_parties_outright_and_the_rest_is_alluded_to() -> None:
    outright, alluded = headline.named("Egypt, Sudan agree to coordinate positions on GERD")
    assert (outright, alluded) == ({"EG", "SD"}, set())
    outright, alluded = headline.named("Nigeria's cabinet approves Morocco gas pipeline pact")
    assert (outright, alluded) == ({"NG"}, {"MA"})
    # A body is a party like a state; a capital names a place as often as a state.
    assert headline.named("African Union readmits Guinea")[0] == {"AU"}
    assert headline.named("The Abu Dhabi GERD committee: a process, not a settlement") == (
        frozenset(),
        {"AE"},
    )


def test_a_title_case_headline_is_all_subject() -> None:
    outright, _ = headline.named("Big Handshake In Riyadh: Iraq And Syria Will Reopen Crossing")
    assert outright == {"IQ", "SY"}


def test_headlines_are_apart_when_each_subject_names_a_party_the_other_never_names() -> None:
    def apart(a: str, b: str) -> bool:
        return headline.apart(headline.named(a), headline.named(b))

    assert apart(
        "Finland reopens one border crossing with Russia",
        "Latvia reopens Terehova border crossing with Russia to freight",
    )
    assert apart("ECOWAS lifts Guinea's suspension", "African Union readmits Guinea")
    # One report of the event names a party of the other's, or none at all: one event.
    assert not apart(
        "Egypt goes into GERD committee with red lines",
        "Egypt, Ethiopia agree on technical committee for Nile dam",
    )
    assert not apart(
        "Ukraine backs U.S. proposal for 30-day ceasefire",
        "Zelensky: Ukraine ready for peace, now Russia must show it is too",
    )
    assert not apart("158 nations back U.N. call for Gaza ceasefire", "Israel rejects UN vote")


def _profile(story_id: int, title: str, body: str) -> dedupe.Profile:
    fp = dedupe.fingerprint(title, body, DedupeParams())
    when = datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(hours=story_id)
    return dedupe.profile_of(story_id, story_id, when, str(story_id), (), None, fp.features)


BODY = (
    "{a} and {b} agreed on Tuesday to reopen their shared border crossing to freight and"
    " passenger traffic after two years of closure, officials in both capitals said. Trade"
    " ministers from the two states signed a protocol on customs checks, joint patrols and"
    " a fund for traders hurt by the closure. Regional leaders welcomed the step as a sign"
    " of easing tension along the frontier. The crossing will open on Monday, ministers said."
)


def test_a_parallel_event_with_another_party_is_kept_apart_and_explained() -> None:
    params = DedupeParams()
    one = _profile(
        1, "Nigeria, Niger agree to reopen border crossing", BODY.format(a="Nigeria", b="Niger")
    )
    other = _profile(
        2, "Benin, Niger agree to reopen border crossing", BODY.format(a="Benin", b="Niger")
    )
    assert dedupe.score_pair(one, other, params) is None
    checks, level = dedupe.explain(one, other, params)
    assert level is None and checks[-1].name == "headlines" and not checks[-1].passed
    assert "NE, NG / BJ, NE" in checks[-1].detail
    again = _profile(3, "Niger, Nigeria sign border deal", BODY.format(a="Nigeria", b="Niger"))
    assert dedupe.score_pair(again, one, params) is not None


def test_one_template_filled_in_for_other_parties_is_not_a_copy() -> None:
    # Official readouts and ceremonies reuse one text with the names changed: a copy by its
    # words, another event by its parties. A real copy keeps its parties.
    params = DedupeParams()

    def made(n: int, title: str, a: str, b: str) -> dedupe.Profile:
        fp = dedupe.fingerprint(title, BODY.format(a=a, b=b), params)
        when = datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(hours=n)
        return dedupe.profile_of(n, n, when, str(n), (), fp.text_sig, fp.features)

    one = made(1, "Nigeria, Niger agree to reopen border crossing", "Nigeria", "Niger")
    other = made(2, "Benin, Niger agree to reopen border crossing", "Benin", "Niger")
    copy = made(3, "Niger, Nigeria agree to reopen crossing", "Niger", "Nigeria")
    assert dedupe.jaccard(one.text_sig, other.text_sig) >= params.near_duplicate
    assert dedupe.score_pair(other, one, params) is None
    checks, level = dedupe.explain(other, one, params)
    assert [c.name for c in checks] == ["copy", "headlines"] and level is None
    match = dedupe.score_pair(copy, one, params)
    assert match is not None and match.level == 4


def test_the_town_a_headline_places_its_event_in() -> None:
    # Written for this test: the venue, not a venue to come or a capital as a metonym.
    assert headline.venues("Lee, Takaichi agree on export control talks in Tokyo") == {"Tokyo"}
    assert headline.venues("At Seoul summit, Lee and Takaichi bet on pragmatism") == {"Seoul"}
    assert headline.venues("Peace talks open in The Hague") == {"The Hague"}
    assert headline.venues("Trade talks to resume in Pretoria in March") == frozenset()
    assert headline.venues("Seoul and Tokyo pledge closer ties") == frozenset()
    assert headline.elsewhere(frozenset({"Seoul"}), frozenset({"Tokyo"}))
    assert not headline.elsewhere(frozenset({"Seoul"}), frozenset())


def test_the_same_leaders_meeting_in_another_town_is_another_event() -> None:
    params = DedupeParams()
    body = BODY.format(a="Nigeria", b="Niger")
    one = _profile(1, "Nigeria, Niger agree to reopen border crossing at Abuja talks", body)
    other = _profile(2, "Nigeria, Niger agree to reopen border crossing in Niamey", body)
    same = _profile(3, "Nigeria and Niger to reopen crossing, ministers say in Abuja", body)
    assert dedupe.score_pair(other, one, params) is None
    checks, level = dedupe.explain(other, one, params)
    assert level is None and checks[-1].name == "headlines"
    assert "in Niamey / Abuja" in checks[-1].detail and "another town" in checks[-1].detail
    assert dedupe.score_pair(same, one, params) is not None


FIRST_REPORT = (
    "Typhoon Nakri slammed into the northern Philippines on Sunday, killing at least 11 people"
    " and forcing thousands from their homes, the disaster agency said. The storm made"
    " landfall in Cagayan province with winds of 185 km an hour before crossing Luzon. Power"
    " was cut across three provinces and flights were cancelled in Manila. President"
    " Ferdinand Marcos ordered the coast guard to deploy rescue boats."
)
UPDATE = (
    "The number of people killed by Typhoon Nakri in the northern Philippines rose to 32 on"
    " Monday, the disaster agency said, as rescuers reached mountain villages cut off by"
    " landslides. Many of the dead were buried when hillsides collapsed after two days of"
    " rain. Thousands remain out of their homes and power is cut across three provinces. Aid"
    " groups appealed for clean water and tents."
)


def test_a_name_both_headlines_give_makes_a_near_miss_one_event() -> None:
    # Written for this test: an update shares less with the first report than the event
    # bar asks; both headlines name the storm.
    params = DedupeParams()
    first = _profile(1, "Typhoon Nakri kills at least 11 in northern Philippines", FIRST_REPORT)
    update = _profile(20, "Nakri death toll rises to 32 as rescuers reach cut-off villages", UPDATE)
    assert dedupe.headline_names(first) & dedupe.headline_names(update) == {"nakri"}
    assert not dedupe.same_event(dedupe.event_evidence(update, first), params)
    match = dedupe.score_pair(update, first, params)
    assert match is not None and match.level == 5
    checks, level = dedupe.explain(update, first, params)
    assert level == 5 and "both headlines name nakri" in checks[-1].detail
    # Names that recur across events (states, capitals, blocs) do not count.
    assert {"nato", "union", "brussels", "philippines", "filipino"} <= headline.common_names()
    unnamed = _profile(21, "Death toll rises to 32 as rescuers reach cut-off villages", UPDATE)
    assert dedupe.score_pair(unnamed, first, params) is None
