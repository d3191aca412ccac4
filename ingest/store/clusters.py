"""The store side of story clustering: the LSH band table, cluster rows and operator overrides.

Candidates come only from index lookups: ``stories.content_hash`` (level 3) and
``lsh_bands`` by ``(band, hash)`` (levels 4-5), never from a scan of ``stories``.  The
decisions themselves are pure functions in ``ingest.dedupe``.

Invariants kept here: a story's ``cluster_id`` is always a live cluster (never one that was
merged away); a merged-away cluster keeps its row with ``merged_into`` pointing straight at
the survivor (chains are collapsed), so an old id still resolves; ``size`` and
``representative_id`` match the members.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from ingest import dedupe
from ingest.dedupe import DedupeParams, Fingerprint, Match, Member
from ingest.errors import StoreError
from ingest.model import Story
from ingest.store.schema import cluster_overrides, clusters, lsh_bands, stories


def _now() -> datetime:
    return datetime.now(UTC)


# --- assignment ------------------------------------------------------------------------------


def assign_cluster(conn: sa.Connection, story_id: int, story: Story, params: DedupeParams) -> int:
    """Fingerprint the (new or revised) story, index it, and put it in a cluster; returns the
    cluster id.  A revised story keeps its cluster (operators' merges hold); a new one joins
    its best match's cluster or opens one, merging clusters its text proves to be one."""
    fp = dedupe.fingerprint(story.title, story.body_text, params)
    _write_fingerprint(conn, story_id, story, fp, params)
    current = conn.execute(
        sa.select(stories.c.cluster_id).where(stories.c.id == story_id)
    ).scalar_one_or_none()
    if current is not None:
        _refresh(conn, current)
        return int(current)
    new = dedupe.profile(
        story_id,
        None,
        title=story.title,
        body_text=story.body_text,
        published=story.published,
        content_hash=story.content_hash,
        countries=story.countries,
        text_sig=fp.text_sig,
    )
    matches = [
        m for c in _candidates(conn, story_id, story, fp, params) if (m := _score(new, c, params))
    ]
    decision = dedupe.decide(matches, _blocked_for(conn, story_id))
    return _apply(conn, story_id, decision)


def _score(new: dedupe.Profile, cand: dedupe.Profile, params: DedupeParams) -> Match | None:
    return dedupe.score_pair(new, cand, params)


def _write_fingerprint(
    conn: sa.Connection, story_id: int, story: Story, fp: Fingerprint, params: DedupeParams
) -> None:
    conn.execute(
        sa.update(stories)
        .where(stories.c.id == story_id)
        .values(minhash=dedupe.pack_signatures(fp))
    )
    conn.execute(sa.delete(lsh_bands).where(lsh_bands.c.story_id == story_id))
    rows = [{"band": b, "hash": h, "story_id": story_id} for b, h in _band_keys(story, fp, params)]
    if rows:
        conn.execute(sa.insert(lsh_bands), rows)


def _band_keys(story: Story, fp: Fingerprint, params: DedupeParams) -> list[tuple[int, int]]:
    """The rows a story is indexed under; event bands carry its own time bucket."""
    bucket = dedupe.time_bucket(story.published, params.window_hours)
    keys = list(enumerate(fp.text_bands))
    event = dedupe.bucketed(fp.event_bands, bucket)
    keys += [(dedupe.EVENT_BAND_BASE + i, h) for i, h in enumerate(event)]
    return keys


def _lookup_keys(story: Story, fp: Fingerprint, params: DedupeParams) -> list[tuple[int, int]]:
    """What to look up: the text bands, and the event bands of this bucket and both
    neighbours, which hold every story within ``window_hours``."""
    bucket = dedupe.time_bucket(story.published, params.window_hours)
    keys = list(enumerate(fp.text_bands))
    for b in (bucket - 1, bucket, bucket + 1):
        event = dedupe.bucketed(fp.event_bands, b)
        keys += [(dedupe.EVENT_BAND_BASE + i, h) for i, h in enumerate(event)]
    return keys


def _candidates(
    conn: sa.Connection, story_id: int, story: Story, fp: Fingerprint, params: DedupeParams
) -> list[dedupe.Profile]:
    ids = _exact_ids(conn, story_id, story.content_hash, params.max_candidates)
    ids += [
        i
        for i in _band_ids(conn, story_id, _lookup_keys(story, fp, params), params)
        if i not in ids
    ]
    return _profiles(conn, ids[: params.max_candidates], params)


def _exact_ids(conn: sa.Connection, story_id: int, content_hash: str, limit: int) -> list[int]:
    query = (
        sa.select(stories.c.id)
        .where(stories.c.content_hash == content_hash, stories.c.id != story_id)
        .order_by(stories.c.id)
        .limit(limit)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def _band_ids(
    conn: sa.Connection, story_id: int, keys: Sequence[tuple[int, int]], params: DedupeParams
) -> list[int]:
    """Stories sharing band hashes, most shared first."""
    if not keys:
        return []
    values: dict[str, int] = {}
    for i, (band, h) in enumerate(keys):
        values[f"b{i}"], values[f"h{i}"] = band, h
    hits = Counter(
        int(i) for i in conn.execute(_band_query(len(keys)), values).scalars() if i != story_id
    )
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))
    return [i for i, _ in ranked[: params.max_candidates]]


