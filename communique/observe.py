"""What the daemon tells the operator: Prometheus metrics and a health check, over HTTP.

The metrics are a small registry of our own (counters, gauges and histograms with labels,
rendered in the Prometheus text exposition format 0.0.4), owned by the daemon and fed by the
pipeline's per-source reports.  ``/metrics`` and ``/healthz`` are plain ASGI apps that the
daemon mounts on the feeds app beside the feeds.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import threading
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ingest.pipeline import SourceReport
from ingest.store.engine import reading

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LabelValues = tuple[str, ...]
CLAIM_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


# --- the registry ----------------------------------------------------------------------------


class _Metric:
    kind = ""

    def __init__(self, name: str, help: str, labels: Iterable[str] = ()) -> None:
        self.name, self.help, self.labels = name, help, tuple(labels)
        self._lock = threading.Lock()

    def _key(self, labels: dict[str, str]) -> LabelValues:
        if set(labels) != set(self.labels):
            raise ValueError(f"{self.name} takes labels {self.labels}, got {sorted(labels)}")
        return tuple(str(labels[name]) for name in self.labels)

    def _label_text(self, values: LabelValues, extra: str = "") -> str:
        pairs = [f'{n}="{_escape(v)}"' for n, v in zip(self.labels, values, strict=True)]
        if extra:
            pairs.append(extra)
        return "{" + ",".join(pairs) + "}" if pairs else ""

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]

    def lines(self) -> list[str]:
        raise NotImplementedError


class Counter(_Metric):
    kind = "counter"

    def __init__(self, name: str, help: str, labels: Iterable[str] = ()) -> None:
        super().__init__(name, help, labels)
        self._values: dict[LabelValues, float] = {}

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        return self._values.get(self._key(labels), 0.0)

    def lines(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        if not items and not self.labels:
            items = [((), 0.0)]
        return [f"{self.name}{self._label_text(k)} {_num(v)}" for k, v in items]


class Gauge(Counter):
    kind = "gauge"

    def set(self, value: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = value


class Histogram(_Metric):
    kind = "histogram"

    def __init__(self, name: str, help: str, buckets: Iterable[float] = LATENCY_BUCKETS) -> None:
        super().__init__(name, help)
        self.buckets = tuple(sorted(buckets))
        self._counts = [0] * (len(self.buckets) + 1)  # the last one is +Inf
        self._sum = 0.0

    def observe(self, value: float) -> None:
        with self._lock:
            self._counts[bisect.bisect_left(self.buckets, value)] += 1
            self._sum += value

    @property
    def count(self) -> int:
        return sum(self._counts)

    def lines(self) -> list[str]:
        with self._lock:
            counts, total = list(self._counts), self._sum
        out, running = [], 0
        for bound, n in zip((*self.buckets, math.inf), counts, strict=True):
            running += n
            out.append(f'{self.name}_bucket{{le="{_num(bound)}"}} {running}')
        out.append(f"{self.name}_sum {_num(total)}")
        out.append(f"{self.name}_count {running}")
        return out


def _num(value: float) -> str:
    if value == math.inf:
        return "+Inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Metrics:
    """The daemon's metrics; one instance per daemon, fed from the worker threads."""

    def __init__(self) -> None:
        self.fetches = Counter(
            "communique_fetches_total",
            "Source fetches by outcome and HTTP status.",
            ("outcome", "status"),
        )
        self.bytes = Counter("communique_fetch_bytes_total", "Feed bytes received.")
        self.parse_errors = Counter(
            "communique_parse_errors_total", "Fetches whose body could not be read as a feed."
        )
        self.item_errors = Counter(
            "communique_item_errors_total", "Items dropped (normalization or article fetch)."
        )
        self.stories = Counter(
            "communique_stories_total",
            "Items by result: new, revised, duplicate (seen before), clustered (new, joined "
            "an existing cluster).",
            ("result",),
        )
        self.latency = Histogram("communique_fetch_duration_seconds", "Feed fetch latency.")
        self.source_seconds = Histogram(
            "communique_source_duration_seconds", "Whole pass of one source, fetch to store."
        )
        self.lag = Gauge(
            "communique_schedule_lag_seconds",
            "How far behind its scheduled time the most overdue source is.",
        )
        self.in_flight = Gauge("communique_sources_in_flight", "Sources being ingested now.")
        self.last_cycle = Gauge(
            "communique_last_cycle_timestamp_seconds", "Unix time of the last scheduler cycle."
        )
        self.pruned = Counter("communique_stories_pruned_total", "Stories removed by retention.")
        self.claimed = Counter("communique_sources_claimed_total", "Sources this process leased.")
        self.takeovers = Counter(
            "communique_lease_takeovers_total",
            "Sources claimed whose lease another worker let expire (it died or hung).",
        )
        self.claim_seconds = Histogram(
            "communique_claim_duration_seconds",
            "Time to claim a batch of due sources (one statement).",
            CLAIM_BUCKETS,
        )
        self.store_errors = Counter(
            "communique_store_errors_total",
            "Scheduler ticks that could not reach the store (retried with backoff).",
        )
        self.leased = Gauge("communique_sources_leased", "Sources leased by any worker now.")
        self.expired = Gauge(
            "communique_leases_expired",
            "Leases expired and not yet taken over: sources of a worker that died or hangs.",
        )

    def all(self) -> list[_Metric]:
        return [m for m in vars(self).values() if isinstance(m, _Metric)]

    def record(self, report: SourceReport) -> None:
        """Count one source's pass."""
        self.fetches.inc(outcome=report.outcome, status=str(report.status or "none"))
        self.bytes.inc(report.bytes)
        if report.error_type == "ParseError":
            self.parse_errors.inc()
        self.item_errors.inc(report.failed)
        for result, n in (
            ("new", report.new),
            ("revised", report.revised),
            ("duplicate", report.seen),
            ("clustered", report.clustered),
        ):
            self.stories.inc(n, result=result)
        if "fetch" in report.timings:
            self.latency.observe(report.timings["fetch"])
        self.source_seconds.observe(sum(report.timings.values()))

    def render(self) -> str:
        lines: list[str] = []
        for metric in self.all():
            lines += metric.header() + metric.lines()
        return "\n".join(lines) + "\n"


