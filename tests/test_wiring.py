"""The composition root's process pool: started on demand, alive until shut down, and its
workers gone after it (they die with the thread that spawned them, so that must be the
pool's own)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from communique.wiring import OnDemandPool
from tests.proc_support import alive, left_behind


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_a_pool_first_used_by_a_short_lived_thread_outlives_it() -> None:
    pool = OnDemandPool()
    before = left_behind(os.getpid())
    assert not (left_behind(os.getpid()) - before)  # nothing started yet
    results: list[int] = []
    first = threading.Thread(target=lambda: results.append(pool.submit(abs, -3).result(60)))
    first.start()
    first.join(90)
    assert results == [3]
    # The thread that asked first is gone; the workers are not.
    assert pool.submit(abs, -4).result(60) == 4
    workers = left_behind(os.getpid()) - before
    assert workers
    pool.shutdown(wait=True)
    assert not alive(workers)
