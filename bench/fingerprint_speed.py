"""CPU cost of a story's dedupe fingerprint (``ingest.dedupe.fingerprint``), by part.

    .venv/bin/python bench/fingerprint_speed.py [--repeat 5] [--module PATH]

Inputs: the bodies of ``bench/ingest_speed.py``'s generated feeds (``feed_xml``, 400 items)
and the 91 real pages of ``../shared/corpus/article-extraction`` (extracted as the pipeline
does; skipped, with the reason printed, when that directory is absent).  For each input set
it prints the microseconds per story of the whole fingerprint and of its parts: features,
shingle hashes, the two MinHash signatures and their bands.  CPU time (process_time).

"cold" is the first of ``--repeat`` passes over the set, started with the module's token
tables empty (a fresh worker); "warm" the best of the later ones (a long-running daemon,
and the pass least disturbed by other work on the machine).

``--module`` times another copy of dedupe.py (say, ``git show main:ingest/dedupe.py``), to
compare two versions on the same machine and inputs.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest_speed import feed_xml  # noqa: E402

from ingest.clean import html_to_text  # noqa: E402
from ingest.digest import digest_item  # noqa: E402
from ingest.errors import ExtractError  # noqa: E402
from ingest.extract import extract_article  # noqa: E402
from ingest.model import Fetched, SourceSpec  # noqa: E402
from ingest.parse import parse_feed  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus" / "article-extraction" / "html"
Story = tuple[str, str]  # title, body text


def generated(feeds: int = 20, items: int = 20) -> list[Story]:
    spec = SourceSpec(name="bench", url="http://127.0.0.1:1/feed")
    now = datetime(2026, 5, 1, tzinfo=UTC)
    out = []
    for feed in range(feeds):
        body = feed_xml("http://127.0.0.1:1", feed, items)
        fetched = Fetched(url=spec.url, final_url=spec.url, status=200, headers={}, body=body)
        for i, item in enumerate(parse_feed(spec, fetched).items):
            story = digest_item(item, None, spec, f"{feed}-{i}", now)
            out.append((story.title, story.body_text))
    return out


def real_pages() -> list[Story] | str:
    if not REAL.is_dir():
        return f"{REAL} absent"
    out = []
    for path in sorted(REAL.glob("*.html.gz")):
        url = f"https://example.test/{path.name}"
        fetched = Fetched(
            url=url,
            final_url=url,
            status=200,
            headers={"content-type": "text/html"},
            body=gzip.decompress(path.read_bytes()),
        )
        try:
            article = extract_article(fetched, None)
        except ExtractError:
            continue
        out.append((article.title or "", html_to_text(article.body_html)))
    return out or f"no readable page in {REAL}"


def load(path: Path | None) -> ModuleType:
    if path is None:
        from ingest import dedupe

        return dedupe
    spec = importlib.util.spec_from_file_location("dedupe_compared", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["dedupe_compared"] = module
    spec.loader.exec_module(module)
    return module


Part = Callable[[str, str], object]


def parts(dd: ModuleType, stories: list[Story]) -> dict[str, Part]:
    """What is timed: the whole fingerprint, then its three parts one by one."""
    params = dd.DedupeParams()
    # The signatures' inputs, made ahead so that part times only MinHash and the bands.
    made: dict[tuple[str, str], tuple[object, object]] = {}
    for title, body in stories:
        terms = sorted(dd.features(title, body).terms)
        shingles = dd.shingle_hashes(dd.words(body), params.shingle_size)
        made[title, body] = (shingles, dd._token_hashes(terms) if terms else shingles[:0])

    def signatures(title: str, body: str) -> object:
        shingles, terms = made[title, body]
        text_sig = dd.minhash(shingles, params.num_perm, salt=1)
        event_sig = dd.minhash(terms, params.event_perm, salt=2)
        return (
            dd.band_hashes(text_sig, params.bands),
            dd.band_hashes(event_sig, params.event_bands, salt=1),
        )

    return {
        "fingerprint": lambda t, b: dd.fingerprint(t, b, params),
        "features": lambda t, b: dd.features(t, b),
        "words+shingles": lambda t, b: dd.shingle_hashes(dd.words(b), params.shingle_size),
        "minhash+bands": signatures,
    }


def forget(dd: ModuleType) -> None:
    """Empty what the module remembers between stories (token tables, seeds)."""
    memo = getattr(dd, "_Memo", None)
    for value in vars(dd).values():
        if memo is not None and isinstance(value, memo):
            value.table = {}
    offices = getattr(dd, "_OFFICE_TOKENS", None)
    if offices is not None:
        offices.known = (set(), set())
    clear = getattr(dd._seeds, "cache_clear", None)
    if clear is not None:
        clear()


def time_set(dd: ModuleType, stories: list[Story], repeat: int) -> dict[str, tuple[float, float]]:
    """Per part: µs per story of the first (cold) pass and of the best later one."""
    out = {}
    for name, fn in parts(dd, stories).items():
        forget(dd)
        passes = []
        for _ in range(repeat):
            start = time.process_time()
            for title, body in stories:
                fn(title, body)
            passes.append((time.process_time() - start) / len(stories) * 1e6)
        out[name] = (passes[0], min(passes[1:] or passes))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--module", type=Path, help="another dedupe.py to time instead")
    args = ap.parse_args()
    dd = load(args.module)
    sets: dict[str, list[Story] | str] = {"feed_xml": generated(), "real pages": real_pages()}
    print(f"module: {dd.__file__}")
    for label, stories in sets.items():
        if isinstance(stories, str):
            print(f"{label}: skipped ({stories})")
            continue
        words = sum(len(dd.words(b)) for _, b in stories) / len(stories)
        print(f"{label}: {len(stories)} stories, {words:.0f} words each on average")
        print(f"  {'part':<16}{'cold µs/story':>15}{'warm µs/story':>15}")
        for name, (cold, warm) in time_set(dd, stories, args.repeat).items():
            print(f"  {name:<16}{cold:>15.1f}{warm:>15.1f}")


if __name__ == "__main__":
    main()
