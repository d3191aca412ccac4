"""Normalization and tagging quality on outlets the rules were and were not tuned on.

    .venv/bin/python bench/quality.py [--details] [--json OUT]

For each half of ``tests/fixtures/outlets`` (tuning and the held-out halves: blind3, blind4,
blind5): serves its outlets on 127.0.0.1, runs ``communique ingest`` on their
``source.toml`` blocks into a fresh SQLite store, and scores what was stored against the
labels: body F1, appended junk fully removed, bodies that start clean, datelines found,
publication time within 2 minutes, parties / mentions / organizations, the diplomacy
topic, and story-cluster pairs. The halves are
printed side by side: a large gap between them is a finding.

It also checks the 91 real pages of ``../shared/corpus/article-extraction``: no extracted
body may begin with the page's headline or a section label.

``--details`` lists, for the tuning half only, each article that misses a figure. The
held-out half is never listed: its figures are all anyone tuning rules may see.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.clean import html_to_text  # noqa: E402
from ingest.errors import ExtractError  # noqa: E402
from ingest.extract import extract_article  # noqa: E402
from ingest.model import Fetched  # noqa: E402
from ingest.wordcount import size  # noqa: E402
from tests.outlets_support import (  # noqa: E402
    OUTLETS,
    Label,
    Scores,
    Stored,
    ending_kept,
    junk_left,
    lead_kept,
    run_half,
    starts_with_junk,
)

REAL = ROOT.parent / "shared" / "corpus" / "article-extraction"
# A half being written (its directory not there yet) is left out, not an error.
HALVES = tuple(h for h in ("tuning", "blind3", "blind4", "blind5") if (OUTLETS / h).is_dir())


def _fmt(value: object) -> str:
    if isinstance(value, tuple):
        return " / ".join(_fmt(v) for v in value)
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def print_table(results: dict[str, dict[str, object]]) -> None:
    keys = list(next(iter(results.values())))
    width = max(len(k) for k in keys) + 2
    print(f"{'':<{width}}" + "".join(f"{h:>26}" for h in results))
    for key in keys:
        print(f"{key:<{width}}" + "".join(f"{_fmt(r[key]):>26}" for r in results.values()))


def details(truth: list[Label], stored: dict[str, Stored], scores: Scores) -> None:
    from ingest.urls import article_identity

    for label in truth:
        got = stored.get(article_identity(label.url))
        if got is None:
            print(f"MISSING {label.url}")
            continue
        notes = []
        left = junk_left(label.junk_tail, got.body, label.body)
        if left:
            notes.append(f"junk left: {left[0][:70]!r}")
        if starts_with_junk(label, got.body):
            notes.append(f"starts: {got.body[:70]!r}")
        if not lead_kept(label, got):
            notes.append("first paragraph lost")
        if not ending_kept(label, got):
            notes.append(f"last paragraph lost: {label.body[-1][:70]!r}")
        if label.dateline and (got.dateline or "").casefold() != label.dateline.casefold():
            notes.append(f"dateline {got.dateline!r} != {label.dateline!r}")
        if abs((got.published - label.published).total_seconds()) > 120:
            notes.append(f"time {got.published:%Y-%m-%d %H:%M} != {label.published:%H:%M}")
        if got.parties != label.parties:
            notes.append(f"parties +{sorted(got.parties - label.parties)} "
                         f"-{sorted(label.parties - got.parties)}")  # fmt: skip
        if got.organizations != label.organizations:
            notes.append(f"orgs +{sorted(got.organizations - label.organizations)} "
                         f"-{sorted(label.organizations - got.organizations)}")  # fmt: skip
        if ("diplomacy" in got.topics) != label.diplomacy:
            notes.append(f"diplomacy {'diplomacy' in got.topics} != {label.diplomacy}")
        if notes:
            print(f"{label.outlet}: {label.title[:60]}")
            for n in notes:
                print(f"    {n}")
    _cluster_details(truth, stored)


def _cluster_details(truth: list[Label], stored: dict[str, Stored]) -> None:
    """Stories split over clusters, and clusters that join different stories."""
    from ingest.urls import article_identity

    placed = [(label, got) for label in truth if (got := stored.get(article_identity(label.url)))]
    by_story: dict[str, list[tuple[Label, Stored]]] = {}
    by_cluster: dict[int | None, set[str]] = {}
    for label, got in placed:
        by_story.setdefault(label.story, []).append((label, got))
        by_cluster.setdefault(got.cluster, set()).add(label.story)
    for story, members in sorted(by_story.items()):
        if len({got.cluster for _, got in members}) > 1:
            print(f"SPLIT {story}:")
            for label, got in sorted(members, key=lambda m: str(m[1].cluster)):
                print(f"    [{got.cluster}] {label.outlet} ({label.kind}): {label.title[:60]}")
    for cluster, stories in sorted(by_cluster.items(), key=lambda kv: str(kv[0])):
        if cluster is not None and len(stories) > 1:
            print(f"MERGED in cluster {cluster}: {sorted(stories)}")


# --- the real pages -----------------------------------------------------------------------------

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.S | re.I)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.S | re.I)


def real_pages() -> dict[str, object]:
    """Extracted bodies of the real pages that begin with the headline or a short label."""
    if not REAL.is_dir():
        return {"real pages": "absent (../shared missing)"}
    pages = sorted((REAL / "html").glob("*.html.gz"))
    headline = label = 0
    for path in pages:
        page = gzip.decompress(path.read_bytes())
        url = f"https://example.org/{path.name}"
        try:
            article = extract_article(Fetched(url, url, 200, {}, page), None)
        except ExtractError:
            continue
        text = html_to_text(article.body_html)
        first = next((p.strip() for p in text.split("\n") if p.strip()), "")
        heads = [_text(m) for m in (*_H1.findall(page)[:2], *_TITLE.findall(page)[:1])]
        if article.title:
            heads.append(article.title)
        if any(h and _same_start(first, h) for h in heads):
            headline += 1
        elif _is_label(first):
            label += 1
    return {"real pages": len(pages), "real: begins with headline": headline,
            "real: begins with a label": label}  # fmt: skip


def _text(raw: bytes) -> str:
    return " ".join(html_to_text(raw.decode("utf-8", "replace")).split())


def _same_start(first: str, headline: str) -> bool:
    a, b = first.casefold(), headline.casefold()
    return len(b) > 15 and (a.startswith(b[:60]) or (len(a) > 15 and b.startswith(a)))


def _is_label(first: str) -> bool:
    """A section label: a few words without a sentence's end, before the text."""
    # Measured as wordcount measures it, so a sentence in a script written without spaces
    # is not one "word" (it was: a Japanese page's first sentence counted as a label).
    return 0 < size(first) <= 3 and not first.endswith((".", "?", "!", "”", '"', "。", "？", "！"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list tuning-half misses")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-real", action="store_true", help="skip the 91 real pages")
    parser.add_argument("--half", choices=HALVES, help="only this half (default: both)")
    args = parser.parse_args()
    results: dict[str, dict[str, object]] = {}
    for half in [args.half] if args.half else HALVES:
        path = OUTLETS / half
        if not any(path.glob("*/labels.json")):
            print(f"{half}: no outlets", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            scores, truth, stored = run_half(path, Path(tmp))
        results[half] = scores.summary()
        if args.details and half == "tuning":
            details(truth, stored, scores)
    print_table(results)
    if not args.no_real:
        for key, value in real_pages().items():
            print(f"{key:<30}{value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
