"""Per-story dedupe cost and store size as the store grows (10k, 100k, 1M stories).

Synthetic stories (150-250 words from a Zipf-distributed vocabulary, with names) arrive at a
steady rate of one a minute, as in a store that grows over time; 15% are near-duplicates of a
recent story (a few words changed) and 5% exact copies.  Every story goes through the real
``assign_cluster`` in a fresh SQLite file per size, one transaction per batch.  The cost is
the mean time of ``assign_cluster`` over the last 2,000 inserts at each size.

    python bench/dedupe_scale.py [--sizes 10000,100000,1000000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from ingest.dedupe import DedupeParams
from ingest.model import Story
from ingest.store.clusters import assign_cluster
from ingest.store.engine import open_store
from ingest.store.schema import clusters, sources, stories

BATCH = 1000
TAIL = 2000
START = datetime(2024, 1, 1, tzinfo=UTC)


class Corpus:
    """A seeded stream of synthetic stories with near-duplicates among them."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = np.array([f"w{i}" for i in range(30_000)])
        ranks = np.arange(1, self.vocab.size + 1)
        self.p = (1 / ranks) / (1 / ranks).sum()
        self.names = np.array([f"Name{i}" for i in range(5_000)])
        self.recent: list[str] = []

    def text(self) -> str:
        n = int(self.rng.integers(150, 250))
        words = self.rng.choice(self.vocab, size=n, p=self.p).astype(object)  # no truncation
        slots = self.rng.integers(0, n, size=8)
        words[slots] = self.rng.choice(self.names, size=8)
        return " ".join(words) + "."

    def next(self) -> tuple[str, str]:
        """(title, body): a new story, or a copy or near-copy of a recent one."""
        roll = self.rng.random()
        if self.recent and roll < 0.20:
            title, base = self.recent[int(self.rng.integers(0, len(self.recent)))]
            return title, base if roll < 0.05 else self._edit(base)
        # Headlines are content words: drawn evenly from the vocabulary, not from its head.
        title = " ".join(self.rng.choice(self.vocab, size=8))
        item = (title, self.text())
        self.recent = [*self.recent[-499:], item]
        return item

    def _edit(self, base: str) -> str:
        words = base.split()
        for i in self.rng.integers(0, len(words), size=6):
            words[i] = str(self.rng.choice(self.vocab[:2000]))
        return " ".join(words)


def story(i: int, title: str, body: str) -> Story:
    published = START + timedelta(minutes=i)
    return Story(
        source="synthetic",
        key=f"s{i}",
        url=f"https://synthetic.example/{i}",
        title=title,
        body_html="",
        body_text=body,
        summary="",
        published=published,
        first_seen=published,
        outlet=f"Outlet {i % 50}",
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        word_count=body.count(" ") + 1,
    )


def _insert_row(conn: sa.Connection, source_id: int, s: Story) -> int:
    values = {
        "source_id": source_id,
        "item_key": s.key,
        "article_key": s.url,
        "url": s.url,
        "title": s.title,
        "body_text": s.body_text,
        "published_at": s.published,
        "first_seen_at": s.first_seen,
        "outlet": s.outlet,
        "word_count": s.word_count,
        "attributions": [],
        "countries": [],
        "topics": [],
        "content_hash": s.content_hash,
        "raw_hash": s.content_hash,
    }
    return int(conn.execute(sa.insert(stories).values(**values)).inserted_primary_key[0])


@dataclass
class Result:
    size: int
    us_per_story: float
    bytes_on_disk: int
    clusters: int


def run(size: int, directory: Path, params: DedupeParams) -> Result:
    path = directory / f"scale-{size}.db"
    engine = open_store(f"sqlite:///{path}")
    corpus = Corpus()
    timings: list[float] = []
    with engine.begin() as conn:
        values = {"name": "synthetic", "url": "https://synthetic.example/feed"}
        source_id = conn.execute(sa.insert(sources).values(**values)).inserted_primary_key[0]
    for start in range(0, size, BATCH):
        with engine.begin() as conn:
            for i in range(start, min(start + BATCH, size)):
                s = story(i, *corpus.next())
                story_id = _insert_row(conn, source_id, s)
                t0 = time.perf_counter()
                assign_cluster(conn, story_id, s, params)
                timings.append(time.perf_counter() - t0)
        timings = timings[-TAIL:]
        _progress(start + BATCH, size)
    with engine.connect() as conn:
        n_clusters = conn.execute(
            sa.select(sa.func.count()).where(clusters.c.merged_into.is_(None))
        ).scalar_one()
    engine.dispose()
    # The database and its write-ahead log.
    on_disk = sum(p.stat().st_size for p in directory.glob(f"scale-{size}.db*"))
    return Result(size, 1e6 * float(np.mean(timings)), on_disk, int(n_clusters))


def _progress(done: int, size: int) -> None:
    if done % (BATCH * 50) == 0 or done >= size:
        print(f"  {min(done, size):>9,} / {size:,}", file=sys.stderr, flush=True)


def _sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        yield int(part.replace("_", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--dir", type=Path, help="keep the store files here (default: a temp dir)")
    args = parser.parse_args(argv)
    params = DedupeParams()
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        results = []
        for size in _sizes(args.sizes):
            r = run(size, directory, params)
            results.append(r)
            print(
                f"{r.size:>9,} stories: {r.us_per_story:8.0f} µs/story (last {TAIL:,}), "
                f"store {r.bytes_on_disk / 2**20:8.1f} MiB "
                f"({r.bytes_on_disk / r.size / 1024:.1f} KiB/story), {r.clusters:,} clusters",
                flush=True,
            )
    base = results[0]
    for r in results[1:]:
        ratio = r.us_per_story / base.us_per_story
        print(f"cost@{r.size:,} / cost@{base.size:,} = {ratio:.2f} (goal <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
