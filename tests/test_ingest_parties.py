"""Parties versus mentions: the states that act or are acted on, not every country named."""

from __future__ import annotations

import pytest

from ingest.normalize import _tags
from ingest.tags import default_tagger


def tags(title: str, body: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    tagger = default_tagger()
    hits = tagger.topic_hits(f"{title}\n\n{body}")
    t = _tags(tagger, title, body, hits)
    return t.parties, t.mentions, t.organizations


def test_a_country_named_once_in_passing_is_a_mention() -> None:
    parties, mentions, orgs = tags(
        "Xi and Ishiba agree to pursue stable ties at APEC",
        "LIMA (Meridian Wire) — Chinese President Xi Jinping and Japanese Prime Minister "
        "Shigeru Ishiba agreed on Friday to pursue stable relations, meeting on the sidelines of "
        "the APEC summit in Lima. Xi urged Tokyo to handle the Taiwan question with care.",
    )
    assert parties == ("CN", "JP")
    assert "TW" in mentions and "TW" not in parties
    assert orgs == ("APEC",)


def test_the_eu_acts_as_a_party() -> None:
    parties, _, orgs = tags(
        "EU and Peru sign raw materials partnership",
        "BRUSSELS — The European Union and Peru signed a partnership on critical raw materials "
        "on Tuesday. European Commission President Ursula von der Leyen said the deal would "
        "diversify supplies, and Peru's foreign minister called it a milestone.",
    )
    assert parties == ("EU", "PE") and "EU" in orgs


def test_demonyms_in_a_sports_headline_are_not_parties() -> None:
    parties, mentions, _ = tags(
        "Ethiopian runners dominate Dubai Marathon as Kenyan challenge fades",
        "Ethiopia's distance runners swept the podium at the Dubai Marathon on Sunday, while "
        "Kenya's leading runner faded after the 35-kilometre mark in the championship race. "
        "Entries from Britain and India were among the largest groups of amateurs.",
    )
    assert parties == ()
    assert {"ET", "KE", "GB", "IN"} <= set(mentions)


@pytest.mark.parametrize(
    "body",
    [
        "The foreign ministers of Kazakhstan, Kyrgyzstan, Tajikistan and Turkmenistan met "
        "in New York on Monday to prepare a summit with the United States.",
    ],
)
def test_states_listed_together_share_the_evidence(body: str) -> None:
    parties, _, _ = tags("Central Asian ministers prepare a summit", body)
    assert {"KZ", "KG", "TJ", "TM"} <= set(parties)


def test_a_former_leader_does_not_make_a_party() -> None:
    parties, mentions, _ = tags(
        "Thai parliament elects Anutin as prime minister",
        "BANGKOK — Thailand's parliament elected Anutin Charnvirakul as prime minister on "
        "Friday, a week after a court removed his predecessor over a leaked call with "
        "Cambodia's former leader Hun Sen.",
    )
    assert "TH" in parties and "KH" not in parties and "KH" in mentions
