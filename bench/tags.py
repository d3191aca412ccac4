"""Tagging quality and speed on the labeled set in tests/fixtures/tags/labeled.json.

Reports, for the offline tagger (ingest/tags.py with ingest/data/*.json):
  - "diplomatic at min_score": precision, recall and F1 of ``score >= min_score`` against the
    ``diplomatic`` label (the default "diplomacy" output feed filters at 0.3);
  - per-topic precision and recall (items whose topics are labeled);
  - country tags, micro-averaged precision and recall;
  - speed: tagging a story of about 1,000 words (countries + topics + score) against a plain
    regex scan of the same text (``\\w+`` tokenisation) in the same run, as a ratio.

Corpora: ``set`` (the written texts), ``demo`` (the bundled demo site's article pages, text
extracted by the real extractor), ``clusters`` (the dedupe corpus in tests/fixtures/clusters,
countries labeled, all diplomatic; used when present).

    python bench/tags.py [--min-score 0.3] [--errors] [--corpus set,demo,clusters]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.extract import extract_article
from ingest.html_tree import html_to_text
from ingest.model import Fetched
from ingest.tags import Tagger, default_tagger

ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT / "tests" / "fixtures" / "tags" / "labeled.json"
CLUSTERS = ROOT / "tests" / "fixtures" / "clusters"
DEMO_SITE = ROOT / "communique" / "demo_site"
DEMO_BASE = "http://127.0.0.1:8000"
CORPORA = ("set", "demo", "clusters")


@dataclass(frozen=True)
class Labeled:
    id: str
    corpus: str
    text: str
    diplomatic: bool
    countries: frozenset[str]
    topics: frozenset[str] | None  # None: topics not labeled


@dataclass(frozen=True)
class Tagged:
    item: Labeled
    score: float
    countries: frozenset[str]
    topics: frozenset[str]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: Iterable[str], truth: Iterable[str]) -> None:
        predicted, truth = set(predicted), set(truth)
        self.tp += len(predicted & truth)
        self.fp += len(predicted - truth)
        self.fn += len(truth - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    min_score: float
    diplomatic: Counts = field(default_factory=Counts)
    countries: Counts = field(default_factory=Counts)
    topics: dict[str, Counts] = field(default_factory=dict)
    misjudged: list[Tagged] = field(default_factory=list)
    country_errors: list[tuple[str, set[str], set[str]]] = field(default_factory=list)


# --- loading -------------------------------------------------------------------------------


def load_set(path: Path = LABELED) -> list[Labeled]:
    """The written texts and the demo pages of the labeled set."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [_labeled(entry) for entry in data["items"]]


def _labeled(entry: dict) -> Labeled:
    if "demo_page" in entry:
        text, corpus = demo_page_text(DEMO_SITE / entry["demo_page"]), "demo"
    else:
        text, corpus = f"{entry['title']}\n\n{entry['body']}", "set"
    return Labeled(
        id=entry["id"],
        corpus=corpus,
        text=text,
        diplomatic=entry["diplomatic"],
        countries=frozenset(entry["countries"]),
        topics=frozenset(entry["topics"]),
    )


def demo_page_text(path: Path) -> str:
    """Title and body text of a demo article page, as the normalizer would see them."""
    body = path.read_bytes().replace(b"{{BASE}}", DEMO_BASE.encode())
    url = f"{DEMO_BASE}/{path.relative_to(DEMO_SITE).as_posix()}"
    headers = {"content-type": "text/html; charset=utf-8"}
    article = extract_article(Fetched(url, url, 200, headers, body), None)
    return f"{article.title or ''}\n\n{html_to_text(article.body_html)}"


def load_clusters(directory: Path = CLUSTERS) -> list[Labeled]:
    """Articles of the dedupe corpus: country labels, all diplomatic, topics not labeled."""
    items = []
    for path in sorted(directory.glob("*.txt")):
        for n, chunk in enumerate(path.read_text(encoding="utf-8").split("\n=====\n")):
            head, _, body = chunk.strip().partition("\n\n")
            fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            body = body.split("----- appended -----")[0].strip()
            codes = [c.strip() for c in fields.get("countries", "").split(",") if c.strip()]
            text = f"{fields.get('title', '')}\n\n{body}"
            items.append(
                Labeled(f"{path.stem}#{n}", "clusters", text, True, frozenset(codes), None)
            )
    return items


def load(corpora: Sequence[str] = CORPORA) -> list[Labeled]:
    items = [i for i in load_set() if i.corpus in corpora]
    if "clusters" in corpora and CLUSTERS.is_dir():
        items += load_clusters()
    return items


# --- evaluation ----------------------------------------------------------------------------


def tag(tagger: Tagger, text: str) -> tuple[tuple[str, ...], dict[str, int], float]:
    """What normalize.py stores: countries, topic hits and the score."""
    countries = tagger.countries(text)
    hits = tagger.topic_hits(text)
    return countries, hits, tagger.score(hits, len(countries))


