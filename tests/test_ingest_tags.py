"""Tags: countries from the gazetteer, topics and the diplomacy score, datelines and
attributions."""

from __future__ import annotations

import pytest

from ingest.dateline import find_attributions, find_dateline
from ingest.tags import default_tagger


def countries(text: str) -> tuple[str, ...]:
    return default_tagger().countries(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("China and Japan agreed to talk.", {"CN", "JP"}),
        ("Chinese and Japanese officials met.", {"CN", "JP"}),
        ("Beijing said on Friday that Tokyo raises alarms without cause.", {"CN", "JP"}),
        ("Xi Jinping met Shigeru Ishiba.", {"CN", "JP"}),
        ("President Xi told reporters he was satisfied.", {"CN"}),
        ("South Sudan and Sudan reopened the border.", {"SS", "SD"}),
        ("North Korean missiles worried South Korea.", {"KP", "KR"}),
        ("Officials in Tbilisi said Georgia would apply again.", {"GE"}),
        ("Jordan and Egypt called for a ceasefire; Amman hosted the meeting.", {"JO", "EG"}),
    ],
)
def test_countries_found(text: str, expected: set[str]) -> None:
    assert set(countries(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Atlanta, Georgia, saw record turnout in the state election.",  # the US state
        "Michael Jordan scored forty points.",  # a person
        "Paris Hilton opened a hotel.",
        "The farmers roasted a turkey for the holiday.",  # lower-case: the bird
        "George Washington crossed the river.",
    ],
)
def test_false_positives_guarded(text: str) -> None:
    assert countries(text) == ()


def test_countries_sorted_and_unique() -> None:
    found = countries("Japan, China, Japan again, and the Chinese side.")
    assert found == ("CN", "JP")


def test_topics_and_score() -> None:
    tagger = default_tagger()
    text = (
        "Foreign ministers met on the sidelines of the G20 summit and held talks with their "
        "counterparts on sanctions and a ceasefire; the UN Security Council will vote."
    )
    hits = tagger.topic_hits(text)
    assert {"diplomacy", "summit", "bilateral-talks", "sanctions", "ceasefire", "un"} <= set(hits)
    score = tagger.score(hits, 3)
    assert 0.5 < score <= 1.0
    assert score == tagger.score(tagger.topic_hits(text), 3)  # deterministic


def test_score_low_for_unrelated_text() -> None:
    tagger = default_tagger()
    hits = tagger.topic_hits("The local bakery won a prize for its sourdough bread.")
    assert hits == {}
    assert tagger.score(hits, 0) == 0.0


@pytest.mark.parametrize(
    ("text", "place", "agency"),
    [
        ("ANKARA—In a significant encounter", "ANKARA", None),
        ("TOKYO (Reuters) - Japan said", "TOKYO", "Reuters"),
        ("BEIJING, Nov. 16 (Xinhua) -- China and Japan", "BEIJING", "Xinhua"),
        ("KYIV, Ukraine (AP) — Russian drones", "KYIV", "Associated Press"),
        ("NEW YORK, Nov 16, 2024 (Reuters) - Markets", "NEW YORK", "Reuters"),
        ("Hong Kong (CNN Business)A muddled view", "Hong Kong", "CNN"),
    ],
)
def test_datelines(text: str, place: str, agency: str | None) -> None:
    found = find_dateline(text)
    assert found is not None
    assert (found.place, found.agency) == (place, agency)
    assert text.startswith(found.text)


@pytest.mark.parametrize(
    "text", ["The US-China talks", "AI-driven tools", "In Tokyo - the capital", "Officials said"]
)
def test_no_dateline_in_prose(text: str) -> None:
    assert find_dateline(text) is None


def test_attributions() -> None:
    text = (
        "As reported by Tokyo-based Kyodo News on Saturday, the talks went well. "
        "Xinhua said the meeting was constructive, according to Reuters. "
        "A Bloomberg terminal showed prices."  # a mention, not an attribution
    )
    assert find_attributions(text) == ("Kyodo News", "Xinhua", "Reuters")
