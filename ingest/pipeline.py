"""The orchestrator: one source, start to end, through the leaves and into the store.

fetch → (304 or same bytes: done) → parse | scrape → identity → article pages for new items
→ normalize → write stories and clusters (one transaction) → record health and next fetch.

Everything that can go wrong with a source is a ``CommuniqueError`` caught here and written
on the source's row; an unexpected exception is caught too (and logged with its traceback),
so one broken source never stops a run.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, MutableMapping
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor, as_completed
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from ingest import repeats, schedule
from ingest.dedupe_params import DedupeParams
from ingest.errors import CommuniqueError, FetchError
from ingest.fetch import HTML_ACCEPT, Fetcher
from ingest.identity import article_key, item_keys, raw_hash
from ingest.model import Digest, DigestJob, Ending, Fetched, ParsedFeed, RawItem, SourceSpec, Story
from ingest.shown import redact, shown
from ingest.store import changes, locks
from ingest.store import sources as source_rows
from ingest.store import stories as story_rows
from ingest.store.engine import reading
from ingest.store.retention import pruned_keys
from ingest.work import digest_batch, read_one, reads_alone

if TYPE_CHECKING:
    from ingest.dedupe import Fingerprint

log = logging.getLogger("communique.ingest")
T = TypeVar("T")

# The source a thread is working on, so log lines of the leaves (fetch, extract, ...) can
# carry it too: communique's log filter reads it.  A ContextVar is per thread, per task.
current_source: ContextVar[tuple[str, str] | None] = ContextVar("current_source", default=None)


class SourceLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Every line names the source and its URL, in the text and as ``extra`` fields."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        extra = self.extra or {}
        return f"source {extra.get('source')!r} ({extra.get('url')}): {msg}", kwargs


def source_log(name: str, url: str) -> SourceLog:
    return SourceLog(log, {"source": name, "url": redact(url)})


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    """What the pipeline needs, built once by the composition root and shared by workers."""

    engine: sa.Engine
    fetcher: Fetcher
    dedupe: DedupeParams = field(default_factory=DedupeParams)
    policy: schedule.SchedulePolicy = field(default_factory=schedule.SchedulePolicy)
    clock: Callable[[], datetime] = utcnow
    on_change: Callable[[], None] | None = None
    # Called with every source's report (the daemon's metrics).
    on_report: Callable[[SourceReport], None] | None = None
    # Set on shutdown: sources not yet started are skipped, and one in progress stops
    # between items, writes what it has, and leaves its schedule as it was.
    stop: threading.Event = field(default_factory=threading.Event)
    # A process pool for the CPU-heavy part of each item (extraction, normalization), so
    # one source's parsing never stalls the fetch threads and both cores are used.
    # None runs that work inline, on the calling thread.
    cpu: Executor | None = None
    # Called with the source's name between items, so a long pass keeps its lease.
    heartbeat: Callable[[str], None] | None = None


@dataclass
class SourceReport:
    """The outcome of one source's pass, for the summary table, logs and metrics."""

    name: str
    outcome: str = "ok"  # ok | not-modified | unchanged | error | disabled | interrupted
    status: int | None = None
    found: int = 0
    new: int = 0
    revised: int = 0
    seen: int = 0
    clustered: int = 0  # new stories that joined an existing cluster
    failed: int = 0  # items dropped, with the first reason in ``error``
    capped: int = 0  # items beyond the source's max_items, not read
    error: str | None = None
    error_type: str | None = None  # the exception class of a failed source, e.g. ParseError
    bytes: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome != "error"


@dataclass(frozen=True, slots=True)
class Prepared:
    """One item ready to write: its normalized story, fingerprint and identity."""

    story: Story
    fingerprint: Fingerprint
    raw_hash: str
    article_key: str
    known: story_rows.Known | None


class _Timer:
    def __init__(self, report: SourceReport) -> None:
        self.report = report

    def __call__(self, stage: str) -> _Stage:
        return _Stage(self.report.timings, stage)


class _Stage:
    def __init__(self, timings: dict[str, float], stage: str) -> None:
        self.timings, self.stage = timings, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.timings[self.stage] = self.timings.get(self.stage, 0.0) + elapsed


# --- one source --------------------------------------------------------------------------


