"""The parties battery (``tests/fixtures/parties/half_{a,...,g}.json``): news stories, each
labelled with the states that are parties to it, every country it names, the blocs it names
and whether it is diplomacy. Halves a, c, d and f may be tuned on; b, e and g are held out
(never read while a rule is changed; only their figures are looked at). f and g hold longer
stories (300 to 600 words) with reacting, mediating, aid-giving and background states.

Each case goes through the whole pipeline as a feed item carrying its full text, so what is
scored is what a subscriber's feed would carry. Shared by ``bench/parties.py`` and the
floors in ``tests/test_parties_battery.py``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.digest import digest_item
from ingest.model import RawItem, SourceSpec

ROOT = Path(__file__).resolve().parents[1]
HALVES = {
    "a": ROOT / "tests" / "fixtures" / "parties" / "half_a.json",
    "b": ROOT / "tests" / "fixtures" / "parties" / "half_b.json",
    "c": ROOT / "tests" / "fixtures" / "parties" / "half_c.json",
    "d": ROOT / "tests" / "fixtures" / "parties" / "half_d.json",
    "e": ROOT / "tests" / "fixtures" / "parties" / "half_e.json",
    "f": ROOT / "tests" / "fixtures" / "parties" / "half_f.json",
    "g": ROOT / "tests" / "fixtures" / "parties" / "half_g.json",
}
SPEC = SourceSpec(name="parties", url="http://127.0.0.1/feed.xml", full_text=False, robots=False)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
TAGS = ("parties", "mentions", "organizations")


def cases(half: str) -> list[dict]:
    return json.loads(HALVES[half].read_text(encoding="utf-8"))["cases"]


@dataclass(frozen=True)
class Outcome:
    family: str
    title: str
    truth: dict[str, frozenset[str]]
    got: dict[str, frozenset[str]]
    diplomacy: tuple[bool, bool]  # (label, as stored)


def run_case(case: dict) -> Outcome:
    content = "".join(f"<p>{html.escape(p)}</p>" for p in case["body"])
    item = RawItem(
        source="parties", guid=None, url="http://127.0.0.1/a", title=case["title"],
        content_html=content, language="en",
    )  # fmt: skip
    story = digest_item(item, None, SPEC, "k", NOW)
    # The EU is no country: where an author listed it among the mentions, it is ignored.
    truth = {n: frozenset(case[n]) - ({"EU"} if n == "mentions" else set()) for n in TAGS}
    got = {
        "parties": frozenset(story.countries),
        "mentions": frozenset(story.mentions),
        "organizations": frozenset(story.organizations),
    }
    diplomacy = (bool(case["diplomacy"]), "diplomacy" in story.topics)
    return Outcome(case.get("family", ""), case["title"], truth, got, diplomacy)


@dataclass
class Tally:
    counts: dict[str, list[int]] = field(default_factory=lambda: {n: [0, 0, 0] for n in TAGS})
    diplomacy: list[int] = field(default_factory=lambda: [0, 0, 0])
    exact: list[bool] = field(default_factory=list)  # per case: the parties exactly right

    def add(self, o: Outcome) -> None:
        for name in TAGS:
            truth, got = o.truth[name], o.got[name]
            if name == "organizations":
                got = got & _LISTED  # the battery's authors labelled these bodies only
            c = self.counts[name]
            c[0] += len(truth & got)
            c[1] += len(got - truth)
            c[2] += len(truth - got)
        label, stored = o.diplomacy
        d = self.diplomacy
        d[0] += label and stored
        d[1] += stored and not label
        d[2] += label and not stored
        self.exact.append(o.truth["parties"] == o.got["parties"])

    def summary(self) -> dict[str, float | int]:
        out: dict[str, float | int] = {"cases": len(self.exact)}
        for name in TAGS:
            p, r, f = prf(self.counts[name])
            out[f"{name} P"], out[f"{name} R"], out[f"{name} F1"] = p, r, f
        out["parties exactly right"] = sum(self.exact) / len(self.exact) if self.exact else 0.0
        p, r, f = prf(self.diplomacy)
        out["diplomacy P"], out["diplomacy R"], out["diplomacy F1"] = p, r, f
        return out


_LISTED = frozenset(
    ["EU", "NATO", "ASEAN", "AU", "UN", "G7", "G20", "APEC", "OPEC", "Mercosur", "BRICS", "SCO",
     "WTO", "IAEA", "WHO", "IMF", "World Bank", "OSCE", "GCC", "Arab League", "OAS", "ECOWAS",
     "Quad", "AUKUS", "CELAC", "ICC", "ICJ", "Commonwealth"]
)  # fmt: skip


def prf(counts: list[int]) -> tuple[float, float, float]:
    tp, fp, fn = counts
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(half: str) -> tuple[dict[str, float | int], list[Outcome]]:
    return score_cases(cases(half))


def score_cases(some: list[dict]) -> tuple[dict[str, float | int], list[Outcome]]:
    """The figures over ``some`` cases (any with the battery's keys: the outlets corpus's
    articles have them too), and each case's outcome."""
    tally, outcomes = Tally(), [run_case(c) for c in some]
    for o in outcomes:
        tally.add(o)
    return tally.summary(), outcomes