def evaluate(tagger: Tagger, items: Iterable[Labeled], min_score: float = 0.3) -> Report:
    report, items = Report(min_score), list(items)
    labeled = {name for item in items for name in item.topics or ()}
    names = sorted(labeled | {t.name for t in tagger.topics if t.weight > 0})
    report.topics = {name: Counts() for name in names}
    for item in items:
        countries, hits, score = tag(tagger, item.text)
        tagged = Tagged(item, score, frozenset(countries), frozenset(hits))
        _count(report, tagged, names)
    return report


def _count(report: Report, tagged: Tagged, topic_names: list[str]) -> None:
    item = tagged.item
    predicted = tagged.score >= report.min_score
    report.diplomatic.add(["y"] if predicted else [], ["y"] if item.diplomatic else [])
    if predicted != item.diplomatic:
        report.misjudged.append(tagged)
    report.countries.add(tagged.countries, item.countries)
    if tagged.countries != item.countries:
        extra, missed = (
            set(tagged.countries - item.countries),
            set(item.countries - tagged.countries),
        )
        report.country_errors.append((item.id, extra, missed))
    if item.topics is not None:
        for name in topic_names:
            report.topics[name].add({name} & tagged.topics, {name} & item.topics)


# --- speed ---------------------------------------------------------------------------------


def long_story(items: Sequence[Labeled], words: int = 1000) -> str:
    """About ``words`` words of news text, built from the labeled set's own texts."""
    parts, total = [], 0
    for item in items:
        parts.append(item.text)
        total += len(item.text.split())
        if total >= words:
            break
    return " ".join("\n\n".join(parts).split()[:words])


def best_time(fn, repeat: int = 7, number: int = 50) -> float:  # type: ignore[no-untyped-def]
    """Seconds per call, best of ``repeat`` runs of ``number`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return min(runs)


def speed(tagger: Tagger, text: str) -> tuple[float, float]:
    """(tagging seconds, plain regex scan seconds) for ``text``."""
    words = re.compile(r"\w+")
    tag(tagger, text)  # warm caches before timing
    return best_time(lambda: tag(tagger, text)), best_time(lambda: words.findall(text))


# --- output --------------------------------------------------------------------------------


def print_report(label: str, report: Report, errors: bool) -> None:
    d, c = report.diplomatic, report.countries
    print(f"\n== {label}: diplomatic at min_score {report.min_score}")
    print(f"   precision {d.precision:.3f}  recall {d.recall:.3f}  F1 {d.f1:.3f}")
    print(f"   countries (micro): precision {c.precision:.3f}  recall {c.recall:.3f}")
    if errors:
        for t in report.misjudged:
            want = "diplomatic" if t.item.diplomatic else "not diplomatic"
            print(
                f"   ! {t.item.id}: score {t.score:.3f}, labeled {want}, topics {sorted(t.topics)}"
            )
        for item_id, extra, missed in report.country_errors:
            print(f"   ! {item_id}: extra {sorted(extra)} missed {sorted(missed)}")


def print_topics(report: Report) -> None:
    print("\n== topics (labeled items only)       P      R   support")
    for name, counts in sorted(report.topics.items()):
        support = counts.tp + counts.fn
        print(f"   {name:28s} {counts.precision:6.3f} {counts.recall:6.3f} {support:6d}")
    total = Counts()
    for counts in report.topics.values():
        total.tp, total.fp, total.fn = (
            total.tp + counts.tp,
            total.fp + counts.fp,
            total.fn + counts.fn,
        )
    print(f"   {'micro':28s} {total.precision:6.3f} {total.recall:6.3f}")


def score_table(tagger: Tagger, items: Sequence[Labeled]) -> None:
    print("\n== demo pages: score, countries")
    for item in items:
        countries, _, score = tag(tagger, item.text)
        mark = "D" if item.diplomatic else "-"
        print(f"   {mark} {score:5.3f} {','.join(countries):24.24s} {item.id}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-score", type=float, default=0.3)
    parser.add_argument("--errors", action="store_true", help="list every misjudged item")
    parser.add_argument("--corpus", default=",".join(CORPORA))
    args = parser.parse_args(argv)
    corpora = [c for c in args.corpus.split(",") if c]
    tagger, items = default_tagger(), load(corpora)
    by_corpus = Counter(i.corpus for i in items)
    print("items:", ", ".join(f"{k} {v}" for k, v in sorted(by_corpus.items())))
    for corpus in corpora:
        subset = [i for i in items if i.corpus == corpus]
        if subset:
            print_report(corpus, evaluate(tagger, subset, args.min_score), args.errors)
    everything = evaluate(tagger, items, args.min_score)
    print_report("all", everything, errors=False)
    print_topics(everything)
    score_table(tagger, [i for i in items if i.corpus == "demo"])
    story = long_story(items)
    tagging, scan = speed(tagger, story)
    print(f"\n== speed on a {len(story.split())}-word story ({len(story)} chars)")
    print(f"   tagging {tagging * 1e3:.3f} ms, plain regex scan {scan * 1e3:.3f} ms,")
    print(f"   ratio {tagging / scan:.1f}x  (median item {median_ms(tagger, items):.3f} ms)")


def median_ms(tagger: Tagger, items: Sequence[Labeled]) -> float:
    return statistics.median(best_time(lambda i=i: tag(tagger, i.text), 3, 5) for i in items) * 1e3


if __name__ == "__main__":
    main()
