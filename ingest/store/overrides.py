"""Operators' overrides: a story split out of its cluster stays out of it, and clusters
merged by hand stay merged; both are recorded in ``cluster_overrides``."""

from __future__ import annotations

import sqlalchemy as sa

from ingest.errors import StoreError
from ingest.store import cluster_rows
from ingest.store.schema import cluster_overrides, clusters, stories

# Statements run for every story, built once: building one cost more than running it.
_id: sa.BindParameter[int] = sa.bindparam("key")

_SPLITS_OF = (
    sa.select(clusters.c.id, clusters.c.merged_into)
    .select_from(cluster_overrides)
    .join(clusters, clusters.c.id == cluster_overrides.c.cluster_id)
    .where(cluster_overrides.c.action == "split", cluster_overrides.c.story_id == _id)
)


def blocked_for(conn: sa.Connection, story_id: int) -> frozenset[int]:
    """Clusters this story was split out of, as they are called today (resolved in the same
    statement)."""
    rows = conn.execute(_SPLITS_OF, {"key": story_id})
    return frozenset(int(merged if merged is not None else cid) for cid, merged in rows)


def apart(conn: sa.Connection, a: int, b: int) -> bool:
    """Does an operator's split keep live clusters ``a`` and ``b`` apart?"""
    query = (
        sa.select(cluster_overrides.c.cluster_id, stories.c.cluster_id.label("now_in"))
        .join(stories, stories.c.id == cluster_overrides.c.story_id)
        .where(cluster_overrides.c.action == "split", stories.c.cluster_id.in_((a, b)))
    )
    for row in conn.execute(query):
        left = cluster_rows.resolve(conn, row.cluster_id) if row.cluster_id is not None else None
        if left in (a, b) and left != row.now_in:
            return True
    return False


def _record(conn: sa.Connection, action: str, **values: object) -> None:
    conn.execute(
        sa.insert(cluster_overrides).values(action=action, created_at=cluster_rows.now(), **values)
    )


def split_story(conn: sa.Connection, story_id: int, note: str | None = None) -> int:
    """Take a story out of its cluster into a new one, for good; returns the new cluster id."""
    current = conn.execute(
        sa.select(stories.c.cluster_id).where(stories.c.id == story_id)
    ).one_or_none()
    if current is None:
        raise StoreError(f"no story {story_id}")
    old = current.cluster_id
    if old is not None:  # held, so no writer grows or merges it under us
        old = cluster_rows.lock_live(conn, [old]).get(old, old)
    if old is None or cluster_rows.size(conn, old) < 2:
        raise StoreError(f"story {story_id} is alone in its cluster; nothing to split")
    new = cluster_rows.new_cluster(conn, story_id)
    cluster_rows.move(conn, [story_id], new)
    cluster_rows.refresh(conn, old)
    _record(conn, "split", story_id=story_id, cluster_id=old, other_cluster_id=new, note=note)
    return new


def merge_clusters(conn: sa.Connection, a: int, b: int, note: str | None = None) -> int:
    """Join two clusters by an operator's decision; the older id survives and is returned."""
    held = cluster_rows.lock_live(conn, (a, b))  # and what each id stands for now
    live = []
    for cid in (a, b):
        if cid not in held:
            raise StoreError(f"no cluster {cid}")
        live.append(held[cid])
    keep = cluster_rows.merge(conn, live)
    other = live[1] if live[0] == keep else live[0]
    _record(conn, "merge", cluster_id=keep, other_cluster_id=other, note=note)
    return keep


def forget_story(conn: sa.Connection, story_id: int) -> None:
    """Drop a removed story's splits: a later story may be given its id (SQLite reuses them)."""
    conn.execute(sa.delete(cluster_overrides).where(cluster_overrides.c.story_id == story_id))
