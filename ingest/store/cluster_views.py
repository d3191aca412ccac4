"""Reading clusters: the operator's listings, and old cluster ids resolved in batches for
the output feeds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ingest.errors import StoreError
from ingest.store.cluster_rows import resolve
from ingest.store.schema import clusters, stories

_BATCH = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    id: int
    size: int
    representative_id: int | None
    title: str
    outlet: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MemberInfo:
    story_id: int
    outlet: str
    url: str
    title: str
    published: datetime
    representative: bool


def list_clusters(conn: sa.Connection, limit: int = 50, min_size: int = 1) -> list[ClusterInfo]:
    """Live clusters of at least ``min_size`` members, most recently changed first."""
    query = (
        sa.select(clusters, stories.c.title, stories.c.outlet)
        .join(stories, stories.c.id == clusters.c.representative_id, isouter=True)
        .where(clusters.c.merged_into.is_(None), clusters.c.size >= min_size)
        .order_by(clusters.c.updated_at.desc(), clusters.c.id.desc())
        .limit(limit)
    )
    return [
        ClusterInfo(
            r.id,
            r.size,
            r.representative_id,
            r.title or "",
            r.outlet or "",
            r.created_at,
            r.updated_at,
        )
        for r in conn.execute(query)
    ]


def cluster_members(conn: sa.Connection, cluster_id: int) -> list[MemberInfo]:
    """Every member of a cluster (an old merged id resolves), representative first, then by
    publication time."""
    root = resolve(conn, cluster_id)
    if root is None:
        raise StoreError(f"no cluster {cluster_id}")
    rep = conn.execute(
        sa.select(clusters.c.representative_id).where(clusters.c.id == root)
    ).scalar_one()
    cols = (stories.c.id, stories.c.outlet, stories.c.url, stories.c.title, stories.c.published_at)
    rows = conn.execute(sa.select(*cols).where(stories.c.cluster_id == root))
    members = [
        MemberInfo(int(r.id), r.outlet, r.url, r.title, r.published_at, r.id == rep) for r in rows
    ]
    return sorted(members, key=lambda m: (not m.representative, m.published, m.story_id))


def chunks(values: Iterable[int]) -> Iterator[list[int]]:
    """Sorted distinct ids in slices of at most _BATCH, for IN (...) lists."""
    items = sorted(set(values))
    for i in range(0, len(items), _BATCH):
        yield items[i : i + _BATCH]


class ClusterTree:
    """Many cluster ids resolved to their live root at once, following ``merged_into``, in
    batches and memoized for one query (``resolve`` does one id)."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.parent: dict[int, int | None] = {}

    def _load(self, ids: Iterable[int]) -> None:
        pending = {i for i in ids if i not in self.parent}
        while pending:
            for chunk in chunks(pending):
                stmt = sa.select(clusters.c.id, clusters.c.merged_into)
                for cid, merged in self.conn.execute(stmt.where(clusters.c.id.in_(chunk))):
                    self.parent[cid] = merged
            missing = pending - self.parent.keys()
            self.parent.update(dict.fromkeys(missing))  # a dangling id is its own root
            pending = {m for p in pending if (m := self.parent[p]) and m not in self.parent}

    def root(self, cid: int) -> int:
        self._load([cid])
        seen = {cid}
        while (nxt := self.parent.get(cid)) is not None and nxt not in seen:
            self._load([nxt])
            seen.add(nxt)
            cid = nxt
        return cid

    def family(self, roots: Iterable[int]) -> dict[int, int]:
        """Every cluster id that resolves into one of ``roots``, mapped to its root."""
        out = {r: r for r in roots}
        frontier = set(out)
        while frontier:
            found: dict[int, int] = {}
            for chunk in chunks(frontier):
                stmt = sa.select(clusters.c.id, clusters.c.merged_into)
                for cid, merged in self.conn.execute(stmt.where(clusters.c.merged_into.in_(chunk))):
                    if cid not in out:
                        found[cid] = out[merged]
            out.update(found)
            frontier = set(found)
        return out


@dataclass(frozen=True, slots=True)
class StoryHead:
    story_id: int
    outlet: str
    title: str
    published: datetime
    cluster_id: int | None


def story_heads(conn: sa.Connection, ids: Sequence[int]) -> dict[int, StoryHead]:
    """Outlet, title, time and live cluster of each of ``ids`` that exists."""
    cols = (stories.c.id, stories.c.outlet, stories.c.title, stories.c.published_at)
    rows = conn.execute(sa.select(*cols, stories.c.cluster_id).where(stories.c.id.in_(ids)))
    heads = {}
    for r in rows:
        cluster = resolve(conn, r.cluster_id) if r.cluster_id is not None else None
        heads[int(r.id)] = StoryHead(
            int(r.id), r.outlet or "", r.title or "", r.published_at, cluster
        )
    return heads
