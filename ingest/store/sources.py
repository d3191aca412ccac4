"""Source rows: the schedule of record and each source's health.

Claims use a lease (owner + expiry) so several workers, or a worker restarted after a
crash, never fetch one source twice at once: an expired lease is free to take.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ingest.model import SourceSpec
from ingest.store import locks
from ingest.store.schema import sources, stories


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the pipeline needs from a source's row before fetching it."""

    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    error_count: int
    interval_s: float
    redirect_url: str | None
    redirect_count: int
    seen_ratio: float | None
    disabled_reason: str | None


_STATE_COLUMNS = [sources.c[name] for name in SourceState.__dataclass_fields__]


def sync_sources(conn: sa.Connection, specs: Sequence[SourceSpec], now: datetime) -> None:
    """Make the rows match the config: add new sources, update changed ones, and disable
    those no longer configured (their stories stay).

    A source whose fetched URL follows an adopted permanent redirect keeps it for as long
    as its configured URL stays the same."""
    locks.exclusive(conn, "sources.sync")  # workers starting together: one syncs at a time
    query = sa.select(sources.c.name, sources.c.url, sources.c.config_url)
    existing = {r.name: r for r in conn.execute(query)}
    for spec in specs:
        values: dict[str, object] = {
            "kind": spec.kind,
            "enabled": spec.enabled,
            "interval_s": spec.interval,
        }
        row = existing.get(spec.name)
        if row is None:
            conn.execute(
                sa.insert(sources).values(
                    name=spec.name, url=spec.url, config_url=spec.url, next_fetch_at=now, **values
                )
            )
            continue
        if (row.config_url or row.url) != spec.url:  # a new feed: forget caching and health
            values |= {
                "url": spec.url,
                "config_url": spec.url,
                "etag": None,
                "last_modified": None,
                "body_hash": None,
                "redirect_url": None,
                "redirect_count": 0,
                "disabled_reason": None,
                "error_count": 0,
                "next_fetch_at": now,
            }
        conn.execute(sa.update(sources).where(sources.c.name == spec.name).values(**values))
    gone = set(existing) - {s.name for s in specs}
    if gone:
        conn.execute(sa.update(sources).where(sources.c.name.in_(gone)).values(enabled=False))


def state(conn: sa.Connection, name: str) -> SourceState:
    row = conn.execute(sa.select(*_STATE_COLUMNS).where(sources.c.name == name)).one()
    return SourceState(*row)


def states(conn: sa.Connection, names: Sequence[str]) -> dict[str, SourceState]:
    """The states of many sources, by name, in a few statements."""
    found: dict[str, SourceState] = {}
    for start in range(0, len(names), 500):  # stay under bound-parameter limits
        query = sa.select(*_STATE_COLUMNS).where(sources.c.name.in_(names[start : start + 500]))
        found |= {row.name: SourceState(*row) for row in conn.execute(query)}
    return found


@dataclass(frozen=True, slots=True)
class Claimed:
    """A source leased to us, and whose expired lease we took over (None: it was free)."""

    name: str
    previous_owner: str | None


def claim(
    conn: sa.Connection, owner: str, now: datetime, lease: float, limit: int
) -> list[Claimed]:
    """Lease up to ``limit`` due sources to ``owner``, most overdue first, in one statement.

    On PostgreSQL the due rows are picked ``FOR UPDATE SKIP LOCKED``: two workers claiming
    at once each take rows the other has not, without waiting for each other, and a row is
    leased by one of them only. A source whose lease has expired (its worker died or hung)
    is due like any other; the previous owner is returned, as a takeover. SQLite has one
    writer, so there the same choice is read, then written, in the caller's transaction."""
    free = sa.or_(sources.c.lease_until.is_(None), sources.c.lease_until < now)
    due = (
        sa.select(sources.c.id, sources.c.lease_owner, sources.c.next_fetch_at)
        .where(sources.c.enabled, sources.c.disabled_reason.is_(None))
        .where(sa.or_(sources.c.next_fetch_at.is_(None), sources.c.next_fetch_at <= now))
        .where(free)
        .order_by(sources.c.next_fetch_at, sources.c.id)
        .limit(limit)
    )
    lease_values = {"lease_owner": owner, "lease_until": now + timedelta(seconds=lease)}
    if conn.dialect.name == "postgresql":
        picked = due.with_for_update(skip_locked=True).cte("due")
        result = conn.execute(
            sa.update(sources)
            .where(sources.c.id == picked.c.id)
            .values(**lease_values)
            .returning(sources.c.name, picked.c.lease_owner, picked.c.next_fetch_at)
        )
        rows = [(n, o, d) for n, o, d in result]
    else:
        chosen = {r.id: r for r in conn.execute(due)}
        names = conn.execute(
            sa.update(sources)
            .where(sources.c.id.in_(chosen), free)
            .values(**lease_values)
            .returning(sources.c.id, sources.c.name)
        ).all()
        rows = [(n, chosen[i].lease_owner, chosen[i].next_fetch_at) for i, n in names]
    never = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: _aware(r[2]) if r[2] is not None else never)
    return [Claimed(name, previous) for name, previous, _ in rows]