BUCKET_CAP = 32  # newest stories read per (band, hash); see _band_query


@functools.lru_cache(maxsize=16)
def _band_query(n: int) -> sa.TextClause:
    """One index seek per (band, hash), each reading at most BUCKET_CAP newest rows.

    The cap keeps the cost of a lookup flat as the store grows: a band hash that many
    unrelated stories share (boilerplate, common phrases) would otherwise return a row per
    story.  A real copy shares many bands, so losing it from one hot bucket does not lose it.
    Written as text and kept per size, because building this many expressions per story cost
    more than running the query."""
    one = (
        f"SELECT * FROM (SELECT story_id FROM {lsh_bands.name} WHERE band = :b{{i}}"
        f" AND hash = :h{{i}} ORDER BY story_id DESC LIMIT {BUCKET_CAP}) AS q{{i}}"
    )
    return sa.text(" UNION ALL ".join(one.format(i=i) for i in range(n)))


def _profiles(
    conn: sa.Connection, ids: Sequence[int], params: DedupeParams
) -> list[dedupe.Profile]:
    if not ids:
        return []
    cols = (stories.c.id, stories.c.cluster_id, stories.c.title, stories.c.body_text)
    cols += (stories.c.published_at, stories.c.content_hash, stories.c.countries, stories.c.minhash)
    rows = conn.execute(sa.select(*cols).where(stories.c.id.in_(ids)))
    return [
        dedupe.profile(
            int(r.id),
            r.cluster_id,
            title=r.title,
            body_text=r.body_text,
            published=r.published_at,
            content_hash=r.content_hash,
            countries=r.countries or (),
            text_sig=dedupe.unpack_text_signature(r.minhash, params),
        )
        for r in rows
    ]


def _apply(conn: sa.Connection, story_id: int, decision: dedupe.Decision) -> int:
    if decision.target is None:
        cluster_id = _new_cluster(conn)
    else:
        cluster_id = decision.target
        merge = [c for c in decision.merge if not _apart(conn, cluster_id, c)]
        if merge:
            cluster_id = _merge(conn, [cluster_id, *merge])
    _move(conn, [story_id], cluster_id)
    _refresh(conn, cluster_id)
    return cluster_id


# --- cluster rows ----------------------------------------------------------------------------


def _new_cluster(conn: sa.Connection) -> int:
    now = _now()
    result = conn.execute(sa.insert(clusters).values(created_at=now, updated_at=now, size=0))
    return int(result.inserted_primary_key[0])


def _move(conn: sa.Connection, story_ids: Sequence[int], cluster_id: int) -> None:
    conn.execute(
        sa.update(stories).where(stories.c.id.in_(story_ids)).values(cluster_id=cluster_id)
    )


def _members(conn: sa.Connection, cluster_id: int) -> list[Member]:
    cols = (stories.c.id, stories.c.outlet, stories.c.published_at, stories.c.word_count)
    rows = conn.execute(
        sa.select(*cols, stories.c.attributions).where(stories.c.cluster_id == cluster_id)
    )
    return [
        Member(int(r.id), r.outlet, r.published_at, r.word_count, tuple(r.attributions or ()))
        for r in rows
    ]


def _refresh(conn: sa.Connection, cluster_id: int) -> None:
    """Recount a live cluster and re-choose its representative; delete it when empty."""
    members = _members(conn, cluster_id)
    if not members:
        _delete_cluster(conn, cluster_id)
        return
    values = {
        "size": len(members),
        "representative_id": dedupe.representative(members),
        "updated_at": _now(),
    }
    conn.execute(sa.update(clusters).where(clusters.c.id == cluster_id).values(**values))


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


