"""The LSH band index (``lsh_bands``): which rows a story is indexed under, and the
candidate lookup that reads them.

Candidates come only from index lookups: ``stories.content_hash`` (level 3) and
``lsh_bands`` by ``(bucket, band, hash)`` (levels 4-5), never from a scan of ``stories``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ingest import dedupe
from ingest.dedupe import DedupeParams, Fingerprint
from ingest.model import Story
from ingest.store.schema import lsh_bands, stories

# Statements run for every story, built once: building one cost more than running it.
_id: sa.BindParameter[int] = sa.bindparam("key")

_ids: sa.BindParameter[list[int]] = sa.bindparam("keys", expanding=True)

_DROP_BANDS = sa.delete(lsh_bands).where(lsh_bands.c.story_id == _id)

_CANDIDATES = sa.select(
    stories.c.id,
    stories.c.cluster_id,
    stories.c.published_at,
    stories.c.content_hash,
    stories.c.mentions,
    stories.c.minhash,
).where(stories.c.id.in_(_ids))


def write_bands(
    conn: sa.Connection, story_id: int, keys: Sequence[BandKey], *, replace: bool
) -> None:
    # Bands go in before the lookup: the story's own rows take their place in the capped
    # buckets, as they do for every later lookup.
    if replace:
        drop_bands(conn, story_id)
    if keys and conn.dialect.name == "postgresql":
        # One statement, the rows as arrays: executemany is a round trip per row there.
        conn.exec_driver_sql(
            f"INSERT INTO {lsh_bands.name} (bucket, band, hash, story_id)"
            " SELECT b, n, h, %s FROM unnest(CAST(%s AS integer[]), CAST(%s AS smallint[]),"
            " CAST(%s AS bigint[])) AS k(b, n, h)",
            (story_id, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]),
        )
    elif keys:
        # Through the driver: SQLAlchemy's per-row parameter handling cost more than the rows.
        p = _placeholder(conn)
        sql = (
            f"INSERT INTO {lsh_bands.name} (bucket, band, hash, story_id)"
            f" VALUES ({p}, {p}, {p}, {p})"
        )
        conn.exec_driver_sql(sql, [(t, b, h, story_id) for t, b, h in keys])


def drop_bands(conn: sa.Connection, story_id: int) -> None:
    conn.execute(_DROP_BANDS, {"key": story_id})


def _placeholder(conn: sa.Connection) -> str:
    """The driver's positional parameter marker (SQLite's ``?``, psycopg's ``%s``)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


BandKey = tuple[int, int, int]  # (time bucket, band, hash): one lsh_bands row or lookup


def band_keys(story: Story, fp: Fingerprint, params: DedupeParams) -> list[BandKey]:
    """The rows a story is indexed under: text bands in its bucket of
    ``duplicate_window_hours``, event bands in its bucket of ``bucket_hours``."""
    return _keys(story, fp, params, (0,), (0,))


def band_pairs(fp: Fingerprint) -> list[tuple[int, int]]:
    """The (band, hash) pairs of a story's text and event bands, whatever their bucket: what
    its writer locks (``locks.lock_story``) before the lookup."""
    base = dedupe.EVENT_BAND_BASE
    return [*enumerate(fp.text_bands), *((base + i, h) for i, h in enumerate(fp.event_bands))]


def _lookup_keys(story: Story, fp: Fingerprint, params: DedupeParams) -> list[BandKey]:
    """What to look up: each band in the story's bucket and as many neighbours as hold
    every story close enough in time to match by that band's kind of evidence (one each
    side for text bands; for event bands, as many buckets as ``window_hours`` spans)."""
    reach = event_reach(params)
    return _keys(story, fp, params, (-1, 0, 1), range(-reach, reach + 1))


def event_reach(params: DedupeParams) -> int:
    """Event buckets looked up on each side of a story's own: the window in buckets."""
    return max(1, math.ceil(params.window_hours / params.bucket_hours))


def _keys(
    story: Story,
    fp: Fingerprint,
    params: DedupeParams,
    text_shifts: Sequence[int],
    event_shifts: Sequence[int],
) -> list[BandKey]:
    """Text then event band keys, in the buckets the shifts name from the story's own."""
    text = dedupe.time_bucket(story.published, params.duplicate_window_hours)
    event = dedupe.time_bucket(story.published, params.bucket_hours)
    keys = [(text + d, i, h) for d in text_shifts for i, h in enumerate(fp.text_bands)]
    base = dedupe.EVENT_BAND_BASE
    keys += [(event + d, base + i, h) for d in event_shifts for i, h in enumerate(fp.event_bands)]
    return keys


def candidates(
    conn: sa.Connection, story_id: int, story: Story, fp: Fingerprint, params: DedupeParams
) -> list[dedupe.Profile]:
    """Stories with the same text first (by id), then those sharing the most bands."""
    keys = _lookup_keys(story, fp, params)
    exact, hits = _lookup(conn, story_id, story.content_hash, keys, params.max_candidates)
    ids = exact[: params.max_candidates]
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))
    ids += [i for i, _ in ranked[: params.max_candidates] if i not in ids]
    return profiles(conn, ids[: params.max_candidates], params)


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
    if conn.dialect.name == "postgresql":
        batches = [_run_lookup_pg(conn, content_hash, keys, limit)]
    else:
        batches = [
            _run_lookup(conn, None if start else content_hash, keys[start : start + _CHUNK], limit)
            for start in range(0, max(len(keys), 1), _CHUNK)
        ]
    for rows in batches:
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
    return [(int(k), int(i)) for k, i in _driver_rows(conn, sql, tuple(params))]


