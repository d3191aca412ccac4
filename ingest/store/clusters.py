"""The store side of story clustering: the LSH band table, cluster rows and operator overrides.

Candidates come only from index lookups: ``stories.content_hash`` (level 3) and
``lsh_bands`` by ``(bucket, band, hash)`` (levels 4-5), never from a scan of ``stories``.  The
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
from ingest.dedupe import DedupeParams, Fingerprint, Member
from ingest.errors import StoreError
from ingest.model import Story
from ingest.store.schema import cluster_overrides, clusters, lsh_bands, stories


def _now() -> datetime:
    return datetime.now(UTC)


# Statements run for every story, built once: building one cost more than running it.
_id: sa.BindParameter[int] = sa.bindparam("key")
_ids: sa.BindParameter[list[int]] = sa.bindparam("keys", expanding=True)
_STATE = sa.select(stories.c.cluster_id, stories.c.minhash.is_not(None)).where(stories.c.id == _id)
_SET_BLOB = sa.update(stories).where(stories.c.id == _id).values(minhash=sa.bindparam("blob"))
_PLACE = (
    sa.update(stories)
    .where(stories.c.id == _id)
    .values(cluster_id=sa.bindparam("cluster"), minhash=sa.bindparam("blob"))
)
_NEW_CLUSTER = sa.insert(clusters).values(
    created_at=sa.bindparam("now"),
    updated_at=sa.bindparam("now"),
    size=1,
    representative_id=sa.bindparam("rep"),
)
_DROP_BANDS = sa.delete(lsh_bands).where(lsh_bands.c.story_id == _id)
_CANDIDATES = sa.select(
    stories.c.id,
    stories.c.cluster_id,
    stories.c.published_at,
    stories.c.content_hash,
    stories.c.countries,
    stories.c.minhash,
).where(stories.c.id.in_(_ids))
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
_SPLITS_OF = (
    sa.select(clusters.c.id, clusters.c.merged_into)
    .select_from(cluster_overrides)
    .join(clusters, clusters.c.id == cluster_overrides.c.cluster_id)
    .where(cluster_overrides.c.action == "split", cluster_overrides.c.story_id == _id)
)


# --- assignment ------------------------------------------------------------------------------


def assign_cluster(
    conn: sa.Connection,
    story_id: int,
    story: Story,
    params: DedupeParams,
    fp: Fingerprint | None = None,
) -> int:
    """Index the (new or revised) story and put it in a cluster; returns the cluster id.
    ``fp`` is its fingerprint when already computed (the pipeline does so in its process
    pool, off the one writer).  A revised story keeps its cluster (operators' merges hold);
    a new one joins its best match's cluster or opens one, merging clusters its text proves
    to be one."""
    if fp is None:
        fp = dedupe.fingerprint(story.title, story.body_text, params)
    blob = dedupe.pack_signatures(fp)
    current, indexed = _state(conn, story_id)
    _write_bands(conn, story_id, band_keys(story, fp, params), replace=indexed)
    if current is not None:
        conn.execute(_SET_BLOB, {"key": story_id, "blob": blob})
        _refresh(conn, current)
        return current
    new = dedupe.profile_of(
        story_id,
        None,
        story.published,
        story.content_hash,
        story.countries,
        fp.text_sig,
        fp.features,
    )
    cands = _candidates(conn, story_id, story, fp, params)
    by_id = {c.story_id: c for c in cands}
    matches = [m for c in cands if (m := dedupe.score_pair(new, c, params))]
    matches = _anchored(conn, new, matches, by_id, params)
    # Without a match the decision is a new cluster whatever the overrides say.
    blocked = _blocked_for(conn, story_id) if matches else frozenset()

    def bridges(a: dedupe.Match, b: dedupe.Match) -> bool:
        return dedupe.corroborates(by_id[a.story_id], by_id[b.story_id], params)

    return _apply(conn, story_id, dedupe.decide(matches, blocked, bridges), blob)


def _anchored(
    conn: sa.Connection,
    new: dedupe.Profile,
    matches: list[dedupe.Match],
    by_id: dict[int, dedupe.Profile],
    params: DedupeParams,
) -> list[dedupe.Match]:
    """``matches`` without the event-level (5) ones whose cluster's representative the new
    story does not corroborate (see ``dedupe.anchored``)."""
    event = {m.cluster_id for m in matches if m.level == 5}
    if not event:
        return matches
    query = sa.select(clusters.c.id, clusters.c.representative_id)
    reps = {int(c): r for c, r in conn.execute(query.where(clusters.c.id.in_(event)))}
    missing = [r for r in reps.values() if r is not None and r not in by_id]
    known = by_id | {p.story_id: p for p in _profiles(conn, missing, params)}
    return [
        m
        for m in matches
        if dedupe.anchored(m, new, known.get(reps.get(m.cluster_id) or -1), params)
    ]


def _state(conn: sa.Connection, story_id: int) -> tuple[int | None, bool]:
    """The story's cluster, and whether it was fingerprinted before (so has bands)."""
    row = conn.execute(_STATE, {"key": story_id}).one_or_none()
    if row is None:
        return None, True  # no such row: nothing to lean on, so clear what may be there
    cluster_id, has_blob = row
    if cluster_id is None:
        return None, bool(has_blob)
    return int(cluster_id), True


def _write_bands(
    conn: sa.Connection, story_id: int, keys: Sequence[BandKey], *, replace: bool
) -> None:
    # Bands go in before the lookup: the story's own rows take their place in the capped
    # buckets, as they do for every later lookup.
    if replace:
        conn.execute(_DROP_BANDS, {"key": story_id})
    if keys:
        # Through the driver: SQLAlchemy's per-row parameter handling cost more than the rows.
        p = _placeholder(conn)
        sql = (
            f"INSERT INTO {lsh_bands.name} (bucket, band, hash, story_id)"
            f" VALUES ({p}, {p}, {p}, {p})"
        )
        conn.exec_driver_sql(sql, [(t, b, h, story_id) for t, b, h in keys])


def _placeholder(conn: sa.Connection) -> str:
    """The driver's positional parameter marker (SQLite's ``?``, psycopg's ``%s``)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


BandKey = tuple[int, int, int]  # (time bucket, band, hash): one lsh_bands row or lookup


def band_keys(story: Story, fp: Fingerprint, params: DedupeParams) -> list[BandKey]:
    """The rows a story is indexed under: text bands in its bucket of
    ``duplicate_window_hours``, event bands in its bucket of ``window_hours``."""
    return _keys(story, fp, params, (0,))


def _lookup_keys(story: Story, fp: Fingerprint, params: DedupeParams) -> list[BandKey]:
    """What to look up: each band in the story's bucket and both neighbours, which hold
    every story close enough in time to match by that band's kind of evidence."""
    return _keys(story, fp, params, (-1, 0, 1))


def _keys(
    story: Story, fp: Fingerprint, params: DedupeParams, shifts: Sequence[int]
) -> list[BandKey]:
    """Text then event band keys, in the buckets ``shifts`` away from the story's own."""
    text = dedupe.time_bucket(story.published, params.duplicate_window_hours)
    event = dedupe.time_bucket(story.published, params.window_hours)
    keys = [(text + d, i, h) for d in shifts for i, h in enumerate(fp.text_bands)]
    base = dedupe.EVENT_BAND_BASE
    keys += [(event + d, base + i, h) for d in shifts for i, h in enumerate(fp.event_bands)]
    return keys


def _candidates(
    conn: sa.Connection, story_id: int, story: Story, fp: Fingerprint, params: DedupeParams
) -> list[dedupe.Profile]:
    """Stories with the same text first (by id), then those sharing the most bands."""
    keys = _lookup_keys(story, fp, params)
    exact, hits = _lookup(conn, story_id, story.content_hash, keys, params.max_candidates)
    ids = exact[: params.max_candidates]
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))
    ids += [i for i, _ in ranked[: params.max_candidates] if i not in ids]
    return _profiles(conn, ids[: params.max_candidates], params)


