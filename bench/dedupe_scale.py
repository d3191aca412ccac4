"""Per-story dedupe cost and store size as the store grows (10k, 100k, 1M stories).

Synthetic stories (150-250 words from a Zipf-distributed vocabulary, with names) arrive at a
steady rate of one a minute, as in a store that grows over time; 15% are near-duplicates of a
recent story (a few words changed) and 5% exact copies.

One SQLite store grows through the sizes, in order.  Up to 2,000 stories short of each size
it is filled in bulk: each story fingerprinted by the real ``dedupe.fingerprint`` (in worker
processes), its row, signature blob and LSH bands written with large ``executemany``
batches, and put in the cluster of the story it copies (the generator knows), so the store
holds what ``assign_cluster`` would have left.  The last 2,000 stories before each size go
one by one through the real path (row insert, then ``assign_cluster``), and the reported cost
is the mean time of ``assign_cluster`` (fingerprint, index rows, lookup, decision) over them.
``--no-bulk`` sends every story through ``assign_cluster`` instead (a fresh store per size,
the slow and exact way).

The sizes are reached one after another, minutes apart, and this machine's speed drifts by
a third over such spans (CPU clock, neighbours).  So a copy of the store is kept at each
size, and the ratios come from interleaved rounds at the end: each round times the same
500 new stories on every size in turn, inside a transaction that is rolled back, and the
median round per size is reported.  Drift then hits every size alike.

    python bench/dedupe_scale.py [--sizes 10000,100000,1000000] [--dir DIR] [--no-bulk]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.pool import Pool
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from ingest import dedupe
from ingest.dedupe import DedupeParams
from ingest.model import Story
from ingest.store.clusters import assign_cluster
from ingest.store.engine import open_store
from ingest.store.lsh import band_keys
from ingest.store.schema import clusters, lsh_bands, sources, stories

ROUNDS = 5  # interleaved rounds over the kept stores
ROUND = 500  # stories timed per store per round
BATCH = 1000
BULK = 20_000  # stories per bulk transaction
BULK_CACHE_KIB = 1_048_576  # SQLite page cache while bulk filling (the default while timing)
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
        self.recent: list[tuple[str, str, int]] = []
        self.count = 0

    def text(self) -> str:
        n = int(self.rng.integers(150, 250))
        words = self.rng.choice(self.vocab, size=n, p=self.p).astype(object)  # no truncation
        slots = self.rng.integers(0, n, size=8)
        words[slots] = self.rng.choice(self.names, size=8)
        return " ".join(words) + "."

    def next(self) -> tuple[str, str]:
        """(title, body): a new story, or a copy or near-copy of a recent one."""
        title, body, _ = self.next_with_origin()
        return title, body

    def next_with_origin(self) -> tuple[str, str, int]:
        """(title, body, origin): ``origin`` is the number of the story it copies (its own
        number for a new story)."""
        n, self.count = self.count, self.count + 1
        roll = self.rng.random()
        if self.recent and roll < 0.20:
            title, base, origin = self.recent[int(self.rng.integers(0, len(self.recent)))]
            return title, base if roll < 0.05 else self._edit(base), origin
        # Headlines are content words: drawn evenly from the vocabulary, not from its head.
        title = " ".join(self.rng.choice(self.vocab, size=8))
        item = (title, self.text(), n)
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


@dataclass
class Result:
    size: int
    us_per_story: float
    bytes_on_disk: int
    clusters: int


def _fingerprint(item: tuple[int, str, str]) -> tuple[bytes, list[tuple[int, int]]]:
    """A bulk story's blob and band rows, by the same code ``assign_cluster`` runs."""
    i, title, body = item
    params = DedupeParams()
    fp = dedupe.fingerprint(title, body, params)
    return dedupe.pack_signatures(fp), band_keys(story(i, title, body), fp, params)