def _merge(conn: sa.Connection, cluster_ids: Iterable[int]) -> int:
    """Fold live clusters into the oldest of them, which survives; returns its id."""
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
        .values(merged_into=keep, size=0, representative_id=None, updated_at=_now())
    )
    _refresh(conn, keep)
    return int(keep)


def resolve(conn: sa.Connection, cluster_id: int) -> int | None:
    """The live cluster an id stands for today (itself, or what it was merged into)."""
    row = conn.execute(
        sa.select(clusters.c.id, clusters.c.merged_into).where(clusters.c.id == cluster_id)
    ).one_or_none()
    if row is None:
        return None
    return int(row.merged_into if row.merged_into is not None else row.id)


# --- operator overrides ----------------------------------------------------------------------


def _blocked_for(conn: sa.Connection, story_id: int) -> frozenset[int]:
    """Clusters this story was split out of, as they are called today."""
    old = conn.execute(
        sa.select(cluster_overrides.c.cluster_id).where(
            cluster_overrides.c.action == "split", cluster_overrides.c.story_id == story_id
        )
    ).scalars()
    return frozenset(r for c in old if c is not None and (r := resolve(conn, c)) is not None)


def _apart(conn: sa.Connection, a: int, b: int) -> bool:
    """Does an operator's split keep live clusters ``a`` and ``b`` apart?"""
    query = (
        sa.select(cluster_overrides.c.cluster_id, stories.c.cluster_id.label("now_in"))
        .join(stories, stories.c.id == cluster_overrides.c.story_id)
        .where(cluster_overrides.c.action == "split", stories.c.cluster_id.in_((a, b)))
    )
    for row in conn.execute(query):
        left = resolve(conn, row.cluster_id) if row.cluster_id is not None else None
        if left in (a, b) and left != row.now_in:
            return True
    return False


def _record(conn: sa.Connection, action: str, **values: object) -> None:
    conn.execute(sa.insert(cluster_overrides).values(action=action, created_at=_now(), **values))


def split_story(conn: sa.Connection, story_id: int, note: str | None = None) -> int:
    """Take a story out of its cluster into a new one, for good; returns the new cluster id."""
    current = conn.execute(
        sa.select(stories.c.cluster_id).where(stories.c.id == story_id)
    ).one_or_none()
    if current is None:
        raise StoreError(f"no story {story_id}")
    old = current.cluster_id
    if old is None or _size(conn, old) < 2:
        raise StoreError(f"story {story_id} is alone in its cluster; nothing to split")
    new = _new_cluster(conn)
    _move(conn, [story_id], new)
    _refresh(conn, new)
    _refresh(conn, old)
    _record(conn, "split", story_id=story_id, cluster_id=old, other_cluster_id=new, note=note)
    return new


def merge_clusters(conn: sa.Connection, a: int, b: int, note: str | None = None) -> int:
    """Join two clusters by an operator's decision; the older id survives and is returned."""
    live = []
    for cid in (a, b):
        root = resolve(conn, cid)
        if root is None:
            raise StoreError(f"no cluster {cid}")
        live.append(root)
    keep = _merge(conn, live)
    other = live[1] if live[0] == keep else live[0]
    _record(conn, "merge", cluster_id=keep, other_cluster_id=other, note=note)
    return keep


def _size(conn: sa.Connection, cluster_id: int) -> int:
    count = sa.select(sa.func.count()).where(stories.c.cluster_id == cluster_id)
    return int(conn.execute(count).scalar_one())


# --- retention -------------------------------------------------------------------------------


def remove_story(conn: sa.Connection, story_id: int) -> None:
    """Delete a story for retention, keeping its cluster consistent: bands go, the cluster
    shrinks and re-chooses its representative, and an emptied cluster is deleted."""
    cluster_id = conn.execute(
        sa.select(stories.c.cluster_id).where(stories.c.id == story_id)
    ).scalar_one_or_none()
    conn.execute(sa.delete(lsh_bands).where(lsh_bands.c.story_id == story_id))
    # Its splits go with it: a later story may be given the same id (SQLite reuses them).
    conn.execute(sa.delete(cluster_overrides).where(cluster_overrides.c.story_id == story_id))
    conn.execute(sa.update(stories).where(stories.c.id == story_id).values(cluster_id=None))
    conn.execute(sa.delete(stories).where(stories.c.id == story_id))
    if cluster_id is not None:
        _refresh(conn, cluster_id)


# --- reading ---------------------------------------------------------------------------------


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
