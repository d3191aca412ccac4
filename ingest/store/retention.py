"""Retention: prune stories by age and by a per-source count, keeping the store consistent.

Age counts from ``first_seen_at`` (when we first stored the story), not from its published
date, so an archive imported today is not pruned at once.  The per-source count keeps the
most recently seen stories (then the most recently published).  Each story goes through
``clusters.remove_story`` so clusters shrink (or vanish) and the LSH index loses its bands;
revisions and tags go with it by ``ON DELETE CASCADE``.

A pruned item is remembered in ``pruned_items`` so that a feed still listing it does not
bring it back as a new story on the next poll; those tombstones are dropped after a grace
period, by which time no sane feed still lists the item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa

from ingest.store import locks
from ingest.store.engine import reading
from ingest.store.schema import pruned_items, sources, stories

BATCH = 200  # stories per transaction: short write locks, so ingest interleaves
TOMBSTONE_GRACE = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    max_age_days: float = 0.0  # 0 keeps everything
    max_per_source: int = 0  # 0: no limit

    @property
    def active(self) -> bool:
        return self.max_age_days > 0 or self.max_per_source > 0


@dataclass(frozen=True, slots=True)
class PruneReport:
    by_age: int = 0
    by_count: int = 0
    tombstones_dropped: int = 0

    @property
    def removed(self) -> int:
        return self.by_age + self.by_count


def prune(engine: sa.Engine, policy: RetentionPolicy, now: datetime) -> PruneReport:
    """Apply ``policy``; each batch is its own transaction, so a crash loses nothing but
    the batch in hand (which the next run prunes again)."""
    by_age = by_count = 0
    if policy.max_age_days > 0:
        cutoff = now - timedelta(days=policy.max_age_days)
        by_age = _prune_ids(engine, lambda c: _older_than(c, cutoff), now)
    if policy.max_per_source > 0:
        with reading(engine) as conn:
            source_ids = [r[0] for r in conn.execute(sa.select(sources.c.id))]
        for source_id in source_ids:
            by_count += _prune_ids(
                engine, partial(_beyond_count, source_id=source_id, keep=policy.max_per_source), now
            )
    with engine.begin() as conn:
        dropped = drop_tombstones(conn, now - TOMBSTONE_GRACE)
    return PruneReport(by_age, by_count, dropped)


def _prune_ids(
    engine: sa.Engine, select_batch: Callable[[sa.Connection], list[int]], now: datetime
) -> int:
    removed = 0
    while True:
        with engine.begin() as conn:
            # Every worker runs retention: one batch at a time, each chosen after the last
            # one committed, so two workers never remove the same stories.
            locks.exclusive(conn, "retention")
            ids = select_batch(conn)
            remove_stories(conn, ids, now)
        removed += len(ids)
        if len(ids) < BATCH:
            return removed


def _older_than(conn: sa.Connection, cutoff: datetime) -> list[int]:
    query = sa.select(stories.c.id).where(stories.c.first_seen_at < cutoff).limit(BATCH)
    return [r[0] for r in conn.execute(query)]


def _beyond_count(conn: sa.Connection, source_id: int, keep: int) -> list[int]:
    query = (
        sa.select(stories.c.id)
        .where(stories.c.source_id == source_id)
        .order_by(
            stories.c.first_seen_at.desc(), stories.c.published_at.desc(), stories.c.id.desc()
        )
        .offset(keep)
        .limit(BATCH)
    )
    return [r[0] for r in conn.execute(query)]


def remove_stories(conn: sa.Connection, story_ids: Iterable[int], now: datetime) -> None:
    """Delete these stories (clusters and index kept consistent) and remember their keys."""
    from ingest.store.clusters import remove_story  # with numpy: only when pruning

    for story_id in story_ids:
        row = conn.execute(
            sa.select(stories.c.source_id, stories.c.item_key).where(stories.c.id == story_id)
        ).first()
        if row is None:
            continue
        remove_story(conn, story_id)
        _tombstone(conn, row.source_id, row.item_key, now)


def _tombstone(conn: sa.Connection, source_id: int, item_key: str, now: datetime) -> None:
    # Delete first: a re-pruned key (re-added after its tombstone expired) must not collide.
    conn.execute(
        sa.delete(pruned_items).where(
            pruned_items.c.source_id == source_id, pruned_items.c.item_key == item_key
        )
    )
    conn.execute(
        sa.insert(pruned_items).values(source_id=source_id, item_key=item_key, pruned_at=now)
    )


def drop_tombstones(conn: sa.Connection, before: datetime) -> int:
    result = conn.execute(sa.delete(pruned_items).where(pruned_items.c.pruned_at < before))
    return int(result.rowcount or 0)


def pruned_keys(conn: sa.Connection, source_id: int, keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that retention removed from the source: not to be stored again."""
    wanted = list(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):  # stay under bound-parameter limits
        rows = conn.execute(
            sa.select(pruned_items.c.item_key)
            .where(pruned_items.c.source_id == source_id)
            .where(pruned_items.c.item_key.in_(wanted[start : start + 500]))
        )
        found.update(r[0] for r in rows)
    return found