@dataclass
class Deferred:
    """The fetch outcomes of sources that had nothing new, written together when a run
    ends (``flush``) instead of a transaction each: on SQLite every one waited its turn
    for the one writer, and a warm run of 100 unchanged feeds (bench/ingest_speed.py,
    warm-same) spent a quarter of its time on them (0.17 s, 0.12 s without). If the process
    dies first they are lost, and those sources are fetched again on the next run."""

    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, source_id: int, values: dict[str, object]) -> None:
        with self.lock:
            self.rows.append((source_id, values))

    def flush(self, engine: sa.Engine) -> None:
        with self.lock:
            rows, self.rows = self.rows, []
        if not rows:
            return
        try:
            with engine.begin() as conn:
                for source_id, values in rows:
                    source_rows.record_fetch(conn, source_id, values)
        except sa.exc.SQLAlchemyError as e:  # nothing lost but a fetch's record: say so
            log.error("store error: %d unchanged sources' fetches not recorded: %s", len(rows), e)


def ingest_source(
    ctx: Context,
    spec: SourceSpec,
    state: source_rows.SourceState | None = None,
    *,
    deferred: Deferred | None = None,
) -> SourceReport:
    """Fetch, read and store one source now; never raises for the source's own faults.
    ``state``: its row as just read, when the caller read many at once. ``deferred``: where
    to leave the record of a fetch that brought nothing new, for the caller to write."""
    report = SourceReport(spec.name)
    token = current_source.set((spec.name, spec.url))
    try:
        if state is None:
            with reading(ctx.engine) as conn:
                state = source_rows.state(conn, spec.name)
        current_source.set((spec.name, state.url))
        _guarded(ctx, spec, state, report, deferred)
    except sa.exc.SQLAlchemyError as e:  # the store failed us: nothing to record it in
        report.outcome, report.error, report.error_type = "error", f"store: {e}", "StoreError"
        source_log(spec.name, spec.url).error("store error: %s", e)
    finally:
        current_source.reset(token)
    if (report.new or report.revised) and ctx.on_change is not None:
        ctx.on_change()
    if ctx.on_report is not None:
        ctx.on_report(report)
    return report


def _guarded(
    ctx: Context,
    spec: SourceSpec,
    state: source_rows.SourceState,
    report: SourceReport,
    deferred: Deferred | None = None,
) -> None:
    if state.disabled_reason:
        report.outcome, report.error = "disabled", state.disabled_reason
    elif ctx.stop.is_set():
        report.outcome = "interrupted"
    else:
        try:
            _run(ctx, spec, state, report, deferred)
        except CommuniqueError as e:
            _fail(ctx, state, report, e)
        except sa.exc.DBAPIError:
            raise  # the store failed, not the source: nothing to hold against it
        except BrokenExecutor as e:
            _pool_broke(spec, state, report, e)
        except Exception as e:  # a bug of ours must not stop the other sources either
            source_log(spec.name, state.url).exception("internal error")
            _fail(ctx, state, report, e, internal=True)


def _run(
    ctx: Context,
    spec: SourceSpec,
    state: source_rows.SourceState,
    report: SourceReport,
    deferred: Deferred | None = None,
) -> None:
    timer = _Timer(report)
    # A sitemap index that has not changed says nothing of the sitemaps it names, so a
    # sitemap is always fetched and read; its entries seen before are skipped below.
    conditional = spec.kind != "sitemap"
    with timer("fetch"):
        fetched = ctx.fetcher.get(
            state.url,
            etag=state.etag if conditional else None,
            last_modified=state.last_modified if conditional else None,
            robots=spec.robots,
            accept=HTML_ACCEPT if spec.kind == "html" else None,
        )
    report.status, report.bytes = fetched.status, len(fetched.body)
    body_hash = hashlib.sha256(fetched.body).hexdigest() if not fetched.not_modified else None
    if fetched.not_modified or (conditional and body_hash == state.body_hash):
        report.outcome = "not-modified" if fetched.not_modified else "unchanged"
        values = _success_values(ctx, state, report, fetched, body_hash or state.body_hash, None)
        if deferred is not None:
            deferred.add(state.id, values)
        else:
            _record(ctx, state, report, values)
        return
    with timer("parse"):
        parsed = _read(ctx, spec, fetched)
    report.found = len(parsed.items) + len(parsed.dropped)
    _record_unread(report, source_log(spec.name, state.url), parsed)
    prepared = _prepare_all(ctx, spec, state, parsed.items, report, timer)
    interrupted = report.outcome == "interrupted"

    def succeeded(conn: sa.Connection) -> None:
        values = _success_values(ctx, state, report, fetched, body_hash, parsed.title)
        _record_in(conn, state.id, report, values)

    with timer("store"):
        # On SQLite the fetch's record commits with the stories, in one turn of the one
        # writer (a second transaction per source had waited its turn again).
        recorded = _write(ctx, state.id, prepared, report, None if interrupted else succeeded)
    slog = source_log(spec.name, state.url)
    if interrupted:
        # What was prepared is stored; the schedule and caching info stay as they were,
        # so the next run fetches the source again and finishes it.
        slog.info("interrupted: %d new stored before stopping", report.new)
        return
    slog.info(
        "%d items, %d new, %d revised, %d seen",
        report.found,
        report.new,
        report.revised,
        report.seen,
    )
    if not recorded:
        _succeed(ctx, state, report, fetched, body_hash, parsed.title)


