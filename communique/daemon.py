"""The long-running process: APScheduler wakes a worker that claims due sources in the
store (and a worker thread that finishes one claims again while sources keep coming due),
and uvicorn serves the feeds, /metrics and /healthz, in one process (``run``), or only the
first half (``worker``: ingest, with /metrics and /healthz on a port if asked) or only the
second (``serve``: reads, holds nothing of its own).

APScheduler is imported here and nowhere else.  Its job store is not the schedule of record
(it can't be shared between processes): it only ticks; each source's next fetch, lease and
health live in the store, so a restart, or a second worker on PostgreSQL, resumes from there.

Losing the store (a PostgreSQL restart, a killed connection): a tick that cannot reach it
is retried with a growing pause (``STORE_BACKOFF``); the pool's pre-ping replaces dead
connections; a source whose pass failed on the store gives its lease back as soon as the
store answers again, so it is fetched again at once, and what it had committed (whole
stories, each in its own transaction) stays.

Stopping (SIGTERM, SIGINT): no new source starts; a source in progress stops between items,
stores what it has prepared and leaves its schedule as it was; the daemon waits a few
seconds for that and exits.  A worker still stuck in a network read after the grace period
is abandoned: its thread is a daemon thread, and its transaction (if any) rolls back, so
nothing half-written is left — the next run fetches that source again.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import sqlalchemy as sa
import uvicorn
from apscheduler.schedulers.background import BackgroundScheduler

from communique import observe, wiring
from communique.http_limits import LimitedHttpToolsProtocol
from communique.leases import LeaseKeeper
from communique.lock import DaemonLock
from communique.settings import Settings
from feeds import websub
from feeds.app import create_app
from ingest import pipeline
from ingest.errors import CommuniqueError
from ingest.fetch import Fetcher
from ingest.model import SourceSpec
from ingest.store import sources as source_rows
from ingest.store.engine import reading
from ingest.store.retention import RetentionPolicy, prune

log = logging.getLogger("communique.daemon")

SHUTDOWN_GRACE = 5.0  # seconds to let in-flight sources finish on SIGTERM
RETENTION_EVERY = 3600.0
RETENTION_FIRST = 60.0  # after start, so start-up I/O and the first fetches come first
STORE_BACKOFF = (0.5, 30.0)  # first and longest pause before a tick tries the store again


class Daemon:
    def __init__(self, settings: Settings, engine: sa.Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.app = create_app(engine, settings.feeds, settings.site())
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.metrics = observe.Metrics()
        self.stop = threading.Event()
        self.workers = _Workers(max(1, settings.schedule.workers), self._ingest)
        self.last_cycle: datetime | None = None
        self.scheduler: BackgroundScheduler | None = None
        self.fetcher: Fetcher | None = None
        self.cpu: Executor | None = None
        self.unannounced = threading.Event()  # stories changed since the last WebSub ping
        self.ctx: pipeline.Context | None = None
        self.lock = DaemonLock(settings.store.url)
        self._store_failures = 0
        self._retry_at = 0.0  # monotonic time before which ticks leave the store alone
        self._unreleased: set[str] = set()  # leases to give back once the store answers
        self.leases = LeaseKeeper(engine, self.owner, settings.schedule.lease)
        self._unreleased_lock = threading.Lock()
        self._ticking = threading.Lock()  # one claim at a time (the scheduler or a worker)
        self._saturated = False  # the last claim filled every free worker: more may be due
        self._log_filter = SourceLogFilter()
        self.app.add_route("/metrics", observe.metrics_app(self.metrics, self.refresh_gauges))
        self.app.add_route("/healthz", observe.healthz_app(self.health))

    # --- the scheduler side ----------------------------------------------------------------

    def start(self) -> None:
        """Take the store's lock, bring sources in line with the config, start ticking.

        Raises StoreError when another daemon holds this SQLite store."""
        self.lock.acquire()
        _install_log_filter(self._log_filter)
        self.fetcher = Fetcher(self.settings.fetch)
        self.cpu = wiring.cpu_pool()
        self.ctx = wiring.pipeline_context(
            self.settings,
            self.engine,
            self.fetcher,
            self.cpu,
            on_change=self._changed,
            on_report=self.metrics.record,
            stop=self.stop,
            heartbeat=self.leases,
        )
        pipeline.sync(self.ctx, self.settings.sources)
        if self.lock.path is not None:  # we alone own this store: leases left are orphans
            with self.engine.begin() as conn:
                if orphans := source_rows.release_all(conn):
                    log.info("released %d leases left by a previous run", orphans)
        self.workers.start()
        self.scheduler = self._scheduler()
        self.scheduler.start()
        log.info("started: %d workers, %d sources", self.workers.size, len(self.settings.sources))

    def _scheduler(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(timezone=UTC)
        now = datetime.now(UTC).timestamp()
        scheduler.add_job(
            self._safe(self.tick),
            "interval",
            seconds=self.settings.schedule.tick,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
        if self.settings.websub.hub:
            scheduler.add_job(
                self._safe(self.publish),
                "interval",
                seconds=self.settings.schedule.tick,
                max_instances=1,
                coalesce=True,
            )
        if self._retention().active:
            scheduler.add_job(
                self._safe(self.run_retention),
                "interval",
                seconds=RETENTION_EVERY,
                next_run_time=datetime.fromtimestamp(now + RETENTION_FIRST, UTC),
                max_instances=1,
                coalesce=True,
            )
        return scheduler

    def _changed(self) -> None:
        """Stories changed: drop rendered feeds now; announce to the hub on the next beat."""
        self.app.invalidate()
        self.unannounced.set()

    def publish(self) -> bool:
        """Ping the WebSub hub once for all changes since the last ping (batched per tick,
        so a cycle that updates fifty sources makes one ping, not fifty)."""
        if not self.unannounced.is_set():
            return False
        self.unannounced.clear()
        topics = websub.topic_urls(self.settings.site(), self.settings.feeds)
        return websub.ping_hub(self.settings.websub.hub, topics)

    def tick(self) -> list[str]:
        """Claim as many due sources as there are free workers, and start them.

        The scheduler calls it every ``[schedule] tick``; a worker that finishes a source
        calls it too while the last claim filled every free worker (more sources may be
        due), so a busy process is not held to one batch per tick."""
        if self.stop.is_set() or time.monotonic() < self._retry_at:
            return []
        if not self._ticking.acquire(blocking=False):
            return []  # another claim is under way; it counts this worker as free
        try:
            names = self._tick()
        finally:
            self._ticking.release()
        return names

    def _tick(self) -> list[str]:
        free = self.workers.free()
        try:
            names = self._claim(free)
        except sa.exc.DBAPIError as e:
            self._store_down(e)
            return []
        self._saturated = free > 0 and len(names) == free
        if self._store_failures:
            log.info("store reachable again after %d failed ticks", self._store_failures)
            self._store_failures = 0
        for name in names:
            self.workers.submit(name)
        self.last_cycle = datetime.now(UTC)
        self.metrics.last_cycle.set(self.last_cycle.timestamp())
        return names

    def _claim(self, free: int) -> list[str]:
        now = datetime.now(UTC)
        with self._unreleased_lock:
            unreleased, self._unreleased = self._unreleased, set()
        try:
            with self.engine.begin() as conn:
                for name in unreleased:
                    source_rows.release(conn, name, self.owner)
                # Checked again with the write lock held: a stop that came while this tick
                # waited for the lock must not be followed by a claim that shutdown's
                # release misses.
                if self.stop.is_set():
                    return []
                self.metrics.lag.set(source_rows.schedule_lag(conn, now))
                started = time.perf_counter()
                claimed = (
                    source_rows.claim(conn, self.owner, now, self.settings.schedule.lease, free)
                    if free > 0
                    else []
                )
                self.metrics.claim_seconds.observe(time.perf_counter() - started)
        except BaseException:
            with self._unreleased_lock:
                self._unreleased |= unreleased
            raise
        self.metrics.claimed.inc(len(claimed))
        for c in claimed:
            if c.previous_owner is not None and c.previous_owner != self.owner:
                self.metrics.takeovers.inc()
                log.info("source %r taken over from %s, whose lease expired", c.name,
                         c.previous_owner)  # fmt: skip
        return [c.name for c in claimed]

    def _store_down(self, error: sa.exc.DBAPIError) -> None:
        """Back off: the next tick waits twice as long as the last, up to a maximum."""
        self._store_failures += 1
        self.metrics.store_errors.inc()
        first, most = STORE_BACKOFF
        pause = min(most, first * 2 ** (self._store_failures - 1))
        self._retry_at = time.monotonic() + pause
        log.warning(
            "store unreachable (%s); trying again in %.1fs",
            str(getattr(error, "orig", None) or error).strip().splitlines()[0],
            pause,
        )

    def _ingest(self, name: str) -> None:
        assert self.ctx is not None
        try:
            spec: SourceSpec = self.settings.source(name)
        except CommuniqueError:  # removed from the config since it was claimed
            self._release(name)
            return
        self.metrics.in_flight.set(self.workers.busy)
        self.leases.started(name)
        try:
            report = pipeline.ingest_source(self.ctx, spec)
        finally:
            self.leases.done(name)
        # Interrupted: the next run takes it at once. Failed on the store: its outcome could
        # not be recorded, so it is due again as soon as the store is back.
        if report.outcome == "interrupted" or report.error_type == "StoreError":
            self._release(name)
        elif self._saturated:
            self.workers.done_soon(self.tick)  # claim the next one as this thread frees up

    def _release(self, name: str) -> None:
        try:
            with self.engine.begin() as conn:
                source_rows.release(conn, name, self.owner)
        except sa.exc.DBAPIError:
            with self._unreleased_lock:  # the next tick that reaches the store does it
                self._unreleased.add(name)

    def run_retention(self) -> None:
        report = prune(self.engine, self._retention(), datetime.now(UTC))
        self.metrics.pruned.inc(report.removed)
        if report.removed:
            log.info(
                "retention: %d stories pruned (%d by age, %d beyond the per-source count)",
                report.removed,
                report.by_age,
                report.by_count,
            )
            self.app.invalidate()

    def _retention(self) -> RetentionPolicy:
        r = self.settings.retention
        return RetentionPolicy(max_age_days=r.max_age_days, max_per_source=r.max_per_source)

    def _safe(self, job: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            try:
                job()
            except Exception:  # a job must survive a store hiccup; it runs again shortly
                log.exception("scheduled job %s failed", getattr(job, "__name__", job))

        return run

    # --- health and gauges -----------------------------------------------------------------

    def health(self) -> observe.Health:
        store = observe.store_status(self.engine)
        if self.scheduler is None:
            scheduler = "off"
        else:
            running = bool(self.scheduler.running) and not self.stop.is_set()
            scheduler = observe.scheduler_status(
                running, self.last_cycle, datetime.now(UTC), self.settings.schedule.tick
            )
        ok = store == "ok" and scheduler in ("running", "off")
        cycle = self.last_cycle.isoformat() if self.last_cycle else None
        return observe.Health(ok, store, scheduler, cycle, self.workers.busy)

    def refresh_gauges(self) -> None:
        """Gauges read from the store, so any process (a server too) shows every worker's."""
        self.metrics.in_flight.set(self.workers.busy)
        now = datetime.now(UTC)
        with reading(self.engine) as conn:
            self.metrics.lag.set(source_rows.schedule_lag(conn, now))
            leased, expired = source_rows.leases(conn, now)
        self.metrics.leased.set(leased)
        self.metrics.expired.set(expired)

    # --- the whole process -----------------------------------------------------------------

    def serve(self, fetching: bool = True) -> None:
        """Serve HTTP (and, with ``fetching``, run the schedule) until SIGINT or SIGTERM."""
        if fetching:
            self.start()
        self._until_stopped(self._server(self.app, self.settings.server.port))

    def work(self, metrics_port: int | None = None) -> None:
        """Run the schedule without serving feeds, until SIGINT or SIGTERM; with
        ``metrics_port``, /metrics and /healthz (only) are served on it."""
        self.start()
        server = None
        if metrics_port is not None:
            app = observe.router(
                {
                    "/metrics": observe.metrics_app(self.metrics, self.refresh_gauges),
                    "/healthz": observe.healthz_app(self.health),
                }
            )
            server = self._server(app, metrics_port)
        self._until_stopped(server)

    def _server(self, app: Any, port: int) -> uvicorn.Server:
        return uvicorn.Server(
            uvicorn.Config(
                app,
                host=self.settings.server.host,
                port=port,
                log_level="warning",
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=2,
                http=LimitedHttpToolsProtocol,
            )
        )

    def _until_stopped(self, server: uvicorn.Server | None) -> None:
        previous = _on_signals(lambda: self.stop.set())
        try:
            if server is not None:
                server.run()  # returns on SIGINT / SIGTERM
            else:
                while not self.stop.wait(0.5):
                    pass
        finally:
            self.shutdown()
            _restore_signals(previous)

    def shutdown(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Stop scheduling, let in-flight sources store what they have, release the rest."""
        self.stop.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if not self.workers.wait_idle(grace):
            log.warning(
                "%d sources still in flight after %.0fs; abandoned", self.workers.busy, grace
            )
        self.workers.close()
        self._release_owned()
        if self.fetcher is not None and self.workers.busy == 0:
            self.fetcher.close()
        if self.cpu is not None:
            self.cpu.shutdown(wait=False, cancel_futures=True)
        self._release_owned()  # a claim that was committing while we stopped
        _remove_log_filter(self._log_filter)
        self.lock.release()
        log.info("stopped")

    def _release_owned(self) -> None:
        if self.ctx is None:
            return
        try:
            with self.engine.begin() as conn:
                source_rows.release_owned(conn, self.owner)
        except sa.exc.DBAPIError as e:  # the store is down: the leases expire on their own
            log.warning("leases not released (store unreachable: %s)", e.orig)


# --- workers ---------------------------------------------------------------------------------


class _Workers:
    """A fixed set of daemon threads taking source names from a queue.

    Daemon threads, unlike a ThreadPoolExecutor's, don't hold up the interpreter's exit: a
    source stuck in a slow read can't keep the process alive after the shutdown grace.
    """

    def __init__(self, size: int, run: Callable[[str], None]) -> None:
        self.size, self._run = size, run
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self.busy = 0  # queued or running
        self._threads: list[threading.Thread] = []
        self._after = threading.local()  # per thread: what to run after the current source

    def start(self) -> None:
        for i in range(self.size):
            thread = threading.Thread(target=self._loop, name=f"ingest-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def free(self) -> int:
        with self._idle:
            return self.size - self.busy

    def submit(self, name: str) -> None:
        with self._idle:
            self.busy += 1
        self._queue.put(name)

    def _loop(self) -> None:
        while (name := self._queue.get()) is not None:
            self._after.callback = None
            try:
                self._run(name)
            except Exception:  # the worker must live on; the source's lease will expire
                log.exception("source %r: worker failed", name)
            finally:
                with self._idle:
                    self.busy -= 1
                    self._idle.notify_all()
            if (then := self._after.callback) is not None:
                try:
                    then()
                except Exception:  # a claim that failed waits for the next tick
                    log.exception("claim after source %r failed", name)

    def done_soon(self, then: Callable[[], object]) -> None:
        """Run ``then`` on this worker thread once its current source is counted done."""
        self._after.callback = then

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self.busy == 0, timeout)

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)


# --- logs and signals ------------------------------------------------------------------------


class SourceLogFilter(logging.Filter):
    """Gives every record logged while a source is being ingested that source's name and URL,
    as ``extra`` fields (JSON logs) and in the text, whichever module logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = pipeline.current_source.get()
        if current is not None and not hasattr(record, "source"):
            record.source, record.url = current
            record.msg = f"source {current[0]!r} ({current[1]}): {record.msg}"
        return True


def _install_log_filter(f: logging.Filter) -> None:
    for handler in logging.getLogger().handlers:
        handler.addFilter(f)


def _remove_log_filter(f: logging.Filter) -> None:
    for handler in logging.getLogger().handlers:
        handler.removeFilter(f)


_Handlers = dict[int, Any]


def _on_signals(stop: Callable[[], None]) -> _Handlers:
    """Our own SIGTERM/SIGINT handlers: uvicorn restores and re-raises them after its own
    shutdown, and ours only set the stop flag, so the finally-block still runs (the default
    SIGTERM action would kill the process before in-flight writes finish)."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handler(signum: int, frame: FrameType | None) -> None:
        stop()

    return {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}


def _restore_signals(previous: _Handlers) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