def claim_due(
    conn: sa.Connection, owner: str, now: datetime, lease: float, limit: int
) -> list[str]:
    """The names ``claim`` leased to ``owner``, most overdue first."""
    return [c.name for c in claim(conn, owner, now, lease, limit)]


def leases(conn: sa.Connection, now: datetime) -> tuple[int, int]:
    """Sources leased now, and leases expired but not yet taken over (a worker that died
    or hangs: they wait for the next claim)."""
    held = sa.func.sum(sa.case((sources.c.lease_until >= now, 1), else_=0))
    stale = sa.func.sum(sa.case((sources.c.lease_until < now, 1), else_=0))
    row = conn.execute(sa.select(held, stale).where(sources.c.lease_owner.is_not(None))).one()
    return int(row[0] or 0), int(row[1] or 0)


def release_all(conn: sa.Connection) -> int:
    """Drop every lease: only for a store that one daemon holds exclusively (SQLite with
    its lock), where any lease left is from a process that died."""
    result = conn.execute(
        sa.update(sources)
        .where(sources.c.lease_owner.is_not(None))
        .values(lease_owner=None, lease_until=None)
    )
    return int(result.rowcount or 0)


def release_owned(conn: sa.Connection, owner: str) -> int:
    """Drop ``owner``'s leases, on its way out, so another worker may take them at once."""
    result = conn.execute(
        sa.update(sources)
        .where(sources.c.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )
    return int(result.rowcount or 0)


def schedule_lag(conn: sa.Connection, now: datetime) -> float:
    """Seconds the most overdue source has been waiting for a worker; 0 when none waits."""
    oldest = conn.execute(
        sa.select(sa.func.min(sources.c.next_fetch_at))
        .where(sources.c.enabled, sources.c.disabled_reason.is_(None))
        .where(sources.c.next_fetch_at <= now)
        .where(sa.or_(sources.c.lease_until.is_(None), sources.c.lease_until < now))
    ).scalar_one_or_none()
    if oldest is None:
        return 0.0
    return max((now - _aware(oldest)).total_seconds(), 0.0)


def _aware(moment: datetime) -> datetime:
    # An aggregate bypasses the column type, so SQLite hands back a naive (UTC) value or text.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def release(conn: sa.Connection, name: str, owner: str) -> None:
    conn.execute(
        sa.update(sources)
        .where(sources.c.name == name, sources.c.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


# Built once: the columns to set come from each call's parameters, so SQLAlchemy compiles
# one statement per set of keys instead of building and hashing a new one per fetch.
_RECORD = (
    sa.update(sources)
    .where(sources.c.id == sa.bindparam("_source"))
    .values(lease_owner=None, lease_until=None, fetch_count=sources.c.fetch_count + 1)
)


def record_fetch(conn: sa.Connection, source_id: int, values: dict[str, object]) -> None:
    """Write the outcome of one fetch (health, caching info, next fetch) and drop the lease."""
    conn.execute(_RECORD, {**values, "_source": source_id})


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source as the operator sees it: ``communique sources`` and the status page."""

    name: str
    url: str
    title: str | None
    enabled: bool
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    last_status: int | None
    last_error: str | None
    last_error_at: datetime | None
    next_fetch_at: datetime | None
    error_count: int
    disabled_reason: str | None
    story_count: int
    interval_s: float = 900.0  # the configured interval between fetches
    failing_since: datetime | None = None  # when the current run of failures began


def health(conn: sa.Connection) -> list[SourceHealth]:
    """Every source with its health and story count, by name."""
    counts = (
        sa.select(stories.c.source_id, sa.func.count().label("n"))
        .group_by(stories.c.source_id)
        .subquery()
    )
    query = (
        sa.select(
            sources.c.name,
            sources.c.url,
            sources.c.title,
            sources.c.enabled,
            sources.c.last_fetch_at,
            sources.c.last_success_at,
            sources.c.last_status,
            sources.c.last_error,
            sources.c.last_error_at,
            sources.c.next_fetch_at,
            sources.c.error_count,
            sources.c.disabled_reason,
            sa.func.coalesce(counts.c.n, 0).label("story_count"),
            sources.c.interval_s,
            sources.c.failing_since,
        )
        .select_from(sources.outerjoin(counts, counts.c.source_id == sources.c.id))
        .order_by(sources.c.name)
    )
    return [SourceHealth(**row) for row in conn.execute(query).mappings()]


def renew(conn: sa.Connection, name: str, owner: str, until: datetime) -> bool:
    """Extend ``owner``'s lease on the source to ``until``; False when it holds none now
    (it expired and another worker took it)."""
    result = conn.execute(
        sa.update(sources)
        .where(sources.c.name == name, sources.c.lease_owner == owner)
        .values(lease_until=until)
    )
    return result.rowcount == 1