class Store:
    """The growing store: bulk fills, timed real inserts, and the bookkeeping between."""

    def __init__(self, path: Path, params: DedupeParams, pool: Pool) -> None:
        self.path, self.params, self.pool = path, params, pool
        for old in path.parent.glob(path.name + "*"):
            old.unlink()  # a store left by an earlier run
        self.engine = open_store(f"sqlite:///{path}")
        self.corpus = Corpus()
        self.cluster_of: dict[int, int] = {}  # story number -> cluster id, for bulk copies
        self.size = 0
        with self.engine.begin() as conn:
            values = {"name": "synthetic", "url": "https://synthetic.example/feed"}
            self.source_id = conn.execute(sa.insert(sources).values(**values)).inserted_primary_key[
                0
            ]

    def bulk(self, upto: int) -> None:
        while self.size < upto:
            n = min(BULK, upto - self.size)
            items = [(self.size + k, *self.corpus.next_with_origin()) for k in range(n)]
            done = self.pool.map(_fingerprint, [(i, t, b) for i, t, b, _ in items], chunksize=250)
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
                self._write_bulk(conn, items, done)
            self.size += n
            _progress(self.size, upto, every=BULK * 5)
        self.checkpoint()
        # Timing runs on fresh connections, with the engine's own settings (its page cache).
        self.engine.dispose()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the store, so sizes are of the store itself."""
        raw = self.engine.raw_connection()
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()

    def _write_bulk(self, conn: sa.Connection, items: list, done: list) -> None:
        now = START
        new = [(i, origin) for i, _, _, origin in items if origin == i]
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(clusters.c.id), 0))).scalar()
        conn.exec_driver_sql(
            "INSERT INTO clusters (id, created_at, updated_at, size) VALUES (?, ?, ?, 0)",
            [(first + k + 1, now, now) for k in range(len(new))],
        )
        for k, (i, _) in enumerate(new):
            self.cluster_of[i] = first + k + 1
        rows, bands = [], []
        for (i, title, body, origin), (blob, keys) in zip(items, done, strict=True):
            extra = {"id": i + 1, "cluster_id": self.cluster_of[origin], "minhash": blob}
            rows.append(_row(self.source_id, story(i, title, body)) | extra)
            bands += [(t, b, h, i + 1) for t, b, h in keys]
        conn.execute(sa.insert(stories), rows)
        bands.sort()  # in index order: the bulk insert then walks the index instead of seeking
        conn.exec_driver_sql(f"INSERT INTO {lsh_bands.name} VALUES (?, ?, ?, ?)", bands)
        touched = sorted({int(r["cluster_id"]) for r in rows})
        conn.exec_driver_sql(
            "UPDATE clusters SET size = (SELECT count(*) FROM stories WHERE cluster_id = ?),"
            " representative_id = (SELECT min(id) FROM stories WHERE cluster_id = ?)"
            " WHERE id = ?",
            [(c, c, c) for c in touched],
        )

    def timed(self, n: int) -> list[float]:
        """``n`` stories through the real path; ``assign_cluster``'s time for each."""
        timings: list[float] = []
        with self.engine.begin() as conn:
            for _ in range(n):
                s = story(self.size, *self.corpus.next())
                story_id = _insert_row(conn, self.source_id, s)
                t0 = time.perf_counter()
                assign_cluster(conn, story_id, s, self.params)
                timings.append(time.perf_counter() - t0)
                self.size += 1
            # Later bulk copies of these stories join the cluster they ended up in.
            for _, _, origin in self.corpus.recent:
                query = sa.select(stories.c.cluster_id).where(stories.c.id == origin + 1)
                self.cluster_of[origin] = conn.execute(query).scalar_one()
        return timings

    def result(self, timings: list[float]) -> Result:
        self.checkpoint()
        with self.engine.connect() as conn:
            n_clusters = conn.execute(
                sa.select(sa.func.count()).where(clusters.c.merged_into.is_(None))
            ).scalar_one()
        on_disk = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return Result(self.size, 1e6 * float(np.mean(timings)), on_disk, int(n_clusters))


