"""The process pool's workers: they digest batches and load only what digesting needs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from communique.wiring import cpu_pool
from ingest.dedupe import DedupeParams
from ingest.digest import digest_batch
from ingest.errors import CommuniqueError
from ingest.model import Digest, DigestJob, RawItem, SourceSpec
from tests import pool_probe

SPEC = SourceSpec(name="pool", url="https://pool.example/feed.xml")
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
BODY = "<p>" + " ".join(["Ministers from Peru and Bolivia met in La Paz on Tuesday."] * 8) + "</p>"


def _job(n: int, html: str) -> DigestJob:
    item = RawItem(
        source="pool", guid=None, title=f"Story {n}", url=f"https://pool.example/{n}",
        content_html=html,
    )  # fmt: skip
    return DigestJob(item, None, f"k{n}", NOW)


def test_a_worker_loads_the_digest_path_only() -> None:
    # Spawned workers import their initializer's module and the task's: not the store,
    # the fetcher or the feeds (a second of CPU and tens of MB per worker).
    pool = cpu_pool()
    try:
        assert pool.submit(pool_probe.loaded_besides_digest).result(timeout=120) == []
    finally:
        pool.shutdown()


# What only the pool's workers need: the feed parser, extraction, cleaning, tagging and the
# language model, and what httpx loads for its own command line.
WORKERS_ONLY = (
    "feedparser", "bs4", "soupsieve", "py3langid", "trafilatura", "click", "pygments",
    "ingest.digest", "ingest.normalize", "ingest.clean", "ingest.extract", "ingest.listing",
    "ingest.parse", "ingest.scrape",
)  # fmt: skip


def test_the_writers_process_leaves_the_digest_path_to_the_workers() -> None:
    # The process that fetches and stores sends its items to the pool by name
    # (``ingest.work``): the modules that digest them load there, not in it (bench/
    # ingest_speed.py: a smaller peak and a faster start for cron's ``ingest``).
    code = (
        "import sys\n"
        "from communique import wiring\n"
        "from communique.settings import load_settings\n"
        "from ingest import pipeline\n"
        "from ingest.store.engine import open_store\n"
        f"print(' '.join(m for m in {WORKERS_ONLY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


# What only writing a story needs: the clustering and its numpy; what only an item needs
# (lxml and nh3, for judging a teaser); the process pool, started by the first item; the
# tagger, for a config that filters feeds on countries or topics; rich's progress bar, for
# a terminal (fifteenth session: cron-304 0.584 -> 0.54 s, medians of 10, with these and
# the type hints of the config read once per class).
WRITING_ONLY = (
    "numpy", "ingest.dedupe", "ingest.store.clusters", "ingest.acts", "lxml", "nh3",
    "ingest.teaser", "multiprocessing", "concurrent.futures.process", "ingest.tags",
    "rich.progress",
)  # fmt: skip


def test_the_command_line_loads_clustering_only_to_write(tmp_path: Path) -> None:
    # A cron ``ingest`` on an up-to-date store writes nothing: it should not pay for
    # numpy and the clustering at start-up (bench/ingest_speed.py's cron-304: 0.52 -> 0.46 s
    # of a 0.35 s budget, 72 -> 60 MB).
    config = tmp_path / "communique.toml"
    config.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "s.db"}"\n[[sources]]\n'
                      'name = "x"\nurl = "http://127.0.0.1:9/feed.xml"\n')  # fmt: skip
    code = (
        "import sys\n"
        "from communique.cli import run\n"
        f"try: run(['--config', {str(config)!r}, 'ingest'])\n"
        "except SystemExit: pass\n"
        f"print('loaded:', *(m for m in {WRITING_ONLY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    last = out.stdout.splitlines()[-1]
    assert "failed" in out.stdout + out.stderr  # the source was tried, and nothing written
    assert last == "loaded:", (last, out.stderr[-2000:])


def test_a_batch_keeps_order_and_loses_only_a_bad_item() -> None:
    jobs = [
        _job(0, BODY),
        DigestJob(RawItem("pool", None, None, None), None, "k1", NOW),
        _job(2, BODY),
    ]
    pool = cpu_pool()
    try:
        got = pool.submit(digest_batch, jobs, SPEC, DedupeParams()).result(timeout=120)
    finally:
        pool.shutdown()
    assert [type(g) for g in got] == [Digest, type(got[1]), Digest]
    assert isinstance(got[1], CommuniqueError)
    assert [g.story.key for g in got if isinstance(g, Digest)] == ["k0", "k2"]


def test_a_broken_pool_is_replaced_at_the_next_submit() -> None:
    # A worker that dies fails what the pool held; the daemon's next source gets a new pool
    # instead of the same BrokenProcessPool for as long as it runs.
    from concurrent.futures.process import BrokenProcessPool

    from communique.wiring import OnDemandPool

    pool = OnDemandPool()
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(pool_probe.die).result(timeout=120)
        assert pool.submit(os.getpid).result(timeout=120) != os.getpid()
    finally:
        pool.shutdown()
