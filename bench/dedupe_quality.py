"""Clustering quality on two labeled corpora: tests/fixtures/clusters and the demo web.

fixtures: loads every article into a fresh SQLite store through the real ``assign_cluster``
path, in order of publication.
demo: runs the real pipeline (fetch, parse or scrape, extract, normalize, cluster) on the
bundled demo web (``communique.demo.DemoSite``) into a temporary SQLite store, labeled by URL
path in tests/fixtures/clusters_demo.json.  Sources are ingested one after another in config
order, in reverse, and all at once as ``communique demo`` does, since clustering must not
depend on which outlet is read first.

Both report pairwise precision and recall against the labels, the number of output items
(clusters) against true stories, and every false merge and miss.

Text modes:
  clean    the corpus's clean body text (what a perfect normalizer would give)
  cleaned  the page as an aggregator shows it (title twice, appended Q&A, "Leave a Replay")
           run through ingest.clean.clean_body, the normalizer's junk cutter
  raw      the page as shown, junk kept: how clustering fares when cleaning misses

    python bench/dedupe_quality.py [--mode clean|cleaned|raw|all] [--corpus DIR]
                                   [--which fixtures|demo|all]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from ingest.dedupe import DedupeParams, normalize_text
from ingest.model import FetchOptions, SourceSpec, Story
from ingest.store.clusters import assign_cluster
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories
from ingest.store.stories import insert_story

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
CORPUS = FIXTURES / "clusters"
DEMO_LABELS = FIXTURES / "clusters_demo.json"
MODES = ("clean", "cleaned", "raw")
DEMO_ORDERS = ("config", "reversed", "concurrent")
APPENDED = "----- appended -----"


@dataclass(frozen=True)
class Labeled:
    event: str
    outlet: str
    url: str
    title: str
    published: datetime
    countries: tuple[str, ...]
    role: str
    attributions: tuple[str, ...]
    body: str
    appended: str = ""
    repeat_title: bool = False

    @property
    def tag(self) -> str:
        return f"{self.event}/{self.role} ({self.outlet})"

    def page_text(self) -> str:
        """The body as the outlet's page shows it, junk included."""
        head = [self.title, self.title] if self.repeat_title else []
        return "\n\n".join([*head, self.body, *([self.appended] if self.appended else [])])


# --- the corpus ------------------------------------------------------------------------------


def load_corpus(root: Path = CORPUS) -> list[Labeled]:
    articles = []
    for path in sorted(root.glob("*.txt")):
        event = path.stem.split("-", 1)[1]
        for block in path.read_text(encoding="utf-8").split("\n=====\n"):
            if block.strip():
                articles.append(_article(event, block.strip("\n")))
    return articles


def _article(event: str, block: str) -> Labeled:
    head, _, text = block.partition("\n\n")
    meta = dict(
        line.split(": ", 1) if ": " in line else (line.rstrip(":"), "")
        for line in head.splitlines()
    )
    body, _, appended = text.partition(f"\n{APPENDED}\n")
    return Labeled(
        event=event,
        outlet=meta["outlet"],
        url=meta["url"],
        title=meta["title"],
        published=datetime.fromisoformat(meta["published"]),
        countries=tuple(sorted(_split(meta.get("countries", "")))),
        role=meta.get("role", "report"),
        attributions=tuple(_split(meta.get("attributions", ""))),
        body=body.strip(),
        appended=appended.strip(),
        repeat_title=meta.get("repeat_title", "") == "yes",
    )


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def body_for(article: Labeled, mode: str) -> str:
    if mode == "clean":
        return article.body
    if mode == "raw":
        return article.page_text()
    from ingest.clean import clean_body, text_to_html
    from ingest.html_tree import html_to_text

    html, _notes, _ = clean_body(text_to_html(article.page_text()), article.title)
    return html_to_text(html)


def story_of(article: Labeled, mode: str = "clean") -> Story:
    text = body_for(article, mode)
    return Story(
        source=article.outlet,
        key=article.url,
        url=article.url,
        title=article.title,
        body_html="".join(f"<p>{p}</p>" for p in text.split("\n\n")),
        body_text=text,
        summary=text.split(". ")[0],
        published=article.published,
        first_seen=article.published,
        outlet=article.outlet,
        content_hash=hashlib.sha256(normalize_text(" ".join(text.split())).encode()).hexdigest(),
        word_count=len(text.split()),
        attributions=article.attributions,
        # The corpus labels the countries each article names (clustering reads them from
        # `mentions`, as the pipeline stores them), not its parties.
        mentions=article.countries,
    )