BUCKET_CAP = 32  # newest stories read per (bucket, band, hash); see _lookup_sql
_CHUNK = 64  # (band, hash) seeks per statement: SQLite runs one huge UNION ALL slower


def _lookup(
    conn: sa.Connection,
    story_id: int,
    content_hash: str,
    keys: Sequence[BandKey],
    limit: int,
) -> tuple[list[int], Counter[int]]:
    """Other stories with this content hash (lowest ids first, at most the candidate cap),
    and how many of ``keys`` each other story shares, in a few statements."""
    exact: list[int] = []
    hits: Counter[int] = Counter()
    first = True
    for start in range(0, max(len(keys), 1), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        rows = _run_lookup(conn, content_hash if first else None, chunk, limit)
        first = False
        for kind, i in rows:
            if i == story_id:
                continue
            if kind == 0:
                exact.append(int(i))
            else:
                hits[int(i)] += 1
    return sorted(exact), hits


def _run_lookup(
    conn: sa.Connection, content_hash: str | None, keys: Sequence[BandKey], limit: int
) -> list[tuple[int, int]]:
    """(0, id) rows of the exact-text seek, (1, id) rows of the band seeks.  Sent through
    the driver directly: SQLAlchemy's parameter handling cost more than the seeks."""
    params: list[object] = [content_hash] if content_hash is not None else []
    for bucket, band, h in keys:
        params += (bucket, band, h)
    if not params:
        return []
    sql = _lookup_sql(_placeholder(conn), limit if content_hash is not None else 0, len(keys))
    return [(int(k), int(i)) for k, i in conn.exec_driver_sql(sql, tuple(params))]


@functools.lru_cache(maxsize=32)
def _lookup_sql(p: str, exact: int, n: int) -> str:
    """One index seek per (bucket, band, hash), each reading at most BUCKET_CAP newest rows.

    The cap keeps the cost of a lookup flat as the store grows: a band hash that many
    unrelated stories share (boilerplate, common phrases) would otherwise return a row per
    story.  A real copy shares many bands, so losing it from one hot bucket does not lose it.
    ``exact``: how many stories with the same content hash to read (0: none); one more is
    read, as the story itself may be among them."""
    parts = []
    if exact:
        parts.append(
            f"SELECT * FROM (SELECT 0 AS kind, id FROM {stories.name} WHERE content_hash = {p}"
            f" ORDER BY id LIMIT {exact + 1}) AS e"
        )
    one = (
        f"SELECT * FROM (SELECT 1 AS kind, story_id FROM {lsh_bands.name} WHERE bucket = {p}"
        f" AND band = {p} AND hash = {p} ORDER BY story_id DESC LIMIT {BUCKET_CAP}) AS q{{i}}"
    )
    parts += [one.format(i=i) for i in range(n)]
    return " UNION ALL ".join(parts)


def _profiles(
    conn: sa.Connection, ids: Sequence[int], params: DedupeParams
) -> list[dedupe.Profile]:
    """Candidates as scoring sees them, from their stored signatures and features; a story
    whose blob has no features (written before they were kept) has them computed from its
    text, which is then read for that story only."""
    if not ids:
        return []
    rows = conn.execute(_CANDIDATES, {"keys": list(ids)}).all()
    stored = {int(r.id): dedupe.unpack(r.minhash, params) for r in rows}
    missing = [i for i, s in stored.items() if s.features is None]
    computed = _features_from_text(conn, missing) if missing else {}
    return [
        dedupe.profile_of(
            int(r.id),
            r.cluster_id,
            r.published_at,
            r.content_hash,
            r.countries or (),
            stored[int(r.id)].text_sig,
            stored[int(r.id)].features or computed[int(r.id)],
        )
        for r in rows
    ]


def _features_from_text(conn: sa.Connection, ids: Sequence[int]) -> dict[int, dedupe.Features]:
    query = sa.select(stories.c.id, stories.c.title, stories.c.body_text).where(
        stories.c.id.in_(ids)
    )
    return {int(r.id): dedupe.features(r.title, r.body_text) for r in conn.execute(query)}


def _apply(conn: sa.Connection, story_id: int, decision: dedupe.Decision, blob: bytes) -> int:
    """Put the story where ``decision`` says, writing its blob in the same statement."""
    if decision.target is None:
        cluster_id = _new_cluster(conn, story_id)
        conn.execute(_PLACE, {"key": story_id, "cluster": cluster_id, "blob": blob})
        return cluster_id
    cluster_id = decision.target
    merge = [c for c in decision.merge if not _apart(conn, cluster_id, c)]
    if merge:
        cluster_id = _merge(conn, [cluster_id, *merge], refresh=False)
    conn.execute(_PLACE, {"key": story_id, "cluster": cluster_id, "blob": blob})
    _refresh(conn, cluster_id)
    return cluster_id


# --- cluster rows ----------------------------------------------------------------------------


def _new_cluster(conn: sa.Connection, story_id: int) -> int:
    """A cluster for one story, which is then its only member and its representative (the
    caller moves the story in)."""
    result = conn.execute(_NEW_CLUSTER.returning(clusters.c.id), {"now": _now(), "rep": story_id})
    return int(result.scalar_one())


def _move(conn: sa.Connection, story_ids: Sequence[int], cluster_id: int) -> None:
    conn.execute(
        sa.update(stories).where(stories.c.id.in_(story_ids)).values(cluster_id=cluster_id)
    )


def _members(conn: sa.Connection, cluster_id: int) -> list[Member]:
    rows = conn.execute(_MEMBERS, {"key": cluster_id})
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
    rep = dedupe.representative(members)
    conn.execute(_RECOUNT, {"key": cluster_id, "size": len(members), "rep": rep, "now": _now()})


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


def _merge(conn: sa.Connection, cluster_ids: Iterable[int], *, refresh: bool = True) -> int:
    """Fold live clusters into the oldest of them, which survives; returns its id.  Without
    ``refresh`` the caller recounts the survivor (after moving more stories in)."""
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
    if refresh:
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
    """Clusters this story was split out of, as they are called today (resolved in the same
    statement)."""
    rows = conn.execute(_SPLITS_OF, {"key": story_id})
    return frozenset(int(merged if merged is not None else cid) for cid, merged in rows)


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
    new = _new_cluster(conn, story_id)
    _move(conn, [story_id], new)
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
