"""Putting a story in a cluster: index it, look up its candidates, let ``ingest.dedupe``
decide (pure), and apply the decision to the cluster rows. Removing a story for retention
keeps its cluster consistent the same way."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from ingest import dedupe
from ingest.dedupe import DedupeParams, Fingerprint
from ingest.model import Story
from ingest.store import cluster_rows, locks, lsh, overrides
from ingest.store.schema import clusters, stories

# Statements run for every story, built once: building one cost more than running it.
_id: sa.BindParameter[int] = sa.bindparam("key")

_STATE = sa.select(stories.c.cluster_id, stories.c.minhash.is_not(None)).where(stories.c.id == _id)

_SET_BLOB = sa.update(stories).where(stories.c.id == _id).values(minhash=sa.bindparam("blob"))

_PLACE = (
    sa.update(stories)
    .where(stories.c.id == _id)
    .values(cluster_id=sa.bindparam("cluster"), minhash=sa.bindparam("blob"))
)


class Placement(NamedTuple):
    """Where a story went: its cluster, and whether that cluster held other stories."""

    cluster_id: int
    joined: bool


# --- assignment -----------------------------------------------------------------------------


def assign_cluster(
    conn: sa.Connection,
    story_id: int,
    story: Story,
    params: DedupeParams,
    fp: Fingerprint | None = None,
    *,
    inserted: bool = False,
) -> Placement:
    """Index the (new or revised) story and put it in a cluster; returns where it went.
    ``fp`` is its fingerprint when already computed (the pipeline does so in its process
    pool, off the one writer).  A revised story keeps its cluster (operators' merges hold);
    a new one joins its best match's cluster or opens one, merging clusters its text proves
    to be one. ``inserted``: the story's row was inserted in this transaction, so it has
    neither cluster nor bands yet (one query fewer per new story)."""
    if fp is None:
        fp = dedupe.fingerprint(story.title, story.body_text, params)
    blob = dedupe.pack_signatures(fp)
    # Before anything is read: a writer storing a story that could match this one waits
    # here until we commit, and then finds this story among its candidates.
    locks.lock_story(conn, lsh.band_pairs(fp), story.content_hash)
    current, indexed = (None, False) if inserted else _state(conn, story_id)
    lsh.write_bands(conn, story_id, lsh.band_keys(story, fp, params), replace=indexed)
    if current is not None:
        conn.execute(_SET_BLOB, {"key": story_id, "blob": blob})
        current = cluster_rows.lock_live(conn, [current]).get(current, current)
        cluster_rows.refresh(conn, current)
        return Placement(current, joined=False)
    new = dedupe.profile_of(
        story_id,
        None,
        story.published,
        story.content_hash,
        story.mentions,
        fp.text_sig,
        fp.features,
    )
    cands = lsh.candidates(conn, story_id, story, fp, params)
    by_id = {c.story_id: c for c in cands}
    scored = {c.story_id: dedupe.score_pair(new, c, params) for c in cands}
    matches = dedupe.without_answers(new, [m for m in scored.values() if m], cands)
    matches = _anchored(conn, new, matches, by_id, scored, params)
    # Without a match the decision is a new cluster whatever the overrides say.
    blocked = overrides.blocked_for(conn, story_id) if matches else frozenset()

    def bridges(a: dedupe.Match, b: dedupe.Match) -> bool:
        return dedupe.corroborates(by_id[a.story_id], by_id[b.story_id], params)

    placement = _apply(conn, story_id, dedupe.decide(matches, blocked, bridges), blob)
    lsh.keep(conn, new, params)
    return placement


def _anchored(
    conn: sa.Connection,
    new: dedupe.Profile,
    matches: list[dedupe.Match],
    by_id: dict[int, dedupe.Profile],
    scored: dict[int, dedupe.Match | None],
    params: DedupeParams,
) -> list[dedupe.Match]:
    """``matches`` without the event-level (5) ones whose cluster's representative the new
    story does not corroborate (see ``dedupe.anchored``). ``scored``: the new story against
    each candidate, so a representative among them is not scored again."""
    event = {m.cluster_id for m in matches if m.level == 5}
    if not event:
        return matches
    query = sa.select(clusters.c.id, clusters.c.representative_id)
    reps = {int(c): r for c, r in conn.execute(query.where(clusters.c.id.in_(event)))}
    missing = [r for r in reps.values() if r is not None and r not in by_id]
    known = by_id | {p.story_id: p for p in lsh.profiles(conn, missing, params)}

    def anchored(m: dedupe.Match) -> bool:
        rep = reps.get(m.cluster_id)
        if m.level == 5 and rep is not None and rep != m.story_id and rep in scored:
            return scored[rep] is not None  # what dedupe.anchored would score again
        return dedupe.anchored(m, new, known.get(rep or -1), params)

    return [m for m in matches if anchored(m)]


def _state(conn: sa.Connection, story_id: int) -> tuple[int | None, bool]:
    """The story's cluster, and whether it was fingerprinted before (so has bands)."""
    row = conn.execute(_STATE, {"key": story_id}).one_or_none()
    if row is None:
        return None, True  # no such row: nothing to lean on, so clear what may be there
    cluster_id, has_blob = row
    if cluster_id is None:
        return None, bool(has_blob)
    return int(cluster_id), True


def _apply(conn: sa.Connection, story_id: int, decision: dedupe.Decision, blob: bytes) -> Placement:
    """Put the story where ``decision`` says, writing its blob in the same statement."""
    live = (
        cluster_rows.lock_live(conn, [decision.target, *decision.merge])
        if decision.target is not None
        else {}
    )
    if decision.target is None or decision.target not in live:
        cluster_id = cluster_rows.new_cluster(conn, story_id)
        conn.execute(_PLACE, {"key": story_id, "cluster": cluster_id, "blob": blob})
        return Placement(cluster_id, joined=False)
    # The ids as they are now that we hold them: another writer or an operator may have
    # merged one away while we looked; their overrides are read after the lock too.
    cluster_id = live[decision.target]
    others = {live[c] for c in decision.merge if c in live} - {cluster_id}
    merge = [c for c in sorted(others) if not overrides.apart(conn, cluster_id, c)]
    if merge:
        cluster_id = cluster_rows.merge(conn, [cluster_id, *merge], recount=False)
    conn.execute(_PLACE, {"key": story_id, "cluster": cluster_id, "blob": blob})
    cluster_rows.refresh(conn, cluster_id)
    return Placement(cluster_id, joined=True)


# --- retention ------------------------------------------------------------------------------


def remove_story(conn: sa.Connection, story_id: int) -> None:
    """Delete a story for retention, keeping its cluster consistent: bands go, the cluster
    shrinks and re-chooses its representative, and an emptied cluster is deleted."""
    cluster_id = conn.execute(
        sa.select(stories.c.cluster_id).where(stories.c.id == story_id)
    ).scalar_one_or_none()
    if cluster_id is not None:
        cluster_id = cluster_rows.lock_live(conn, [cluster_id]).get(cluster_id, cluster_id)
    lsh.drop_bands(conn, story_id)
    overrides.forget_story(conn, story_id)
    conn.execute(sa.update(stories).where(stories.c.id == story_id).values(cluster_id=None))
    conn.execute(sa.delete(stories).where(stories.c.id == story_id))
    if cluster_id is not None:
        cluster_rows.refresh(conn, cluster_id)