# --- running ---------------------------------------------------------------------------------


def cluster_corpus(
    articles: Sequence[Labeled], url: str, params: DedupeParams, mode: str = "clean"
) -> list[int]:
    """Each article's cluster id after loading them all, in publication order."""
    return cluster_stories(articles, [story_of(a, mode) for a in articles], url, params)


def cluster_stories(
    articles: Sequence[Labeled], made: Sequence[Story], url: str, params: DedupeParams
) -> list[int]:
    """Each article's cluster id after storing its story (``made``, in the same order) and
    clustering them all in publication order."""
    engine = open_store(url)
    story_ids: dict[int, int] = {}
    try:
        with engine.begin() as conn:
            order = sorted(range(len(articles)), key=lambda i: articles[i].published)
            for i in order:
                story_ids[i] = _insert(conn, articles[i].outlet, made[i], params)
        with engine.connect() as conn:
            rows = dict(conn.execute(sa.select(stories.c.id, stories.c.cluster_id)).all())
    finally:
        engine.dispose()
    return [int(rows[story_ids[i]]) for i in range(len(articles))]


def _insert(conn: sa.Connection, outlet: str, story: Story, params: DedupeParams) -> int:
    source_id = conn.execute(
        sa.select(sources.c.id).where(sources.c.name == outlet)
    ).scalar_one_or_none()
    if source_id is None:
        values = {"name": outlet, "url": f"https://{outlet.replace(' ', '')}/feed"}
        source_id = conn.execute(sa.insert(sources).values(**values)).inserted_primary_key[0]
    story_id = insert_story(
        conn, source_id, story, raw_hash=story.content_hash, article_key=story.url
    )
    assign_cluster(conn, story_id, story, params)
    return story_id


# --- the demo web ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStory:
    """A story the pipeline stored from the demo web, with its label."""

    event: str
    outlet: str
    path: str
    title: str

    @property
    def tag(self) -> str:
        return f"{self.event} ({self.outlet}: {self.title[:60]})"


def demo_labels(path: Path = DEMO_LABELS) -> dict[str, str]:
    """Event label by the story's URL path on the demo site (the port changes, the path not)."""
    return {k.rstrip("/"): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def ingest_demo(
    url: str, params: DedupeParams, order: str = "config"
) -> list[tuple[str, str, str, int]]:
    """Run the real pipeline over the demo web into the store at ``url``; each stored story's
    URL path, outlet, title and cluster id.  ``order``: one of DEMO_ORDERS."""
    from communique.demo import DemoSite, demo_config
    from communique.settings import load_settings

    with DemoSite() as site, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "demo.toml"
        config.write_text(demo_config(site.base_url, url, "127.0.0.1", 8080), encoding="utf-8")
        specs = list(load_settings(config).sources)
        engine = open_store(url)
        try:
            _ingest_in_order(engine, specs, params, order)
            with engine.connect() as conn:
                cols = (stories.c.url, stories.c.outlet, stories.c.title, stories.c.cluster_id)
                rows = conn.execute(sa.select(*cols).order_by(stories.c.id)).all()
        finally:
            engine.dispose()
    return [(urlsplit(u).path.rstrip("/"), o, t, int(c)) for u, o, t, c in rows]


def _ingest_in_order(
    engine: sa.Engine, specs: list[SourceSpec], params: DedupeParams, order: str
) -> None:
    from ingest import pipeline
    from ingest.fetch import Fetcher

    options = FetchOptions(allow_private_networks=True, per_host_delay=0, per_host_concurrency=4)
    with Fetcher(options) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher, dedupe=params)
        pipeline.sync(ctx, specs)
        if order == "concurrent":
            reports = pipeline.ingest_many(ctx, specs, workers=len(specs))
        else:
            ordered = specs if order == "config" else specs[::-1]
            reports = [pipeline.ingest_source(ctx, spec) for spec in ordered]
    failed = [f"{r.name}: {r.error}" for r in reports if not r.ok or r.failed]
    if failed:
        raise RuntimeError("demo ingest failed: " + "; ".join(failed))