def _row(source_id: int, s: Story) -> dict[str, object]:
    return {
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


def _insert_row(conn: sa.Connection, source_id: int, s: Story) -> int:
    return int(
        conn.execute(sa.insert(stories).values(**_row(source_id, s))).inserted_primary_key[0]
    )


@dataclass
class Snapshot:
    """The store as it was at one size, and the story stream's state at that point."""

    size: int
    path: Path
    corpus: Corpus
    source_id: int


def run_bulk(
    sizes: list[int], directory: Path, params: DedupeParams
) -> tuple[list[Result], list[Snapshot]]:
    results, snapshots = [], []
    with multiprocessing.Pool(max(1, (multiprocessing.cpu_count() or 2))) as pool:
        store = Store(directory / "scale.db", params, pool)
        for size in sizes:
            store.bulk(max(store.size, size - TAIL))
            r = store.result(store.timed(size - store.size))
            _report(r)
            results.append(r)
            path = store.path
            if size != sizes[-1]:  # the store grows on: keep a copy of it at this size
                path = directory / f"scale-{size}.db"
                shutil.copyfile(store.path, path)  # the WAL was just checkpointed into it
            snapshots.append(Snapshot(size, path, copy.deepcopy(store.corpus), store.source_id))
        store.engine.dispose()
    return results, snapshots


def interleaved(snapshots: list[Snapshot], params: DedupeParams, rounds: int) -> dict[int, float]:
    """The median per-story cost at each size over ``rounds`` rounds that visit every size."""
    costs: dict[int, list[float]] = {s.size: [] for s in snapshots}
    for n in range(rounds):
        for snap in snapshots:
            costs[snap.size].append(_round(snap, params))
        line = ", ".join(f"{size:,}: {c[-1]:.0f}" for size, c in costs.items())
        print(f"  round {n + 1}: µs/story {line}", file=sys.stderr, flush=True)
    return {size: float(np.median(c)) for size, c in costs.items()}


def _round(snap: Snapshot, params: DedupeParams) -> float:
    """Time ROUND new stories through ``assign_cluster`` on the store, then roll back."""
    engine = open_store(f"sqlite:///{snap.path}")
    corpus = copy.deepcopy(snap.corpus)  # the same stories in every round
    timings: list[float] = []
    try:
        with engine.connect() as conn:
            tx = conn.begin()
            for k in range(ROUND):
                s = story(snap.size + k, *corpus.next())
                story_id = _insert_row(conn, snap.source_id, s)
                t0 = time.perf_counter()
                assign_cluster(conn, story_id, s, params)
                timings.append(time.perf_counter() - t0)
            tx.rollback()
    finally:
        engine.dispose()
    return 1e6 * float(np.mean(timings))


def run(size: int, directory: Path, params: DedupeParams) -> Result:
    """Every story through ``assign_cluster``, in a fresh store."""
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


def _report(r: Result) -> None:
    print(
        f"{r.size:>9,} stories: {r.us_per_story:8.0f} µs/story (last {TAIL:,}), "
        f"store {r.bytes_on_disk / 2**20:8.1f} MiB "
        f"({r.bytes_on_disk / r.size / 1024:.1f} KiB/story), {r.clusters:,} clusters",
        flush=True,
    )


def _progress(done: int, size: int, every: int = BATCH * 50) -> None:
    if done % every == 0 or done >= size:
        print(f"  {min(done, size):>9,} / {size:,}", file=sys.stderr, flush=True)


def _sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        yield int(part.replace("_", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--dir", type=Path, help="keep the store files here (default: a temp dir)")
    parser.add_argument(
        "--no-bulk", action="store_true", help="send every story through assign_cluster"
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved timing rounds")
    args = parser.parse_args(argv)
    params = DedupeParams()
    sizes = sorted(_sizes(args.sizes))
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        if args.no_bulk:
            results = []
            for size in sizes:
                results.append(run(size, directory, params))
                _report(results[-1])
            costs = {r.size: r.us_per_story for r in results}
        else:
            results, snapshots = run_bulk(sizes, directory, params)
            print(f"interleaved: {args.rounds} rounds of {ROUND} stories on each size, medians")
            costs = interleaved(snapshots, params, args.rounds)
            for size, cost in costs.items():
                print(f"{size:>10,} stories: {cost:8.0f} µs/story")
    base = sizes[0]
    for size in sizes[1:]:
        ratio = costs[size] / costs[base]
        print(f"cost@{size:,} / cost@{base:,} = {ratio:.2f} (goal <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
