"""Restart safety, with ``python -m communique run`` as a real subprocess against a fixture
site: SIGTERM mid-ingest exits promptly with a consistent store; ``kill -9`` at random
moments loses no committed story and duplicates none; a second daemon on one SQLite store
refuses to start."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.store.engine import create_engine
from tests.conftest import FixtureSite
from tests.daemon_support import free_port, items_for, rss, wait_for, write_config
from tests.proc_support import alive, descendants

pytestmark = pytest.mark.slow

FEEDS = 12
ITEMS = 12


class Web:
    """A fixture site of FEEDS feeds of ITEMS items each, and what the store should hold."""

    def __init__(self, site: FixtureSite) -> None:
        self.site = site
        self.expected: dict[str, set[str]] = {}
        self.sources: list[tuple[str, str]] = []
        for f in range(FEEDS):
            name = f"feed{f:02d}"
            items = items_for(site.base, name, ITEMS)
            site.add(
                f"/{name}.xml", rss(site.base, name, items), content_type="application/rss+xml"
            )
            self.expected[name] = {f"guid:{it.guid}" for it in items}  # item keys
            self.sources.append((name, site.url(f"/{name}.xml")))

    @property
    def total(self) -> int:
        return FEEDS * ITEMS


@pytest.fixture
def web(site: FixtureSite) -> Web:
    return Web(site)


@pytest.fixture
def config(tmp_path: Path, web: Web) -> Path:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    return write_config(tmp_path / "c.toml", url, web.sources, port=free_port(), workers=4)


@pytest.fixture
def engine(config: Path, tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


def start(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "communique", "--config", str(config), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=config.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )


def count(engine: sa.Engine) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM stories")).scalar_one())
    except sa.exc.OperationalError:  # not migrated yet
        return 0


def stored_keys(engine: sa.Engine) -> list[tuple[str, str]]:
    query = "SELECT s.name, t.item_key FROM stories t JOIN sources s ON s.id = t.source_id"
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(sa.text(query))]


def succeeded(engine: sa.Engine) -> dict[str, int]:
    """Sources whose last pass completed, with their story counts."""
    query = (
        "SELECT s.name, (SELECT count(*) FROM stories t WHERE t.source_id = s.id) "
        "FROM sources s WHERE s.last_success_at IS NOT NULL"
    )
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(sa.text(query))}


def leases(engine: sa.Engine) -> int:
    query = "SELECT count(*) FROM sources WHERE lease_owner IS NOT NULL"
    with engine.connect() as conn:
        return int(conn.execute(sa.text(query)).scalar_one())


def assert_exactly_once(engine: sa.Engine, web: Web) -> None:
    keys = stored_keys(engine)
    assert len(keys) == len(set(keys)), "a story was stored twice"
    by_source: dict[str, set[str]] = {}
    for name, key in keys:
        by_source.setdefault(name, set()).add(key)
    assert by_source == web.expected


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 10) -> float:
    began = time.monotonic()
    proc.send_signal(sig)
    proc.wait(timeout)
    return time.monotonic() - began


def test_sigterm_mid_ingest_exits_quickly_and_leaves_the_store_consistent(config, engine, web):
    proc = start(config)
    try:
        wait_for(lambda: count(engine) > 0, timeout=30)
        took = stop(proc)
    finally:
        proc.kill()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == 0, stderr
    assert took < 10
    assert "stopped" in stderr
    assert leases(engine) == 0  # nothing left claimed: the next run starts at once
    # A source recorded as done has all of its items; an interrupted one just has fewer.
    assert all(n == ITEMS for n in succeeded(engine).values())
    # The next run finishes the job without duplicating anything.
    proc = start(config)
    try:
        wait_for(lambda: len(succeeded(engine)) == FEEDS, timeout=40)
    finally:
        stop(proc)
    assert_exactly_once(engine, web)


def test_kill_9_at_random_moments_loses_and_duplicates_nothing(config, engine, web):
    rng = random.Random(os.getpid())
    for _ in range(5):
        before = count(engine)
        proc = start(config)
        try:
            # Kill once the run is under way: after it stored something new, at a random delay.
            wait_for(lambda b=before, p=proc: count(engine) > b or p.poll() is not None, timeout=30)
            time.sleep(rng.uniform(0.0, 0.6))
        finally:
            proc.kill()
            proc.wait(10)
        if count(engine) == web.total:
            break
    committed = set(stored_keys(engine))
    proc = start(config)
    try:
        wait_for(lambda: len(succeeded(engine)) == FEEDS, timeout=40)
    finally:
        stop(proc)
    assert committed <= set(stored_keys(engine))  # nothing committed was lost
    assert_exactly_once(engine, web)


def test_a_second_daemon_on_the_same_store_refuses_to_start(config, engine, tmp_path):
    first = start(config)
    try:
        wait_for(lambda: count(engine) > 0, timeout=30)
        second = subprocess.run(
            [sys.executable, "-m", "communique", "--config", str(config), "run"],
            capture_output=True,
            cwd=tmp_path,
            timeout=30,
        )
    finally:
        stop(first)
    assert second.returncode == 1
    message = second.stderr.decode()
    assert "another communique daemon" in message and f"pid {first.pid}" in message


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_no_process_of_the_daemon_outlives_it(config, engine, sig: int) -> None:
    proc = start(config)
    try:
        wait_for(lambda: count(engine) > 0, timeout=30)  # the worker pool is up by now
        children = descendants(proc.pid)
        assert children, "the daemon started no worker processes"
        proc.send_signal(sig)
        proc.wait(15)
    finally:
        proc.kill()
    wait_for(lambda: not alive(children), timeout=10)
    assert not alive(children)