def measure_demo(order: str = "config", params: DedupeParams | None = None) -> Quality:
    labels = demo_labels()
    with tempfile.TemporaryDirectory() as tmp:
        stored = ingest_demo(f"sqlite:///{Path(tmp) / 'demo.db'}", params or DedupeParams(), order)
    paths = {row[0] for row in stored}
    if paths != labels.keys():
        raise RuntimeError(
            f"demo labels are stale: unlabeled {sorted(paths - labels.keys())},"
            f" not stored {sorted(labels.keys() - paths)}"
        )
    items = [DemoStory(labels[path], outlet, path, title) for path, outlet, title, _ in stored]
    return evaluate(items, [row[3] for row in stored])


# --- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    clusters: int
    events: int
    false_merges: list[tuple[Item, Item]]
    misses: list[tuple[Item, Item]]
    joined: int = 0  # pairs of one event that share a cluster


Item = Labeled | DemoStory


def evaluate(articles: Sequence[Item], assigned: Sequence[int]) -> Quality:
    """Pairwise precision and recall: a pair is positive when both share a cluster."""
    tp, fm, miss = 0, [], []
    for i, j in itertools.combinations(range(len(articles)), 2):
        same_event = articles[i].event == articles[j].event
        same_cluster = assigned[i] == assigned[j]
        if same_event and same_cluster:
            tp += 1
        elif same_cluster:
            fm.append((articles[i], articles[j]))
        elif same_event:
            miss.append((articles[i], articles[j]))
    return Quality(
        precision=tp / (tp + len(fm)) if tp + len(fm) else 1.0,
        recall=tp / (tp + len(miss)) if tp + len(miss) else 1.0,
        clusters=len(set(assigned)),
        events=len({a.event for a in articles}),
        false_merges=fm,
        misses=miss,
        joined=tp,
    )


def measure(
    mode: str = "clean", params: DedupeParams | None = None, corpus: Path = CORPUS
) -> Quality:
    articles = load_corpus(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'quality.db'}"
        return evaluate(articles, cluster_corpus(articles, url, params or DedupeParams(), mode))


# --- report ----------------------------------------------------------------------------------


def _pair(a: Item, b: Item) -> str:
    return f"  {a.tag}  ~  {b.tag}"


def report(mode: str, q: Quality, out: Iterable[str] = ()) -> list[str]:
    lines = [
        f"mode {mode}: precision {q.precision:.3f}  recall {q.recall:.3f}  "
        f"items {q.clusters} for {q.events} true stories",
        *out,
    ]
    lines += [f"false merges ({len(q.false_merges)}):"] + [_pair(a, b) for a, b in q.false_merges]
    lines += [f"misses ({len(q.misses)}):"] + [_pair(a, b) for a, b in q.misses]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=(*MODES, "all"), default="all")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--which", choices=("fixtures", "demo", "all"), default="all")
    args = parser.parse_args(argv)
    print("params:", replace(DedupeParams()))
    results: list[Quality] = []
    if args.which in ("fixtures", "all"):
        results += _run_fixtures(args.corpus, MODES if args.mode == "all" else (args.mode,))
    if args.which in ("demo", "all"):
        results += _run_demo()
    ok = all(q.precision >= 0.98 and q.recall >= 0.95 for q in results)
    print("goal (precision >= 0.98, recall >= 0.95):", "met" if ok else "NOT met")
    return 0 if ok else 1


def _run_fixtures(corpus: Path, modes: Sequence[str]) -> list[Quality]:
    articles = load_corpus(corpus)
    print(
        f"corpus {corpus.name}: {len(articles)} articles, {len({a.event for a in articles})}"
        " stories"
    )
    results = []
    for mode in modes:
        results.append(q := measure(mode, corpus=corpus))
        print("\n".join(report(mode, q)))
    return results


def _run_demo() -> list[Quality]:
    labels = demo_labels()
    print(f"corpus demo: {len(labels)} stories, {len(set(labels.values()))} events")
    results = []
    for order in DEMO_ORDERS:
        results.append(q := measure_demo(order))
        print("\n".join(report(f"demo/{order}", q)))
    return results


if __name__ == "__main__":
    sys.exit(main())
