"""The rules' learned second opinions (``ingest.learned``): the tail's and diplomacy's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

import pytest

from ingest import diplomacy_model, learned, tail_model
from ingest.model import RawItem, SourceSpec, Story
from ingest.normalize import normalize
from ingest.tail import block_kind, tail_start

STORY = [
    "GENEVA (Harbour Wire) — Delegations from Armenia and Azerbaijan ended a third day of "
    "talks on Tuesday without agreeing on the text of a border commission's mandate, "
    "according to officials on both sides who spoke after the session.",
    "The two sides did agree to exchange lists of detainees before the next round, the "
    "Swiss foreign ministry said in a statement.",
    "Negotiators are due to meet again in Geneva next month.",
]


@pytest.mark.parametrize(
    ("name", "sources"),
    [
        (
            "tail",
            [
                "tests/fixtures/outlets/tuning",
                "tests/fixtures/endings/half_a.json",
                "tests/fixtures/endings/sections_a.json",
                "tests/fixtures/endings/blocks_a.json",
                "tests/fixtures/endings/blocks_c.json",
                "tests/fixtures/endings/blocks_e.json",
                "tests/fixtures/endings/blocks_f.json",
                "tests/fixtures/endings/blocks_g.json",
                "tests/fixtures/endings/blocks_i.json",
            ],
        ),
        (
            "diplomacy",
            [
                "tests/fixtures/outlets/tuning",
                "tests/fixtures/parties/half_a.json",
                "tests/fixtures/parties/half_c.json",
                "tests/fixtures/parties/half_d.json",
            ],
        ),
    ],
)
def test_each_model_was_trained_on_tuning_halves_only(name: str, sources: list[str]) -> None:
    path = resources.files("ingest").joinpath(f"data/{name}_model.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["trained_on"] == sources
    held_out = (
        "blind2",
        "blind3",
        "blind4",
        "blind5",
        "half_b",
        "blocks_b",
        "blocks_d",
        "blocks_h",
        "blocks_j",
        "sections_b",
        "half_e",
        "half_g",
    )
    assert not any(h in source for source in doc["trained_on"] for h in held_out)
    assert 0.5 < doc["threshold"] < 1
    assert learned.load(name).threshold == doc["threshold"]


@pytest.mark.parametrize(
    "text",
    [
        # Worded as no tail rule foresaw: the rules call it prose.
        "Our morning briefing on the region's politics is delivered every weekday.",
    ],
)
def test_a_pitch_the_rules_call_prose_is_appended(text: str) -> None:
    assert block_kind(text) == "story"
    assert tail_model.is_appended(text)
    cut = tail_start([*STORY, text])
    assert cut is not None and cut[0] == len(STORY)
    assert "appended material" in cut[1]


@pytest.mark.parametrize(
    "text",
    [
        "The two delegations are due to meet again in Geneva next month, the ministry said.",
        "Neither government has said when the border will reopen.",
        # Words it never saw: the shape alone (a sentence) says nothing either way, though
        # the probability it gives is high.
        "Die Gespräche sollen im kommenden Monat in Genf fortgesetzt werden, teilte das "
        "Ministerium mit.",
        "Thanks Junior!",  # too few words to judge
        "9.30 A.M. / 7.00 P.M.",  # numbers and letters are no words
    ],
)
def test_a_story_ending_is_not_judged_appended(text: str) -> None:
    assert not tail_model.is_appended(text)
    assert tail_start([*STORY, text]) is None


def test_unknown_words_are_not_judged_on_shape_alone() -> None:
    german = "Die Gespräche sollen im kommenden Monat in Genf fortgesetzt werden."
    assert tail_model.junk_probability(german) > 0.5  # what shape and bias alone say
    assert not tail_model.is_appended(german)


def test_the_fast_decision_is_the_models_probability() -> None:
    """``is_appended`` sums in steps; where its guards let a block through, it decides as
    ``junk_probability`` against the threshold does."""
    m = learned.load("tail")
    texts = [
        "Get our morning briefing on the region's politics delivered every weekday.",
        "Sign up for the newsletter to get the week's top stories every Friday morning.",
        "The ministry said the talks would resume next month in Geneva.",
        "Follow us for more updates on this story and others from the region.",
    ]
    for text in texts:
        p = tail_model.junk_probability(text)
        if tail_model.is_appended(text):
            assert p >= m.threshold
        elif p >= m.threshold:
            words = learned.long_words(learned.tokens(text))
            known = sum(w in m.weights for w in words)
            said = sum(m.weights.get(k, 0.0) * v for k, v in tail_model.features(text).items()
                       if k[0] != "#")  # fmt: skip
            assert len(words) < learned.MIN_WORDS or known < 0.6 * len(words) or said <= 0


def test_headings_stay_the_rules_call() -> None:
    """A list of short lines after the story (tour dates, results) is not cut on the
    model's say-so, even when a flagged pitch stands among them."""
    lines = ["Tour Dates", "June 14 – Puno @ Teatro Municipal", "August 8 – La Paz @ Coliseo"]
    assert tail_start([*STORY, *lines]) is None


# --- diplomacy -----------------------------------------------------------------------------

SOURCE = SourceSpec(name="wire", url="https://wire.example/feed")
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def story(title: str, body: str) -> Story:
    it = RawItem(source="wire", guid="g", url="https://wire.example/a", title=title,
                 content_html="".join(f"<p>{p}</p>" for p in body.split("\n")))  # fmt: skip
    return normalize(it, None, SOURCE, now=NOW, key="k")


def topics(title: str, body: str) -> tuple[str, ...]:
    return story(title, body).topics


# Relations between two governments, told without a diplomatic topic's wording.
SHARED = (
    "Kenya and Ethiopia to share Omo river data",
    "NAIROBI — Kenya and Ethiopia will share water-flow data from the Omo river under a plan "
    "agreed by their water ministers in Nairobi on Monday, the two governments said.",
)


def test_the_model_adds_diplomacy_the_wording_rules_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    assert diplomacy_model.is_diplomacy(*SHARED)
    assert "diplomacy" in topics(*SHARED)
    # A feed's min_score does not drop what its diplomacy topic lets in.
    assert story(*SHARED).score >= learned.load("diplomacy").threshold
    assert story(*SHARED).learned == ("diplomacy",)  # for `communique check` to say so
    monkeypatch.setattr(diplomacy_model, "is_diplomacy", lambda title, text: False)
    assert "diplomacy" not in topics(*SHARED)  # the rules alone
    assert story(*SHARED).score < 0.3 and not story(*SHARED).learned


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "Floods force thousands from homes in Punjab",
            "LAHORE — Floods forced more than 200,000 people from their homes in Pakistan's "
            "Punjab province on Monday as rivers burst their banks, officials said.",
        ),
        (
            "Japan edge Senegal 2-1 in Tokyo friendly",
            "TOKYO — Japan beat Senegal 2-1 in a friendly on Tuesday, with a late goal "
            "sealing the win in front of 60,000 fans.",
        ),
    ],
)
def test_domestic_news_and_sport_are_not_diplomacy(title: str, body: str) -> None:
    assert not diplomacy_model.is_diplomacy(title, body)
    assert "diplomacy" not in topics(title, body)


def test_one_state_alone_is_never_diplomacy_on_the_models_say_so() -> None:
    """The model may be sure; a story naming one state and no other has no relations."""
    title = "Vietnam moves closer on rare-earth supply"
    body = ("HANOI — Vietnam will develop rare-earth processing under a memorandum initialled "
            "by its trade minister on Monday, officials said.")  # fmt: skip
    assert "diplomacy" not in topics(title, body)
