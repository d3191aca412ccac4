"""Article-extraction benchmark: our extractor against trafilatura on the shared corpus.

    .venv/bin/python bench/extraction.py [--corpus DIR] [--worst N] [--keep DIR]

Runs ``ingest.extract.extract_article`` (decoding, generic extraction and cleaning, as the
pipeline does) and trafilatura with its default settings (the corpus README's reference) on
every ``html/*.html.gz`` page, writes one ``<id>.json`` prediction per page and extractor,
and scores both with the corpus's own ``score.py``.  Offline: nothing but local files.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import trafilatura

from ingest.errors import ExtractError
from ingest.extract import extract_article
from ingest.html_tree import html_to_text
from ingest.model import Fetched

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "article-extraction"
Extractor = Callable[[bytes, str], str]


def ours(page: bytes, url: str) -> str:
    fetched = Fetched(url=url, final_url=url, status=200, headers={}, body=page)
    try:
        return html_to_text(extract_article(fetched, None).body_html)
    except ExtractError:
        return ""


def trafilatura_default(page: bytes, url: str) -> str:
    return trafilatura.extract(page) or ""


def load_scorer(corpus: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {corpus}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(extract: Extractor, pages: dict[str, bytes], truth: dict, out: Path) -> float:
    """Write one prediction per page into ``out``; returns the seconds taken."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for page_id, page in pages.items():
        body = extract(page, truth[page_id].get("url") or "")
        (out / f"{page_id}.json").write_text(json.dumps({"articleBody": body}), encoding="utf8")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--worst", type=int, default=0, help="list our N worst pages")
    ap.add_argument("--keep", type=Path, help="write predictions here instead of a temp dir")
    args = ap.parse_args(argv)
    if not (args.corpus / "ground-truth.json").exists():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    score = load_scorer(args.corpus)
    truth = json.loads((args.corpus / "ground-truth.json").read_text(encoding="utf8"))
    pages = {
        p.name.removesuffix(".html.gz"): gzip.decompress(p.read_bytes())
        for p in sorted((args.corpus / "html").glob("*.html.gz"))
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        results = {}
        for name, fn in (("communique", ours), ("trafilatura", trafilatura_default)):
            seconds = predict(fn, pages, truth, root / name)
            pred, *_ = score.load_predictions(root / name, set(truth))
            metrics, per_page = score.evaluate(truth, pred, n_bootstrap=200)
            results[name] = (metrics, per_page, seconds)
    report(results, len(pages))
    if args.worst:
        worst(results["communique"][1], args.worst)
    return 0


def report(results: dict, n_pages: int) -> None:
    print(f"{n_pages} pages")
    print(
        f"{'extractor':<13} {'F1':>15} {'precision':>10} {'recall':>8} {'empty':>6} {'s/page':>8}"
    )
    for name, (m, _, seconds) in results.items():
        f1 = f"{m['f1']:.4f} ± {m['f1_std']:.3f}"
        print(
            f"{name:<13} {f1:>15} {m['precision']:>10.4f} {m['recall']:>8.4f} "
            f"{m['empty_predictions']:>6} {seconds / n_pages:>8.3f}"
        )
    ours_f1, ref_f1 = results["communique"][0]["f1"], results["trafilatura"][0]["f1"]
    print(f"F1 ratio communique / trafilatura: {ours_f1 / ref_f1:.4f}")


def worst(per_page: dict, n: int) -> None:
    ranked = sorted(per_page.items(), key=lambda kv: kv[1]["precision"] + kv[1]["recall"])
    for page_id, m in ranked[:n]:
        print(f"  {page_id[:16]}  P {m['precision']:.3f}  R {m['recall']:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