def _read(ctx: Context, spec: SourceSpec, fetched: Fetched) -> ParsedFeed:
    """The source's items. A feed or listing page is read in the process pool: parsing one
    is a sixth of what the writer's process did in a cold run, and held the GIL the writer
    needs (bench/ingest_speed.py, profiled)."""
    if reads_alone(spec):
        return _submit(ctx.cpu, read_one, spec, fetched).result()
    from ingest.listing import read_listing  # a sitemap: read here, as it fetches its parts

    return read_listing(spec, fetched, ctx.fetcher, ctx.clock())


def _prepare_all(
    ctx: Context,
    spec: SourceSpec,
    state: source_rows.SourceState,
    items: Iterable[RawItem],
    report: SourceReport,
    timer: _Timer,
) -> list[Prepared]:
    """Normalize the items that are new or changed; count the ones seen before."""
    by_key: dict[str, RawItem] = {}
    items = list(items)
    for key, item in zip(item_keys(items), items, strict=True):
        by_key.setdefault(key, item)  # a feed listing one item twice: first wins
    with reading(ctx.engine) as conn:
        known = story_rows.known_items(conn, state.id, by_key)
        pruned = pruned_keys(conn, state.id, set(by_key) - set(known))
        recent = story_rows.recent_endings(conn, state.id, HISTORY)
    batch = _Batches(ctx.cpu, spec, ctx.dedupe)
    slog = source_log(spec.name, state.url)
    for key, item in by_key.items():
        if ctx.stop.is_set():
            report.outcome = "interrupted"
            break
        if ctx.heartbeat is not None:
            ctx.heartbeat(spec.name)
        raw = raw_hash(item)
        old = known.get(key)
        if (old is not None and old.raw_hash == raw) or key in pruned:
            report.seen += 1  # a pruned item the feed still lists is not new again
            continue
        try:
            with timer("fetch"):
                page = fetch_page(ctx.fetcher, spec, item)
        except CommuniqueError as e:
            _drop(report, slog, item, key, e)
            continue
        batch.add(_Pending(key, item, raw, old, DigestJob(item, page, key, ctx.clock())))
    pending = batch.close()
    with timer("normalize"):
        done = _results(pending, report, slog)
        done = _without_repeated_tails(ctx, spec, done, recent, report, slog)
    return [
        Prepared(d.story, d.fingerprint, p.raw, article_key(p.item, p.key), p.known)
        for p, d in done
    ]


HISTORY = 30  # the source's latest stored stories whose endings ``repeats`` compares


BATCH = 8  # items sent to the process pool at once: few enough that one source keeps
# both cores busy, many enough that what crosses per batch (the spec, the params) is paid
# once for several items


@dataclass(slots=True)
class _Pending:
    key: str
    item: RawItem
    raw: str
    known: story_rows.Known | None
    job: DigestJob
    batch: Future[list[Digest | CommuniqueError]] | None = None
    index: int = 0

    def result(self) -> Digest | CommuniqueError:
        assert self.batch is not None
        return self.batch.result()[self.index]