# --- health ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    store: str  # "ok" or the error
    scheduler: str  # "running", "stopped", "not started", "stalled", or "off" (serve only)
    last_cycle: str | None  # ISO time of the last scheduler cycle
    in_flight: int


def store_status(engine: sa.Engine) -> str:
    try:
        with reading(engine) as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as e:  # any failure means unreachable; the message says which
        return f"unreachable: {e}"
    return "ok"


def scheduler_status(running: bool, last_cycle: datetime | None, now: datetime, tick: float) -> str:
    """A scheduler that has not cycled for several ticks is stuck, whatever it says."""
    if not running:
        return "stopped" if last_cycle else "not started"
    if last_cycle is None:
        return "running"
    stalled_after = max(3 * tick, 60.0)
    return "stalled" if (now - last_cycle).total_seconds() > stalled_after else "running"


# --- the ASGI handlers -----------------------------------------------------------------------


def metrics_app(metrics: Metrics, refresh: Callable[[], None] | None = None) -> ASGIApp:
    """GET /metrics; ``refresh`` updates gauges read from the store just before rendering."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if refresh is not None:
            await asyncio.to_thread(refresh)
        body = metrics.render().encode()
        await _respond(send, 200, "text/plain; version=0.0.4; charset=utf-8", body, scope)

    return app


def router(routes: dict[str, ASGIApp]) -> ASGIApp:
    """Exactly these paths, 404 for anything else: what a worker serves (no feeds)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        handler = routes.get(scope.get("path", ""))
        if handler is None:
            await _respond(send, 404, "text/plain; charset=utf-8", b"not found\n", scope)
            return
        await handler(scope, receive, send)

    return app


def healthz_app(check: Callable[[], Health]) -> ASGIApp:
    """GET /healthz: 200 with JSON when healthy, 503 with the same JSON when not."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        health = await asyncio.to_thread(check)
        body = json.dumps(asdict(health)).encode()
        await _respond(send, 200 if health.ok else 503, "application/json", body, scope)

    return app


async def _respond(send: Send, status: int, ctype: str, body: bytes, scope: Scope) -> None:
    headers = [
        (b"content-type", ctype.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    head = scope.get("method") == "HEAD"
    await send({"type": "http.response.body", "body": b"" if head else body})
