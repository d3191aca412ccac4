"""Read queries on the store: the items of an output feed and its archive pages.

``feeds`` only reads. A feed is chosen in two steps: a keyset-paginated scan of stories
narrowed in SQL (sources, score, tags, language) and decided in Python (keywords, regexes),
which picks clusters or stories until ``limit`` are found; then one batch of queries loads
everything the renderer needs for exactly those items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from feeds.filters import Filter, compile_filter, matches
from feeds.spec import FeedSpec
from ingest.dates import clamp_date
from ingest.store.cluster_views import ClusterTree, chunks
from ingest.store.schema import (
    clusters,
    sources,
    store_changes,
    stories,
    story_revisions,
    story_tags,
)

_BATCH = 500  # rows per scan step, and per IN (...) list


@dataclass(frozen=True, slots=True)
class Member:
    """One outlet's report inside a cluster item."""

    story_id: int
    url: str
    outlet: str
    title: str
    published: datetime


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of an output feed: a story, or a cluster shown through its primary story."""

    key: str  # "cluster/<id>" or "story/<id>": the permanent part of the item's id
    story_id: int
    cluster_id: int | None
    url: str
    title: str
    summary: str
    body_html: str
    author: str | None
    outlet: str
    source_name: str
    source_url: str
    language: str | None
    published: datetime
    updated: datetime
    countries: tuple[str, ...]  # the parties
    mentions: tuple[str, ...]
    organizations: tuple[str, ...]
    topics: tuple[str, ...]
    dateline: str | None
    members: tuple[Member, ...]  # the other outlets' reports, oldest first
    body_text: str = ""
    attributions: tuple[str, ...] = ()  # wire services the text credits


@dataclass(frozen=True, slots=True)
class StoreVersion:
    """What changes when feeds (``stories``) or the status page (``sources``) must re-render."""

    stories: tuple[Any, ...]
    sources: tuple[Any, ...]


# --- the scan ------------------------------------------------------------------------------


def _scan_columns(flt: Filter) -> list[sa.ColumnElement[Any]]:
    cols: list[sa.ColumnElement[Any]] = [
        stories.c.id,
        stories.c.cluster_id,
        stories.c.published_at,
        stories.c.title,
        stories.c.topics,
        stories.c.countries,
        stories.c.mentions,
        stories.c.organizations,
        stories.c.language,
        stories.c.score,
        sources.c.name.label("source_name"),
    ]
    if flt.needs_text:
        cols += [stories.c.summary, stories.c.body_text]
    else:
        cols += [sa.literal("").label("summary"), sa.literal("").label("body_text")]
    return cols


def _tag_exists(kind: str, values: Iterable[str], case: Any) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        story_tags.c.story_id == stories.c.id,
        story_tags.c.kind == kind,
        case(story_tags.c.value).in_(sorted(values)),
    )


def _prefilter(flt: Filter) -> list[sa.ColumnElement[bool]]:
    """SQL conditions implied by the filter, so fewer rows reach ``matches``."""
    conds: list[sa.ColumnElement[bool]] = []
    if flt.sources:
        conds.append(sources.c.name.in_(sorted(flt.sources)))
    if flt.min_score > 0:
        conds.append(stories.c.score >= flt.min_score)
    if flt.topics:
        conds.append(_tag_exists("topic", flt.topics, sa.func.lower))
    if flt.countries:
        conds.append(_tag_exists("country", flt.countries, sa.func.upper))
    if flt.mentions:
        conds.append(_tag_exists("mention", flt.mentions, sa.func.upper))
    if flt.organizations:
        conds.append(_tag_exists("org", flt.organizations, sa.func.upper))
    if flt.languages:
        lang = sa.func.lower(stories.c.language)
        conds.append(sa.or_(*(sa.or_(lang == w, lang.like(w + "-%")) for w in flt.languages)))
    return conds


def _scan(conn: sa.Connection, flt: Filter, *, newest_first: bool) -> Iterator[sa.RowMapping]:
    """Every story passing the filter, newest first (by date) or oldest first (by id).

    Keyset pagination: each step continues after the last row seen, so the cost per step
    stays flat however deep the scan goes.
    """
    base = sa.select(*_scan_columns(flt)).join(sources, sources.c.id == stories.c.source_id)
    base = base.where(*_prefilter(flt))
    if newest_first:
        base = base.order_by(stories.c.published_at.desc(), stories.c.id.desc())
    else:
        base = base.order_by(stories.c.id)
    last: sa.RowMapping | None = None
    while True:
        stmt = base if last is None else base.where(_after(last, newest_first))
        rows = conn.execute(stmt.limit(_BATCH)).mappings().all()
        yield from (row for row in rows if matches(flt, row))
        if len(rows) < _BATCH:
            return
        last = rows[-1]


def _after(last: sa.RowMapping, newest_first: bool) -> sa.ColumnElement[bool]:
    if not newest_first:
        return stories.c.id > last["id"]
    p = last["published_at"]
    return sa.or_(
        stories.c.published_at < p,
        sa.and_(stories.c.published_at == p, stories.c.id < last["id"]),
    )


# --- clusters ------------------------------------------------------------------------------


def _group_key(row: sa.RowMapping, group: str, cl: ClusterTree) -> str:
    if group == "cluster" and row["cluster_id"] is not None:
        return f"cluster/{cl.root(row['cluster_id'])}"
    return f"story/{row['id']}"


def _pick(
    rows: Iterable[sa.RowMapping], group: str, cl: ClusterTree, limit: int | None
) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.setdefault(_group_key(row, group, cl))
        if limit is not None and len(keys) >= limit:
            break
    return list(keys)


# --- loading items -------------------------------------------------------------------------

_FULL = (
    stories.c.id,
    stories.c.cluster_id,
    stories.c.url,
    stories.c.title,
    stories.c.summary,
    stories.c.body_html,
    stories.c.body_text,
    stories.c.author,
    stories.c.outlet,
    stories.c.language,
    stories.c.published_at,
    stories.c.updated_at,
    stories.c.first_seen_at,
    stories.c.countries,
    stories.c.mentions,
    stories.c.organizations,
    stories.c.topics,
    stories.c.dateline,
    stories.c.attributions,
    stories.c.score,
    sources.c.name.label("source_name"),
    sources.c.url.label("source_url"),
)


def _load_rows(conn: sa.Connection, column: Any, ids: Iterable[int]) -> list[sa.RowMapping]:
    out: list[sa.RowMapping] = []
    base = sa.select(*_FULL).join(sources, sources.c.id == stories.c.source_id)
    for chunk in chunks(ids):
        out += conn.execute(base.where(column.in_(chunk))).mappings().all()
    return out


def _revision_times(conn: sa.Connection, ids: Iterable[int]) -> dict[int, datetime]:
    """When each story last changed content, from its recorded earlier revisions."""
    out: dict[int, datetime] = {}
    sr = story_revisions.c
    for chunk in chunks(ids):
        stmt = sa.select(sr.story_id, sa.func.max(sr.recorded_at)).where(sr.story_id.in_(chunk))
        for sid, when in conn.execute(stmt.group_by(sr.story_id)):
            out[sid] = when  # max() keeps the column's UTC-aware type
    return out


def _representatives(conn: sa.Connection, roots: Iterable[int]) -> dict[int, int | None]:
    out: dict[int, int | None] = {}
    for chunk in chunks(roots):
        stmt = sa.select(clusters.c.id, clusters.c.representative_id)
        out.update({cid: rep for cid, rep in conn.execute(stmt.where(clusters.c.id.in_(chunk)))})
    return out


def _changed(row: sa.RowMapping, revised: dict[int, datetime]) -> datetime:
    times = [_published(row), _bounded(row, row["updated_at"]), revised.get(row["id"])]
    return max(t for t in times if t is not None)


def _bounded(row: sa.RowMapping, value: datetime | None) -> datetime | None:
    """A stored date as published: within [1970, first seen + tolerance]. Ingest clamps
    already; this keeps rows stored before it did from reaching Last-Modified."""
    return clamp_date(value, row["first_seen_at"])


def _published(row: sa.RowMapping) -> datetime:
    return _bounded(row, row["published_at"]) or row["first_seen_at"]


def _item(
    key: str, primary: sa.RowMapping, others: list[sa.RowMapping], updated: datetime
) -> FeedItem:
    cid = int(key.split("/")[1]) if key.startswith("cluster/") else primary["cluster_id"]
    return FeedItem(
        key=key,
        story_id=primary["id"],
        cluster_id=cid,
        url=primary["url"],
        title=primary["title"],
        summary=primary["summary"] or "",
        body_html=primary["body_html"] or "",
        author=primary["author"],
        outlet=primary["outlet"],
        source_name=primary["source_name"],
        source_url=primary["source_url"],
        language=primary["language"],
        published=_published(primary),
        updated=updated,
        countries=tuple(primary["countries"] or ()),
        mentions=tuple(primary["mentions"] or ()),
        organizations=tuple(primary["organizations"] or ()),
        topics=event_topics(primary["topics"] or (), [r["topics"] or () for r in others]),
        dateline=primary["dateline"],
        members=tuple(
            Member(r["id"], r["url"], r["outlet"], r["title"], _published(r))
            for r in _other_reports(primary, others)
        ),
        body_text=primary["body_text"] or "",
        attributions=tuple(primary["attributions"] or ()),
    )


def event_topics(own: Iterable[str], others: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """A cluster item's topics: its representative's, then any other report's of the event.

    A story is about what its event is about. Reports of one event agree on whether it is
    diplomacy (every labelled corpus here: same event, same answer), while the rules reading
    each text miss some (a follow-up about traders after a border deal never says "talks").
    The feed already lists a cluster when any report matches its topics; the item then says
    so too. Measured by ``bench/quality.py`` ("as feeds show it") on all three halves."""
    topics = list(dict.fromkeys(own))
    topics += sorted({t for tags in others for t in tags} - set(topics))
    return tuple(topics)


def _other_reports(primary: sa.RowMapping, others: list[sa.RowMapping]) -> list[sa.RowMapping]:
    """The other outlets' reports, oldest first: never the representative's own article
    again (its outlet's copy under another URL), and each outlet's article once."""
    seen = {(primary["outlet"], _fold(primary["title"]))}
    out = []
    for r in sorted(others, key=lambda r: (r["published_at"], r["id"])):
        key = (r["outlet"], _fold(r["title"]))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _cluster_item(
    key: str, rows: list[sa.RowMapping], rep: int | None, flt: Filter, revised: dict[int, datetime]
) -> FeedItem:
    """The cluster's representative stands for it, unless the feed's filters reject it."""
    newest = sorted(rows, key=lambda r: (r["published_at"], r["id"]), reverse=True)
    candidates = [r for r in newest if r["id"] == rep and matches(flt, r)]
    primary = (candidates or [r for r in newest if matches(flt, r)] or newest)[0]
    others = [r for r in rows if r["id"] != primary["id"]]
    # A new outlet joining changes the item's content, so its arrival moves `updated`.
    times = [_changed(r, revised) for r in rows] + [r["first_seen_at"] for r in others]
    return _item(key, primary, others, max(times))


def load_items(conn: sa.Connection, spec: FeedSpec, keys: Sequence[str]) -> list[FeedItem]:
    """The items for ``keys`` (from ``pick_*``), newest first."""
    flt, cl = compile_filter(spec), ClusterTree(conn)
    story_ids = [int(k[6:]) for k in keys if k.startswith("story/")]
    roots = [int(k[8:]) for k in keys if k.startswith("cluster/")]
    family = cl.family(roots)
    rows = _load_rows(conn, stories.c.id, story_ids)
    rows += _load_rows(conn, stories.c.cluster_id, family)
    revised = _revision_times(conn, (r["id"] for r in rows))
    by_key: dict[str, list[sa.RowMapping]] = {}
    for r in rows:
        in_cluster = r["cluster_id"] in family and r["id"] not in story_ids
        key = f"cluster/{family[r['cluster_id']]}" if in_cluster else f"story/{r['id']}"
        by_key.setdefault(key, []).append(r)
    reps = _representatives(conn, roots)
    items = [
        _cluster_item(k, by_key[k], reps.get(int(k[8:])), flt, revised)
        if k.startswith("cluster/")
        else _item(k, by_key[k][0], [], _changed(by_key[k][0], revised))
        for k in keys
        if k in by_key
    ]
    return sorted(items, key=lambda i: (i.published, i.story_id), reverse=True)


# A story page shows the whole cluster, whichever feed links to it.
_UNFILTERED = FeedSpec("story", "story")


def load_story(conn: sa.Connection, cluster_id: int) -> FeedItem | None:
    """The cluster ``cluster_id`` (a merged id resolves to its live cluster) as one item:
    its representative with every other outlet's report, or None when it has no stories."""
    root = ClusterTree(conn).root(cluster_id)
    items = load_items(conn, _UNFILTERED, [f"cluster/{root}"])
    return items[0] if items else None


def pick_newest(conn: sa.Connection, spec: FeedSpec, limit: int | None = None) -> list[str]:
    """Keys of the newest items passing the feed's filters, at most ``limit`` of them."""
    flt = compile_filter(spec)
    return _pick(
        _scan(conn, flt, newest_first=True), spec.group, ClusterTree(conn), limit or spec.limit
    )


def pick_all_oldest_first(conn: sa.Connection, spec: FeedSpec) -> list[str]:
    """Keys of every item passing the filters in arrival order (by first story id): the
    order RFC 5005 archive pages are cut from, so complete pages do not shift as news comes."""
    flt = compile_filter(spec)
    return _pick(_scan(conn, flt, newest_first=False), spec.group, ClusterTree(conn), None)


# --- health and versions -------------------------------------------------------------------


CHANGES_WINDOW = 10_000  # the change log's last ids re-counted on every look (see below)


def store_version(conn: sa.Connection) -> StoreVersion:
    """One cheap query whose answer changes whenever a rendered document may have to.

    Stories and clusters: the store's change log (``store_changes``, written by triggers on
    every change pages show), by its newest id and the number of rows among its last
    ``CHANGES_WINDOW`` ids: a writer that commits after a later one added a row below the
    newest id, which the count sees. Sources change their fetch times on every poll, which
    only the status page shows; their table is small enough to read whole.
    """

    def sub(expr: Any) -> Any:
        return sa.select(expr).scalar_subquery()

    newest = sub(sa.func.max(store_changes.c.id))
    recent = (
        sa.select(sa.func.count())
        .select_from(store_changes)
        .where(store_changes.c.id > newest - CHANGES_WINDOW)
        .scalar_subquery()
    )
    row = conn.execute(
        sa.select(
            newest,
            recent,
            sub(sa.func.max(sources.c.last_fetch_at)),
            sub(sa.func.max(sources.c.next_fetch_at)),
            sub(sa.func.count(sources.c.id)),
            sub(sa.func.sum(sources.c.error_count)),
        )
    ).one()
    return StoreVersion(stories=tuple(row[:2]), sources=tuple(row[2:]))