class _Batches:
    """Sends a source's items to the process pool ``BATCH`` at a time, as they are ready."""

    def __init__(
        self,
        cpu: Executor | None,
        spec: SourceSpec,
        params: DedupeParams,
        repeated: frozenset[int] = frozenset(),
    ) -> None:
        self.cpu, self.spec, self.params, self.repeated = cpu, spec, params, repeated
        self.sent: list[_Pending] = []
        self.waiting: list[_Pending] = []

    def add(self, pending: _Pending) -> None:
        self.waiting.append(pending)
        if len(self.waiting) >= BATCH:
            self._send()

    def close(self) -> list[_Pending]:
        """Send what is left; every item added, in order, each with its batch."""
        if self.waiting:
            self._send()
        return self.sent

    def _send(self) -> None:
        jobs = [p.job for p in self.waiting]
        future = _submit(self.cpu, digest_batch, jobs, self.spec, self.params, self.repeated)
        for index, p in enumerate(self.waiting):
            p.batch, p.index = future, index
        self.sent += self.waiting
        self.waiting = []


def _results(
    pending: list[_Pending], report: SourceReport, slog: logging.LoggerAdapter[logging.Logger]
) -> list[tuple[_Pending, Digest]]:
    done = []
    for p in pending:
        got = p.result()
        if isinstance(got, CommuniqueError):
            _drop(report, slog, p.item, p.key, got)
        else:
            done.append((p, got))
    return done


def _without_repeated_tails(
    ctx: Context,
    spec: SourceSpec,
    done: list[tuple[_Pending, Digest]],
    recent: list[Ending],
    report: SourceReport,
    slog: logging.LoggerAdapter[logging.Logger],
) -> list[tuple[_Pending, Digest]]:
    """Digest again, knowing them, the stories whose ending holds blocks the source ends
    its other reports with (this batch's and its latest stored ones): ``ingest.repeats``."""
    found = repeats.repeated([*recent, *(d.story.ending for _, d in done)])
    again = [(p, d) for p, d in done if repeats.needs_another_look(d.story.body_text, found)]
    if not again:
        return done
    slog.info("%d stories end in blocks the source repeats: cleaned again", len(again))
    batch = _Batches(ctx.cpu, spec, ctx.dedupe, found)
    for p, _ in again:
        batch.add(_Pending(p.key, p.item, p.raw, p.known, p.job))
    redone = {p.key: d for p, d in _results(batch.close(), report, slog)}
    return [(p, redone.get(p.key, d)) for p, d in done]


def _record_unread(
    report: SourceReport, slog: logging.LoggerAdapter[logging.Logger], parsed: ParsedFeed
) -> None:
    for reason in parsed.dropped:
        report.failed += 1
        report.error = report.error or reason
        slog.warning("%s", reason)
    if parsed.capped:
        report.capped = parsed.capped
        slog.warning("%d items over max_items skipped", parsed.capped)


def _shown_opt(text: str | None) -> str | None:
    return shown(text) if text else None


def _item_warning(report: SourceReport) -> str | None:
    """What the operator sees on a source whose fetch worked but some items did not."""
    cap = f"{report.capped} items over max_items skipped" if report.capped else None
    if report.failed <= 1:
        dropped = report.error
    else:
        dropped = f"{report.failed} of {report.found} items dropped; first: {report.error}"
    return "; ".join(p for p in (dropped, cap) if p) or None


def _drop(
    report: SourceReport,
    slog: logging.LoggerAdapter[logging.Logger],
    item: RawItem,
    key: str,
    error: Exception,
) -> None:
    report.failed += 1
    report.error = report.error or f"item {item.url or key}: {error}"
    slog.warning("item %s dropped: %s", item.url or key, error)


def _submit(cpu: Executor | None, fn: Callable[..., T], *args: object) -> Future[T]:
    if cpu is not None:
        return cpu.submit(fn, *args)
    done: Future[T] = Future()
    try:
        done.set_result(fn(*args))
    except Exception as e:
        done.set_exception(e)
    return done


def prepare_story(
    fetcher: Fetcher, spec: SourceSpec, item: RawItem, key: str, now: datetime
) -> Story:
    """Fetch the article page when the item needs it, extract it and normalize, inline."""
    from ingest.digest import digest_item

    return digest_item(item, fetch_page(fetcher, spec, item), spec, key, now)


def fetch_page(fetcher: Fetcher, spec: SourceSpec, item: RawItem) -> Fetched | None:
    """The item's article page when it needs one, or None (no need, or it failed but the
    feed has text of its own to fall back on)."""
    # With the first item: lxml and nh3 are for runs that have items (cron's 304s have none).
    from ingest.teaser import feed_html_of, needs_full_text

    # A listing page or a sitemap gives no text of its own: its pages are the stories.
    if not item.url or not (spec.kind != "feed" or needs_full_text(item, spec)):
        return None
    try:
        return fetcher.get(item.url, robots=spec.robots, accept=HTML_ACCEPT)
    except FetchError as e:
        if not feed_html_of(item).strip():
            raise
        source_log(spec.name, spec.url).info(
            "article %s not fetched (%s); keeping the feed's text", item.url, e
        )
        return None


