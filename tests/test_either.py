"""``ingest.either``: the split and gated search must give the plain pattern's answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest import lead, tail
from ingest.either import Either, _word_keys

TUNING = Path(__file__).parent / "fixtures" / "outlets" / "tuning"


@pytest.mark.parametrize(
    ("part", "keys"),
    [
        (r"\bsubscribe", {"subs"}),
        (r"\bthe views expressed", {"view"}),  # a later word, after a space
        (r"\bthe (?:views|opinions)", {"view", "opin"}),  # a group: any of its words
        (r"\bnewslett?er", {"news"}),  # the optional letter comes after the fourth
        (r"\bdo(?:es)? not guarantee\b", {"guar"}),  # past an optional group
        (r"\bai[- ]assisted", {"assi"}),  # a class of marks stands for a mark
        (r"\bif you (?:or someone )?(?:have been|has been)", {"have", "been"}),
        (r"\bmay\s?be republished", {"repu"}),
        (r"\bapps?\b then", {"then"}),  # past a quantifier
        (r"\bwe'?d (?:love|like) to", {"love", "like"}),
        (r"\bcolo?r", None),  # the fourth letter may be absent
        (r"\be-?mail", None),
        (r"\bPS\b", None),  # too short to gate
        (r"@\w", None),  # no word boundary to start from
        (r"\bx[^a]fooo", None),  # a negated class may be a letter: "fooo" may not start a word
        (r"\bx(?:pl )?foooo", None),  # without the group, "foooo" runs on from "x"
        (r"\bx(?=y)yyyyy", None),  # lookarounds are not read
        (r"\ba?bcdef", None),  # "bcdef" may run on from an "a"
    ],
)
def test_the_words_that_gate_an_alternative(part: str, keys: set[str] | None) -> None:
    assert _word_keys(part) == (frozenset(keys) if keys is not None else None)


def test_case_the_engine_folds_beyond_ascii_is_searched() -> None:
    # re.IGNORECASE matches "s" with the long s, "k" with the Kelvin sign and "i" with the
    # dotted capital I; str.lower does not fold them so, so such texts skip the gate.
    either = Either(r"\bsubscribe|\bkeep reading|\bistanbul\b", re.I)
    for text in ("ſubscribe now", "\u212aeep reading", "İstanbul", "SUBSCRIBE", "x-subscribe"):
        assert either.search(text) is True, text
    assert either.search("subscription") is False


def test_gated_search_agrees_with_the_plain_pattern_in_other_cases_and_scripts() -> None:
    # The appended material of the tuning half, as written, in capitals, and with letters
    # the engine folds specially: every pattern of the cleaning rules answers as its plain
    # pattern does. (test_ingest_tail checks the texts as written, stories included.)
    texts = []
    for labels in sorted(TUNING.glob("*/labels.json")):
        doc = json.loads(labels.read_text(encoding="utf-8"))
        for article in doc["articles"] if isinstance(doc, dict) else doc:
            texts += article.get("junk_tail") or []
            texts += article.get("junk_head") or []
    assert len(texts) > 2000
    swaps = str.maketrans({"s": "ſ", "K": "\u212a", "I": "İ"})
    variants = [v for t in texts for v in (" ".join(t.split()).upper(), t.translate(swaps))]
    patterns = [v for m in (tail, lead) for v in vars(m).values() if isinstance(v, Either)]
    for pattern in patterns:
        for text in variants:
            assert pattern.search(text) == bool(pattern.combined.search(text)), text