def _driver_rows(conn: sa.Connection, sql: str, params: Sequence[object]) -> list[Any]:
    """Rows through the driver's own cursor, in the connection's transaction: the lookups
    run for every story stored, and SQLAlchemy's per-row result handling cost more than
    their seeks."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


# PostgreSQL: every seek in one short statement, the keys as three arrays joined laterally
# to the same capped seek; a statement as long as SQLite's UNION ALL is parsed again by the
# driver on every call (too long for its cache), which cost more than the seeks.
_LOOKUP_PG = (
    f"SELECT * FROM (SELECT 0 AS kind, id FROM {stories.name} WHERE content_hash = %s"
    " ORDER BY id LIMIT %s) AS e"
    " UNION ALL"
    " SELECT 1, q.story_id FROM unnest(CAST(%s AS integer[]), CAST(%s AS smallint[]),"
    " CAST(%s AS bigint[])) AS k(bucket, band, hash)"
    f" CROSS JOIN LATERAL (SELECT story_id FROM {lsh_bands.name} b WHERE b.bucket = k.bucket"
    f" AND b.band = k.band AND b.hash = k.hash ORDER BY b.story_id DESC LIMIT {BUCKET_CAP}) q"
)


def _run_lookup_pg(
    conn: sa.Connection, content_hash: str, keys: Sequence[BandKey], limit: int
) -> list[tuple[int, int]]:
    """``_run_lookup`` for PostgreSQL, all ``keys`` at once (see ``_LOOKUP_PG``)."""
    arrays = ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys])
    rows = _driver_rows(conn, _LOOKUP_PG, (content_hash, limit + 1, *arrays))
    return [(int(k), int(i)) for k, i in rows]


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


def profiles(conn: sa.Connection, ids: Sequence[int], params: DedupeParams) -> list[dedupe.Profile]:
    """Candidates as scoring sees them, in ascending id order. A recent story is a
    candidate of many later ones, and making its profile from its row cost more than
    reading the row's head: profiles are kept (``_KEPT``) under the head as the driver
    gives it (id, revision, text hash, time, title, countries, blob size), so a profile is
    reused only for the same stored version of the same story (its cluster apart, which
    merges and joins change), whatever store or reused row id it comes from."""
    if not ids:
        return []
    rows = _raw_rows(conn, ids)
    found: dict[int, dedupe.Profile] = {}
    with _KEPT_LOCK:
        for story_id, (cluster_id, raw) in rows.items():
            key = (raw, params)
            kept = _KEPT.get(key)
            if kept is None:
                continue
            if kept.cluster_id != cluster_id:
                kept = _KEPT[key] = dataclasses.replace(kept, cluster_id=cluster_id)
            _KEPT.move_to_end(key)
            found[story_id] = kept
    for profile in _read_profiles(conn, [i for i in rows if i not in found], params):
        found[profile.story_id] = profile
        with _KEPT_LOCK:
            _KEPT[(rows[profile.story_id][1], params)] = profile
            while len(_KEPT) > KEPT_PROFILES:
                _KEPT.popitem(last=False)
    return [found[i] for i in sorted(found)]


def keep(conn: sa.Connection, profile: dedupe.Profile, params: DedupeParams) -> None:
    """Keep the profile of a story just placed, as ``profiles`` would make it from the row:
    in a cold run every story is a candidate of later ones, and reading and decoding each
    once more cost the writer as much as placing it. Keyed by the head now stored, so it is
    used only while the row holds this version (a rolled-back row's id never matches)."""
    head = _raw_rows(conn, [profile.story_id]).get(profile.story_id)
    if head is None:
        return
    with _KEPT_LOCK:
        _KEPT[(head[1], params)] = dataclasses.replace(dedupe.interned(profile), cluster_id=head[0])
        while len(_KEPT) > KEPT_PROFILES:
            _KEPT.popitem(last=False)


# A profile holds the story's decoded word sets, shared with ``dedupe``'s blob cache (as
# many entries) while both keep it; see there for what 4,096 cost and saved.
KEPT_PROFILES = 4096
RawRow = tuple[object, ...]  # a story's head, as the driver gives it
_KEPT: OrderedDict[tuple[RawRow, DedupeParams], dedupe.Profile] = OrderedDict()
_KEPT_LOCK = threading.Lock()


def _raw_rows(conn: sa.Connection, ids: Sequence[int]) -> dict[int, tuple[int | None, RawRow]]:
    """Each story's cluster, and its head: what tells one stored version of a story from
    another, unconverted."""
    p = _placeholder(conn)
    sql = (
        "SELECT id, cluster_id, revision, content_hash, published_at, title,"
        f" CAST(mentions AS TEXT), length(minhash) FROM {stories.name}"
        f" WHERE id IN ({', '.join([p] * len(ids))})"
    )
    return {
        int(row[0]): (None if row[1] is None else int(row[1]), (row[0], *row[2:]))
        for row in _driver_rows(conn, sql, tuple(int(i) for i in ids))
    }


def _read_profiles(
    conn: sa.Connection, ids: Sequence[int], params: DedupeParams
) -> list[dedupe.Profile]:
    """Profiles from the stories' stored signatures and features; a story whose blob is
    missing or unreadable (as after a recovery) has them computed from its text, which is
    then read for that story only."""
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
            r.mentions or (),
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