def _write(
    ctx: Context,
    source_id: int,
    prepared: list[Prepared],
    report: SourceReport,
    then: Callable[[sa.Connection], None] | None = None,
) -> bool:
    """Store the stories, each with its cluster; ``then`` (the fetch's record) in the same
    transaction where there is one. Returns whether ``then`` ran.

    On PostgreSQL each story is a transaction of its own: the locks that keep two workers
    from clustering copies of one story apart (``ingest.store.locks``) last until commit,
    and a batch's worth would make unrelated writers wait; a story rolled back by a
    deadlock, a serialization failure or a lost connection is written again. SQLite has one
    writer and no such locks, so there the batch is one transaction (a commit per story
    cost more than its clustering)."""
    if locks.one_writer(ctx.engine):
        with ctx.engine.begin() as conn:
            outcomes = [_write_one(ctx, conn, source_id, p) for p in prepared]
            _tally(report, outcomes)
            if then is not None:
                then(conn)
        return then is not None
    outcomes = [
        locks.retrying(functools.partial(_write_alone, ctx, source_id, p), f"story {p.story.url}")
        for p in prepared
    ]
    _tally(report, outcomes)
    return False


def _tally(report: SourceReport, outcomes: list[tuple[str, bool]]) -> None:
    for result, joined in outcomes:
        if result == "new":
            report.new += 1
            report.clustered += joined
        elif result == "revised":
            report.revised += 1
        else:
            report.seen += 1


def _write_alone(ctx: Context, source_id: int, p: Prepared) -> tuple[str, bool]:
    with ctx.engine.begin() as conn:
        return _write_one(ctx, conn, source_id, p)


def _write_one(ctx: Context, conn: sa.Connection, source_id: int, p: Prepared) -> tuple[str, bool]:
    """Insert or revise one story and place it in a cluster; returns what was done
    (new, revised or seen) and whether a new story joined an existing cluster."""
    known = (
        p.known
        or story_rows.find_article(conn, source_id, p.article_key)
        or story_rows.find_moved(conn, source_id, p.story)
    )
    if known is None:
        story_id = story_rows.insert_story(
            conn, source_id, p.story, raw_hash=p.raw_hash, article_key=p.article_key
        )
    elif story_rows.content_hash_of(conn, known.id) == p.story.content_hash:
        story_rows.touch_raw_hash(
            conn, known.id, p.story, raw_hash=p.raw_hash, article_key=p.article_key
        )
        return "seen", False
    else:
        story_rows.revise_story(conn, known, p.story, raw_hash=p.raw_hash, now=ctx.clock())
        story_id = known.id
    # Clustering (numpy, the tagger) loads with the first story written: a run that
    # stores nothing, as most cron runs on an up-to-date store, never needs it.
    from ingest.store.clusters import assign_cluster

    placed = assign_cluster(
        conn, story_id, p.story, ctx.dedupe, p.fingerprint, inserted=known is None
    )
    return ("new" if known is None else "revised"), known is None and placed.joined


# --- recording the outcome ---------------------------------------------------------------


def _succeed(
    ctx: Context,
    state: source_rows.SourceState,
    report: SourceReport,
    fetched: Fetched,
    body_hash: str | None,
    title: str | None,
) -> None:
    _record(ctx, state, report, _success_values(ctx, state, report, fetched, body_hash, title))


def _record(
    ctx: Context, state: source_rows.SourceState, report: SourceReport, values: dict[str, object]
) -> None:
    with ctx.engine.begin() as conn:
        _record_in(conn, state.id, report, values)


def _record_in(
    conn: sa.Connection, source_id: int, report: SourceReport, values: dict[str, object]
) -> None:
    source_rows.record_fetch(conn, source_id, values)
    if report.new or report.revised:
        changes.trim(conn)


