"""Helpers for the scale-out tests: synthetic stories whose matches are known by
construction, and worker processes that store them at the same moment."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ingest.dedupe import DedupeParams, normalize_text
from ingest.model import Story
from ingest.store.clusters import assign_cluster
from ingest.store.engine import create_engine
from ingest.store.schema import clusters, sources, stories
from ingest.store.stories import insert_story

PARAMS = DedupeParams()
BASE = datetime(2026, 5, 1, 9, tzinfo=UTC)
_LETTERS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def paragraph(seed: str, words: int = 60) -> str:
    """A paragraph of made-up lowercase words, stable for ``seed``: two seeds share
    almost no three-word shingle and few words, so only the texts built to match do."""
    rng = random.Random(seed)
    out = []
    for _ in range(words):
        out.append("".join(rng.choice(_LETTERS) + rng.choice(_VOWELS) for _ in range(3)))
    return " ".join(out) + "."


def story(key: str, outlet: str, body: Sequence[str], day: int) -> Story:
    """A story of ``body`` paragraphs, published ``day`` x 10 days after BASE (so stories
    of different days are never one event, whatever their words)."""
    text = "\n\n".join(body)
    published = BASE + timedelta(days=10 * day)
    return Story(
        source=outlet,
        key=key,
        url=f"https://{outlet}.example/{key}",
        title=f"Report {key.split('/')[0]}",
        body_html="".join(f"<p>{p}</p>" for p in body),
        body_text=text,
        summary=body[0][:80],
        published=published,
        first_seen=published,
        outlet=outlet,
        content_hash=hashlib.sha256(normalize_text(" ".join(text.split())).encode()).hexdigest(),
        word_count=len(text.split()),
    )


def source_id(conn: sa.Connection, name: str) -> int:
    found = conn.execute(sa.select(sources.c.id).where(sources.c.name == name)).scalar()
    if found is not None:
        return int(found)
    result = conn.execute(sa.insert(sources).values(name=name, url=f"https://{name}.example/f"))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def store(conn: sa.Connection, s: Story) -> int:
    """Insert and cluster ``s`` the way the pipeline does; its id."""
    story_id = insert_story(conn, source_id(conn, s.outlet), s, raw_hash="r", article_key=s.url)
    assign_cluster(conn, story_id, s, PARAMS)
    return story_id


def race_worker(url: str, barrier: Any, plan: list[Story]) -> None:
    """Store each story of ``plan`` when the other worker stores its own: both insert
    their story, wait for each other, then cluster it and commit (one round per story).
    The insert comes first so that, without locks, neither clustering could see the
    other's story: the test would fail every round, not once in a while."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            sid = source_id(conn, plan[0].outlet) if plan else 0
        for s in plan:
            with engine.begin() as conn:
                story_id = insert_story(conn, sid, s, raw_hash="r", article_key=s.url)
                barrier.wait(30)
                assign_cluster(conn, story_id, s, PARAMS)
            barrier.wait(30)  # both committed before the next round starts
    finally:
        engine.dispose()


def cluster_of(conn: sa.Connection, url: str) -> int:
    return int(
        conn.execute(sa.select(stories.c.cluster_id).where(stories.c.url == url)).scalar_one()
    )


def inconsistent_clusters(conn: sa.Connection) -> list[str]:
    """Live clusters whose size or representative does not match their members, and
    stories whose cluster is not live: the invariants ``cluster_rows`` keeps."""
    problems = []
    members: dict[int, set[int]] = {}
    for sid, cid in conn.execute(sa.select(stories.c.id, stories.c.cluster_id)):
        members.setdefault(cid, set()).add(sid)
    rows = conn.execute(sa.select(clusters)).all()
    live = {r.id: r for r in rows if r.merged_into is None}
    for cid, ids in members.items():
        if cid not in live:
            problems.append(f"stories {sorted(ids)} are in cluster {cid}, which is not live")
    for cid, row in live.items():
        ids = members.get(cid, set())
        if row.size != len(ids) or row.representative_id not in ids:
            problems.append(
                f"cluster {cid}: size {row.size}, representative {row.representative_id},"
                f" members {sorted(ids)}"
            )
    return problems
