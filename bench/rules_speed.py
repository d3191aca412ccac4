"""CPU of the per-block cleaning rules (``ingest.tail``, ``ingest.lead``) on fixed bodies.

    .venv/bin/python bench/rules_speed.py [--repeat 5] [--against DIR]

The bodies: those ``bench/ingest_speed.py`` generates (60 feeds of 20 stories) and the 91
real pages of ``../shared/corpus/article-extraction`` (skipped, with a note, when absent).
Each body is cleaned once as the pipeline does (``ingest.clean.clean_body``), recording the
block texts ``tail_start`` and ``lead_junk`` are given; then only those two calls are timed,
best of ``--repeat`` runs, and printed as µs per body and per block (the blocks given to
either rule: all of a body's for the end, its first ten at most for the start).

``--against DIR`` times the ``tail.py`` and ``lead.py`` in DIR too (e.g. copies from another
commit: ``git show main:ingest/tail.py > /tmp/old/tail.py``), on the same inputs, and checks
that both give the same answers.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import clean, lead, tail  # noqa: E402
from ingest.errors import ExtractError  # noqa: E402
from ingest.extract import extract_article  # noqa: E402
from ingest.model import Fetched  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "article-extraction" / "html"
TailCall = tuple[list[str], frozenset[int], frozenset[int]]  # texts, repeated, gone
LeadCall = tuple[list[str], list[str], list[str]]


def generated_bodies() -> list[tuple[str, str]]:
    """(body HTML, title) of the stories ingest_speed's feeds carry."""
    from ingest_speed import feed_xml

    item = re.compile(r"<title>(.*?)</title>.*?<!\[CDATA\[(.*?)\]\]>", re.S)
    bodies = []
    for feed in range(60):
        xml = feed_xml("http://127.0.0.1:1", feed, 20).decode()
        channel_end = xml.index("<item>")
        bodies += [(body, title) for title, body in item.findall(xml[channel_end:])]
    return bodies


def record(run: Callable[[], None]) -> tuple[list[TailCall], list[LeadCall]]:
    """The calls ``run`` makes to the two rules through ``ingest.clean``."""
    tails: list[TailCall] = []
    leads: list[LeadCall] = []
    real_tail, real_lead = clean.tail_start, clean.lead_junk

    def tail_start(
        texts: list[str], repeated: frozenset[int] = frozenset(), gone: frozenset[int] = frozenset()
    ) -> Any:
        tails.append((list(texts), repeated, gone))
        return real_tail(texts, repeated, gone)

    def lead_junk(texts: list[str], titles: Any, known: Any = ()) -> Any:
        leads.append((list(texts), list(titles), list(known)))
        return real_lead(texts, titles, known)

    clean.tail_start, clean.lead_junk = tail_start, lead_junk  # type: ignore[assignment]
    try:
        run()
    finally:
        clean.tail_start, clean.lead_junk = real_tail, real_lead
    return tails, leads


def corpus_runs() -> dict[str, Callable[[], None]]:
    runs: dict[str, Callable[[], None]] = {}
    generated = generated_bodies()

    def generated_run() -> None:
        for body, title in generated:
            clean.clean_body(body, title)

    runs[f"generated ({len(generated)})"] = generated_run
    pages = sorted(CORPUS.glob("*.html.gz"))
    if not pages:
        print(f"skipped the real pages: none under {CORPUS}")
        return runs

    def real() -> None:
        for path in pages:
            url = f"https://example.org/{path.name}"
            body = gzip.decompress(path.read_bytes())
            page = Fetched(url=url, final_url=url, status=200, headers={}, body=body)
            with contextlib.suppress(ExtractError):  # a page without an article
                extract_article(page, None)

    runs[f"real pages ({len(pages)})"] = real
    return runs


def timed(
    tails: list[TailCall], leads: list[LeadCall], t: ModuleType, ld: ModuleType, n: int
) -> float:
    """The least CPU seconds, of ``n`` runs, that ``t`` and ``ld`` take over the calls."""
    best = float("inf")
    for _ in range(n):
        start = time.process_time()
        for texts, repeated, gone in tails:
            t.tail_start(texts, repeated, gone)
        for texts, titles, known in leads:
            ld.lead_junk(texts, titles, known)
        best = min(best, time.process_time() - start)
    return best


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--against", type=Path, help="a directory with other tail.py, lead.py")
    args = parser.parse_args()
    others = None
    if args.against:
        others = (
            load(args.against / "tail.py", "other_tail"),
            load(args.against / "lead.py", "other_lead"),
        )
    print(f"{'bodies':28} {'rules':>8} {'µs/body':>9} {'µs/block':>9}")
    for label, run in corpus_runs().items():
        tails, leads = record(run)
        bodies = len(tails)
        blocks = sum(len(x[0]) for x in tails) + sum(len(x[0]) for x in leads)
        sets = [("this", tail, lead)] + ([("against", *others)] if others else [])
        # Taken in turns, one run of each set at a time: this machine's speed drifts by a
        # third within a minute, and timing one set after the other measured the drift.
        best = {name: float("inf") for name, *_ in sets}
        for _ in range(args.repeat):
            for name, t, ld in sets:
                best[name] = min(best[name], timed(tails, leads, t, ld, 1))
        for name, cpu in best.items():
            print(f"{label:28} {name:>8} {cpu / bodies * 1e6:9.0f} {cpu / blocks * 1e6:9.2f}")
        if others:
            same = all(tail.tail_start(*c) == others[0].tail_start(*c) for c in tails) and all(
                lead.lead_junk(*c) == others[1].lead_junk(*c) for c in leads
            )
            print(f"{label:28} {'same answers' if same else 'ANSWERS DIFFER'}")


if __name__ == "__main__":
    main()