def _success_values(
    ctx: Context,
    state: source_rows.SourceState,
    report: SourceReport,
    fetched: Fetched,
    body_hash: str | None,
    title: str | None,
) -> dict[str, object]:
    """The source row's new values after a fetch that succeeded."""
    now = ctx.clock()
    total = report.seen + report.new + report.revised
    ratio = schedule.smooth_ratio(state.seen_ratio, report.seen, total)
    values: dict[str, object] = {
        "last_fetch_at": now,
        "last_success_at": now,
        "last_status": fetched.status,
        "last_error": _shown_opt(_item_warning(report)),  # items dropped, or None
        "last_error_at": now if report.error or report.capped else None,
        "error_count": 0,
        "failing_since": None,
        "etag": fetched.etag or (state.etag if fetched.not_modified else None),
        "last_modified": fetched.last_modified
        or (state.last_modified if fetched.not_modified else None),
        "body_hash": body_hash,
        "seen_ratio": ratio,
        "stories_new_last": report.new,
        "next_fetch_at": schedule.after_success(now, state.interval_s, ratio, ctx.policy),
    }
    if title:
        values["title"] = title
    return values | _redirect_values(state, fetched)


REDIRECT_HOLDS = 3  # fetches a permanent redirect must hold before the stored URL follows it


def _redirect_values(state: source_rows.SourceState, fetched: Fetched) -> dict[str, object]:
    target = fetched.permanent_redirect
    if not target:
        return {"redirect_url": None, "redirect_count": 0}
    count = state.redirect_count + 1 if target == state.redirect_url else 1
    if count >= REDIRECT_HOLDS:
        source_log(state.name, state.url).info("permanent redirect to %s adopted", target)
        return {"url": target, "redirect_url": None, "redirect_count": 0}
    return {"redirect_url": target, "redirect_count": count}


POOL_BROKE = (
    "the process pool broke before this source's items were digested: a worker process "
    "died (killed for memory?), or a script ran communique in-process without an "
    '`if __name__ == "__main__":` guard (its workers re-run the script as they start); '
    "the source is not charged and is retried on its next turn"
)


def _pool_broke(
    spec: SourceSpec, state: source_rows.SourceState, report: SourceReport, error: Exception
) -> None:
    """The pool failed, not the source: say so, and leave its row as it was (no error
    counted, no back-off), as for the store's own failures."""
    report.outcome, report.error = "error", POOL_BROKE
    report.error_type = type(error).__name__
    source_log(spec.name, state.url).error("%s (%r)", POOL_BROKE, error)


def _fail(
    ctx: Context,
    state: source_rows.SourceState,
    report: SourceReport,
    error: Exception,
    internal: bool = False,
) -> None:
    now = ctx.clock()
    message = f"internal error: {error!r}" if internal else str(error)
    status = getattr(error, "status", None) or report.status  # a parse error keeps the 200
    report.outcome, report.error, report.status = "error", message, status
    report.error_type = type(error).__name__
    count = state.error_count + 1
    values: dict[str, object] = {
        "last_fetch_at": now,
        "last_status": status,
        "last_error": shown(message),
        "last_error_at": now,
        "error_count": count,
        "next_fetch_at": schedule.after_failure(
            now, state.interval_s, count, ctx.policy, getattr(error, "retry_after", None)
        ),
    }
    if state.error_count == 0:
        values["failing_since"] = now  # this failure starts a run
    if status == 410:
        values["disabled_reason"] = "410 Gone: the feed was removed; re-enable by changing its URL"
    source_log(state.name, state.url).warning("%s", message)
    with ctx.engine.begin() as conn:
        source_rows.record_fetch(conn, state.id, values)


# --- many sources --------------------------------------------------------------------------


def ingest_many(
    ctx: Context,
    specs: Iterable[SourceSpec],
    workers: int = 8,
    progress: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Ingest ``specs`` concurrently, up to ``workers`` at once; reports in input order."""
    specs = list(specs)
    with reading(ctx.engine) as conn:  # one read for all, not one per source
        states = source_rows.states(conn, [spec.name for spec in specs])
    deferred = Deferred()
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ingest") as pool:
            futures = [
                pool.submit(ingest_source, ctx, s, states.get(s.name), deferred=deferred)
                for s in specs
            ]
            if progress is not None:
                for future in as_completed(futures):
                    progress(future.result())
            return [f.result() for f in futures]
    finally:
        deferred.flush(ctx.engine)


def sync(ctx: Context, specs: Iterable[SourceSpec]) -> None:
    """Bring the source rows in line with the configuration."""
    with ctx.engine.begin() as conn:
        source_rows.sync_sources(conn, list(specs), ctx.clock())
