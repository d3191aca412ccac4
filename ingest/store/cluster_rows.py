"""Cluster rows: creating, recounting, merging and deleting clusters, and resolving an old
cluster id to the live cluster it stands for today.

Invariants kept here: a story's ``cluster_id`` is always a live cluster (never one that was
merged away); a merged-away cluster keeps its row with ``merged_into`` pointing straight at
the survivor (chains are collapsed), so an old id still resolves; ``size`` and
``representative_id`` match the members.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from ingest import dedupe
from ingest.dedupe import Member
from ingest.store.schema import cluster_overrides, clusters, stories


def now() -> datetime:
    return datetime.now(UTC)


# Statements run for every story, built once: building one cost more than running it.
_id: sa.BindParameter[int] = sa.bindparam("key")

_NEW_CLUSTER = (
    sa.insert(clusters)
    .values(
        created_at=sa.bindparam("now"),
        updated_at=sa.bindparam("now"),
        size=1,
        representative_id=sa.bindparam("rep"),
    )
    .returning(clusters.c.id)
)

_MEMBERS = sa.select(
    stories.c.id,
    stories.c.outlet,
    stories.c.published_at,
    stories.c.word_count,
    stories.c.attributions,
).where(stories.c.cluster_id == _id)

_RECOUNT = (
    sa.update(clusters)
    .where(clusters.c.id == _id)
    .values(
        size=sa.bindparam("size"),
        representative_id=sa.bindparam("rep"),
        updated_at=sa.bindparam("now"),
    )
)


def new_cluster(conn: sa.Connection, story_id: int) -> int:
    """A cluster for one story, which is then its only member and its representative (the
    caller moves the story in)."""
    result = conn.execute(_NEW_CLUSTER, {"now": now(), "rep": story_id})
    return int(result.scalar_one())


def lock_live(conn: sa.Connection, cluster_ids: Iterable[int]) -> dict[int, int]:
    """Lock the clusters a writer is about to change, and say what each id stands for now.

    On PostgreSQL the rows are locked ``FOR UPDATE`` in id order, so a writer waits for
    another that is merging, growing or splitting one of them, then reads what it left:
    an id merged away meanwhile maps to its survivor (locked too), an id deleted meanwhile
    is left out. SQLite's one writer makes the lock moot; the mapping still holds."""
    wanted = list(cluster_ids)
    live: dict[int, int] = {}
    pending, asked = set(wanted), set()
    locked: dict[int, int | None] = {}
    while pending:
        asked |= pending
        query = (
            sa.select(clusters.c.id, clusters.c.merged_into)
            .where(clusters.c.id.in_(sorted(pending)))
            .order_by(clusters.c.id)
            .with_for_update()
        )
        for row in conn.execute(query):
            locked[int(row.id)] = None if row.merged_into is None else int(row.merged_into)
        # Survivors not locked yet (merged_into points straight at a live cluster).
        pending = {m for m in locked.values() if m is not None} - asked
    for cid in wanted:
        current, seen = cid, set()
        while locked.get(current) is not None and current not in seen:
            seen.add(current)
            current = locked[current]  # type: ignore[assignment]
        if current in locked and locked[current] is None:
            live[cid] = current  # else deleted meanwhile: nothing left to join
    return live


def move(conn: sa.Connection, story_ids: Sequence[int], cluster_id: int) -> None:
    conn.execute(
        sa.update(stories).where(stories.c.id.in_(story_ids)).values(cluster_id=cluster_id)
    )


def _members(conn: sa.Connection, cluster_id: int) -> list[Member]:
    rows = conn.execute(_MEMBERS, {"key": cluster_id})
    return [
        Member(int(r.id), r.outlet, r.published_at, r.word_count, tuple(r.attributions or ()))
        for r in rows
    ]


def refresh(conn: sa.Connection, cluster_id: int) -> None:
    """Recount a live cluster and re-choose its representative; delete it when empty."""
    members = _members(conn, cluster_id)
    if not members:
        _delete_cluster(conn, cluster_id)
        return
    rep = dedupe.representative(members)
    conn.execute(_RECOUNT, {"key": cluster_id, "size": len(members), "rep": rep, "now": now()})


def _delete_cluster(conn: sa.Connection, cluster_id: int) -> None:
    # Ids merged into it have nothing left to resolve to.  SQLite reuses the ids of deleted
    # rows, so a split that kept a story out of this cluster must not outlive it and bar an
    # unrelated cluster that gets the same id later.
    gone = [cluster_id, *_merged_into(conn, cluster_id)]
    conn.execute(
        sa.delete(cluster_overrides).where(
            cluster_overrides.c.action == "split", cluster_overrides.c.cluster_id.in_(gone)
        )
    )
    conn.execute(sa.delete(clusters).where(clusters.c.merged_into == cluster_id))
    conn.execute(sa.delete(clusters).where(clusters.c.id == cluster_id))


def _merged_into(conn: sa.Connection, cluster_id: int) -> list[int]:
    query = sa.select(clusters.c.id).where(clusters.c.merged_into == cluster_id)
    return [int(i) for i in conn.execute(query).scalars()]


def merge(conn: sa.Connection, cluster_ids: Iterable[int], *, recount: bool = True) -> int:
    """Fold live clusters into the oldest of them, which survives; returns its id.  Without
    ``recount`` the caller recounts the survivor (after moving more stories in)."""
    ids = sorted(set(cluster_ids))
    rows = conn.execute(
        sa.select(clusters.c.id, clusters.c.created_at).where(clusters.c.id.in_(ids))
    ).all()
    keep = min(rows, key=lambda r: (r.created_at, r.id)).id
    gone = [i for i in ids if i != keep]
    if not gone:
        return int(keep)
    conn.execute(sa.update(stories).where(stories.c.cluster_id.in_(gone)).values(cluster_id=keep))
    conn.execute(
        sa.update(clusters).where(clusters.c.merged_into.in_(gone)).values(merged_into=keep)
    )
    conn.execute(
        sa.update(clusters)
        .where(clusters.c.id.in_(gone))
        .values(merged_into=keep, size=0, representative_id=None, updated_at=now())
    )
    if recount:
        refresh(conn, keep)
    return int(keep)


def resolve(conn: sa.Connection, cluster_id: int) -> int | None:
    """The live cluster an id stands for today (itself, or what it was merged into)."""
    row = conn.execute(
        sa.select(clusters.c.id, clusters.c.merged_into).where(clusters.c.id == cluster_id)
    ).one_or_none()
    if row is None:
        return None
    return int(row.merged_into if row.merged_into is not None else row.id)


def size(conn: sa.Connection, cluster_id: int) -> int:
    count = sa.select(sa.func.count()).where(stories.c.cluster_id == cluster_id)
    return int(conn.execute(count).scalar_one())
