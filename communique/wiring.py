"""Builds what the commands and the daemon share: the store, the process pool, the pipeline's
context. It imports neither of them, so the composition root has no import cycle."""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from communique import memory
from communique.lifetime import pool_worker_start
from communique.settings import Settings
from ingest import pipeline
from ingest.errors import ConfigError
from ingest.fetch import Fetcher
from ingest.schedule import SchedulePolicy
from ingest.store import outputs
from ingest.store.engine import open_store

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger("communique.pool")


def store(settings: Settings, *, writes: bool = True) -> sa.Engine:
    """Open (and migrate) the configured store. A command that ``writes`` also records the
    output feeds the configuration defines (their creation time is an empty feed's
    `updated`); ``serve`` only reads."""
    try:
        engine = open_store(settings.store.url)
    except sa.exc.ArgumentError as e:
        raise ConfigError("store.url", str(e)) from e
    if writes:
        with engine.begin() as conn:
            outputs.register(conn, [f.slug for f in settings.feeds], datetime.now(UTC))
    return engine


def policy(settings: Settings) -> SchedulePolicy:
    s = settings.schedule
    return SchedulePolicy(
        jitter=s.jitter,
        min_interval=s.min_interval,
        max_interval=s.max_interval,
        adaptive=s.adaptive,
    )


class OnDemandPool(Executor):
    """A process pool started by its first task. A one-shot ``ingest`` whose sources all
    answer 304 (cron's usual case) never pays for spawning workers that import the pipeline.

    The workers are spawned by a thread of this pool's own, alive until ``shutdown``: the
    kernel's parent-death signal (``communique.lifetime``) follows the *thread* that started
    a child, and the ingest thread that happens to submit first ends long before the pool.

    A pool that broke (a worker died: killed for memory, say) fails the tasks it held and is
    replaced at the next submit, so one dead worker does not fail every later source of a
    daemon that runs for weeks."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._owner: threading.Event | None = None  # set: the owner thread may end
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        from concurrent.futures.process import BrokenProcessPool

        with self._lock:
            if self._pool is None:
                self._pool, self._owner = self._start()
            try:
                return self._pool.submit(fn, *args, **kwargs)
            except BrokenProcessPool:
                log.warning("the process pool broke (a worker died); starting a new one")
                self._stop(wait=False)
                self._pool, self._owner = self._start()
                return self._pool.submit(fn, *args, **kwargs)

    @staticmethod
    def _start() -> tuple[ProcessPoolExecutor, threading.Event]:
        started: list[ProcessPoolExecutor | BaseException] = []
        ready, release = threading.Event(), threading.Event()

        def own() -> None:
            try:
                started.append(cpu_pool())  # spawns every worker from this thread
            except BaseException as e:  # the caller raises it; waiting on would hang
                started.append(e)
                ready.set()
                return
            ready.set()
            release.wait()

        threading.Thread(target=own, name="cpu-pool-owner", daemon=True).start()
        ready.wait()
        if isinstance(started[0], BaseException):
            raise started[0]
        return started[0], release

    def _stop(self, wait: bool, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
        if self._owner is not None:
            self._owner.set()
        self._pool = self._owner = None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._stop(wait, cancel_futures)


def cpu_pool() -> ProcessPoolExecutor:
    """Processes for extraction and normalization, one per core.

    spawn, because forking a process that runs fetch threads and holds database connections
    copies them in whatever state they are in, and because a spawned worker is the daemon's
    own child, which dies with it (``communique.lifetime``); forkserver's server and workers
    outlived a ``kill -9``. Workers ignore SIGINT and SIGTERM: the parent decides when they
    stop, after in-flight items are stored.
    """
    import multiprocessing  # with the pool: a cron run answered by 304 starts none
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 1
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=pool_worker_start,
        initargs=(os.getpid(),),
    )
    # Start the workers now: a spawned worker imports the pipeline first, which the first
    # source should not wait for (nor a SIGTERM soon after start).
    for _ in range(workers):
        pool.submit(os.getpid)
    return pool


def pipeline_context(
    settings: Settings,
    engine: sa.Engine,
    fetcher: Fetcher,
    cpu: Executor | None,
    *,
    on_change: Callable[[], None] | None = None,
    on_report: Callable[[pipeline.SourceReport], None] | None = None,
    stop: threading.Event | None = None,
    heartbeat: Callable[[str], None] | None = None,
) -> pipeline.Context:
    """The pipeline's context: the one place that turns settings into it."""
    memory.cap_arenas()  # before the ingest threads first allocate
    return pipeline.Context(
        engine=engine,
        fetcher=fetcher,
        dedupe=settings.dedupe,
        policy=policy(settings),
        on_change=on_change,
        on_report=functools.partial(_reported, on_report),
        stop=stop or threading.Event(),
        cpu=cpu,
        heartbeat=heartbeat,
    )


def _reported(
    then: Callable[[pipeline.SourceReport], None] | None, report: pipeline.SourceReport
) -> None:
    """After each source's pass: the memory it freed goes back to the system."""
    memory.release()
    if then is not None:
        then(report)


@contextmanager
def context(
    settings: Settings,
    engine: sa.Engine,
    on_report: Callable[[pipeline.SourceReport], None] | None = None,
) -> Iterator[pipeline.Context]:
    """A context with its own fetcher and process pool, both closed on exit (one-shot
    commands; the daemon manages their lifetime itself, see ``Daemon.shutdown``, and starts
    its pool at once)."""
    with Fetcher(settings.fetch) as fetcher, OnDemandPool() as cpu:
        yield pipeline_context(settings, engine, fetcher, cpu, on_report=on_report)
