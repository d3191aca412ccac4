"""The real-world endings battery (``tests/fixtures/endings``): how pages and feeds of real
outlets and templates begin and end around a story, written from knowledge of those sites
and split by outlet family into a tuning half (``half_a``) and a held-out half
(``half_b``). Each case is run through the normalizer as a feed item whose content is the
lead, the story and the tail as paragraphs; what is scored is whether the stored body
starts and ends where the story does."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.digest import digest_item
from ingest.lead import lead_junk
from ingest.model import RawItem, SourceSpec
from ingest.tail import tail_start

ROOT = Path(__file__).resolve().parent / "fixtures" / "endings"
HALVES = {"tuning": "half_a.json", "held-out": "half_b.json"}
SPEC = SourceSpec(name="endings", url="http://127.0.0.1/feed.xml", full_text="never")
NOW = datetime(2026, 11, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Outcome:
    family: str
    title: str
    has_lead: bool
    has_tail: bool
    start_kept: bool  # the story's first paragraph is the body's first (a dateline aside)
    end_kept: bool  # the story's last paragraph is in the body
    lead_gone: bool  # nothing before the story's first paragraph
    tail_gone: bool  # nothing after the story's last paragraph
    first: str  # the body's first and last paragraphs, for --details
    last: str


def cases(half: str) -> list[dict]:
    return json.loads((ROOT / HALVES[half]).read_text(encoding="utf-8"))["cases"]


def _fold(text: str) -> str:
    return " ".join(text.split())


def run_case(case: dict) -> Outcome:
    blocks = [*case["lead"], *case["story"], *case["tail"]]
    content = "".join(f"<p>{html.escape(b)}</p>" for b in blocks)
    item = RawItem(
        source="endings", guid=None, url="http://127.0.0.1/a", title=case["title"],
        content_html=content,
    )  # fmt: skip
    story = digest_item(item, None, SPEC, "k", NOW)
    paras = [_fold(p) for p in re.split(r"\n\s*\n", story.body_text) if p.strip()]
    story_blocks = case["story"]
    if len(story_blocks) > 1 and story_blocks[0].isupper() and len(story_blocks[0].split()) <= 3:
        story_blocks = story_blocks[1:]  # "ANKARA" on a line of its own: the dateline goes
    first, last = _fold(story_blocks[0]), _fold(story_blocks[-1])
    body_first = paras[0] if paras else ""
    # The normalizer cuts a dateline off the first paragraph.
    start_kept = bool(body_first) and first.endswith(body_first) and len(body_first) > 20
    end_kept = last in paras
    return Outcome(
        family=case["family"],
        title=case["title"],
        has_lead=bool(case["lead"]),
        has_tail=bool(case["tail"]),
        start_kept=start_kept,
        end_kept=end_kept,
        lead_gone=start_kept,
        tail_gone=bool(paras) and paras[-1] == last,
        first=body_first[:100],
        last=(paras[-1] if paras else "")[:100],
    )


def score(outcomes: list[Outcome]) -> dict[str, float]:
    def share(flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else float("nan")

    tails = [o for o in outcomes if o.has_tail]
    leads = [o for o in outcomes if o.has_lead]
    return {
        "cases": len(outcomes),
        "tail fully removed": share([o.tail_gone and o.end_kept for o in tails]),
        "tail n": len(tails),
        "story end kept": share([o.end_kept for o in outcomes]),
        "story end kept, no tail": share(
            [o.end_kept and o.tail_gone for o in outcomes if not o.has_tail]
        ),
        "lead fully removed": share([o.lead_gone for o in leads]),
        "lead n": len(leads),
        "story start kept": share([o.start_kept for o in outcomes]),
    }


# The blocks battery (``blocks_{a,...,j}.json``): single paragraphs of prose from the end of
# news pages, each appended material or a story's own ending, from 171 kinds of site split
# between the halves: a, c, e, f, g and i tune the rules and train the tail model; b, d, h
# and j are held out.
# Each paragraph is put after the same two paragraphs of a story.
BLOCK_HALVES = {
    "a": "tuning",
    "b": "held out",
    "c": "tuning",
    "d": "held out",
    "e": "tuning",
    "f": "tuning",
    "g": "tuning",
    "h": "held out",
    "i": "tuning",
    "j": "held out",
}
BEFORE = [
    "GENEVA (Harbour Wire) — Delegations from Armenia and Azerbaijan ended a third day of "
    "talks on Tuesday without agreeing on the text of a border commission's mandate, "
    "according to officials on both sides who spoke after the session.",
    "The two sides did agree to exchange lists of detainees before the next round, the Swiss "
    "foreign ministry said in a statement, adding that the next round would be held in Geneva.",
]


def block_cases(half: str) -> list[dict]:
    return json.loads((ROOT / f"blocks_{half}.json").read_text(encoding="utf-8"))["cases"]


def blocks_cut(half: str) -> tuple[float, float]:
    """The share of the half's appended paragraphs cut, and of its story endings cut."""
    cut: dict[str, list[bool]] = {"appended": [], "story": []}
    for case in block_cases(half):
        cut[case["label"]].append(tail_start([*BEFORE, case["text"]]) is not None)
    return sum(cut["appended"]) / len(cut["appended"]), sum(cut["story"]) / len(cut["story"])


# The lead battery (``leads_{half}.json``): single blocks from the top of news pages, each
# furniture before the story (a label, the headline again, a byline, a date line, a caption)
# or a story's own first paragraph, with the article's headline. Furniture is put before
# a first paragraph with no dateline (a dateline would mark the start on its own); a
# first paragraph is put before a second.
LEAD_HALVES = {"a": "tuning", "b": "held out", "c": "tuning"}
LEAD_FIRST = (
    "Delegations from Armenia and Azerbaijan ended a third day of talks on Tuesday without "
    "agreeing on the text of a border commission's mandate, officials on both sides said."
)


def lead_cases(half: str) -> list[dict]:
    return json.loads((ROOT / f"leads_{half}.json").read_text(encoding="utf-8"))["cases"]


def leads_cut(half: str) -> tuple[float, float]:
    """The share of the half's furniture blocks removed, and of its first paragraphs."""
    cut: dict[str, list[bool]] = {"furniture": [], "story": []}
    for case in lead_cases(half):
        after = [LEAD_FIRST, BEFORE[1]] if case["label"] == "furniture" else [BEFORE[1]]
        count, _ = lead_junk([case["text"], *after], [case["title"]])
        cut[case["label"]].append(count > 0)
    return sum(cut["furniture"]) / len(cut["furniture"]), sum(cut["story"]) / len(cut["story"])


# The sections battery (``sections_{a,b}.json``): whole stories whose own ending looks like
# an appendix (a subheaded last section, a Q&A explainer, a timeline, an interview, a short
# closing line), most followed by what real pages append, some of it generated. Written by
# two authors who saw neither the rules nor each other's half, split by kind of site: a
# tunes, b is held out. Run as the endings battery is, through the normalizer.
SECTION_HALVES = {"a": "tuning", "b": "held out", "c": "tuning"}


def section_cases(half: str) -> list[dict]:
    doc = json.loads((ROOT / f"sections_{half}.json").read_text(encoding="utf-8"))
    return [{**c, "lead": []} for c in doc["cases"]]


def sections_score(half: str) -> dict[str, float]:
    """The endings battery's figures on the half's stories (they carry no lead)."""
    figures = score([run_case(c) for c in section_cases(half)])
    return {k: v for k, v in figures.items() if not k.startswith(("lead", "story start"))}
