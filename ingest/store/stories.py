"""Writing stories: lookups by identity, inserts, revisions and tags.

Only the pipeline calls these, inside its transaction; ``feeds`` reads the same tables
through its own queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ingest.model import Ending, Story
from ingest.store.schema import stories, story_revisions, story_tags


@dataclass(frozen=True, slots=True)
class Known:
    """A stored story as far as identity checks need it."""

    id: int
    raw_hash: str
    revision: int


def known_items(conn: sa.Connection, source_id: int, keys: Iterable[str]) -> dict[str, Known]:
    """Stored stories of the source among ``keys`` (item keys)."""
    wanted = list(set(keys))
    found: dict[str, Known] = {}
    for start in range(0, len(wanted), 500):  # stay under bound-parameter limits
        rows = conn.execute(
            sa.select(stories.c.item_key, stories.c.id, stories.c.raw_hash, stories.c.revision)
            .where(stories.c.source_id == source_id)
            .where(stories.c.item_key.in_(wanted[start : start + 500]))
        )
        for key, *rest in rows:
            found[key] = Known(*rest)
    return found


# Identity lookups run for every story stored, so their statements are built once:
# building one (its cache key) cost more than running it.
_KNOWN = (stories.c.id, stories.c.raw_hash, stories.c.revision)
_source: sa.BindParameter[int] = sa.bindparam("source")
_BY_ARTICLE = (
    sa.select(*_KNOWN)
    .where(stories.c.source_id == _source, stories.c.article_key == sa.bindparam("key"))
    .limit(1)
)
_BY_TEXT = (
    sa.select(*_KNOWN)
    .where(stories.c.source_id == _source, stories.c.content_hash == sa.bindparam("hash"))
    .limit(1)
)
_BY_TITLE = (
    sa.select(*_KNOWN)
    .where(
        stories.c.source_id == _source,
        stories.c.published_at.between(sa.bindparam("since"), sa.bindparam("until")),
        stories.c.title == sa.bindparam("title"),
    )
    .limit(1)
)


def find_article(conn: sa.Connection, source_id: int, key: str) -> Known | None:
    """The source's stored story with this article key (same article, other URL)."""
    row = conn.execute(_BY_ARTICLE, {"source": source_id, "key": key}).first()
    return Known(*row) if row else None


MOVED_WITHIN = timedelta(hours=1)  # a moved article keeps its publication time


def find_moved(conn: sa.Connection, source_id: int, story: Story) -> Known | None:
    """The source's stored story that ``story`` is, published again at a new URL (a domain
    move, http to https, an edited slug): the same text, or the same title published at
    the same time. Daily columns share a title, but not a publication time."""
    # A short text (a teaser, an empty body) is no fingerprint of one article.
    row = None
    if story.word_count >= 30:
        row = conn.execute(_BY_TEXT, {"source": source_id, "hash": story.content_hash}).first()
    if row is None and story.title:
        window = {
            "source": source_id,
            "since": story.published - MOVED_WITHIN,
            "until": story.published + MOVED_WITHIN,
            "title": story.title,
        }
        row = conn.execute(_BY_TITLE, window).first()
    return Known(*row) if row else None


def _values(story: Story) -> dict[str, object]:
    return {
        "url": story.url,
        "title": story.title,
        "summary": story.summary,
        "body_html": story.body_html,
        "body_text": story.body_text,
        "published_at": story.published,
        "published_raw": story.published_raw,
        "author": story.author,
        "outlet": story.outlet,
        "language": story.language,
        "word_count": story.word_count,
        "dateline": story.dateline,
        "attributions": list(story.attributions),
        "countries": list(story.countries),
        "mentions": list(story.mentions),
        "organizations": list(story.organizations),
        "topics": list(story.topics),
        "score": story.score,
        "content_hash": story.content_hash,
        "ending": {"blocks": sorted(story.ending.blocks), "tail": list(story.ending.tail)},
    }


# Built once: the columns come from each call's parameters (see record_fetch).
_INSERT = sa.insert(stories).returning(stories.c.id)


def insert_story(
    conn: sa.Connection, source_id: int, story: Story, *, raw_hash: str, article_key: str
) -> int:
    """Store a new story with its tags; returns its id."""
    values = _values(story) | {
        "source_id": source_id,
        "item_key": story.key,
        "article_key": article_key,
        "raw_hash": raw_hash,
        "first_seen_at": story.first_seen,
        "updated_at": story.updated,
    }
    story_id = int(conn.execute(_INSERT, values).scalar_one())
    _write_tags(conn, story_id, story)
    return story_id


def revise_story(
    conn: sa.Connection, known: Known, story: Story, *, raw_hash: str, now: datetime
) -> None:
    """Keep the current version as a revision, then store the new content in place.

    The row's id (and so the output item's id) stays; ``updated_at`` moves.
    """
    old = conn.execute(
        sa.select(stories.c.title, stories.c.body_html, stories.c.content_hash).where(
            stories.c.id == known.id
        )
    ).one()
    conn.execute(
        sa.insert(story_revisions).values(
            story_id=known.id,
            revision=known.revision,
            title=old.title,
            body_html=old.body_html,
            content_hash=old.content_hash,
            recorded_at=now,
        )
    )
    values = _values(story) | {
        "item_key": story.key,  # the same, or the new key of an article that moved
        "raw_hash": raw_hash,
        "revision": known.revision + 1,
        "updated_at": now,
    }
    conn.execute(sa.update(stories).where(stories.c.id == known.id).values(**values))
    conn.execute(sa.delete(story_tags).where(story_tags.c.story_id == known.id))
    _write_tags(conn, known.id, story)


def touch_raw_hash(
    conn: sa.Connection, story_id: int, story: Story, *, raw_hash: str, article_key: str
) -> None:
    """Remember a changed feed entry whose normalized content came out the same, under the
    identity and URL it now has (a moved article keeps its text), so the next poll knows it
    by its new key."""
    conn.execute(
        sa.update(stories)
        .where(stories.c.id == story_id)
        .values(raw_hash=raw_hash, url=story.url, item_key=story.key, article_key=article_key)
    )


def _write_tags(conn: sa.Connection, story_id: int, story: Story) -> None:
    rows = [{"story_id": story_id, "kind": "country", "value": c} for c in set(story.countries)]
    rows += [{"story_id": story_id, "kind": "mention", "value": c} for c in set(story.mentions)]
    rows += [{"story_id": story_id, "kind": "org", "value": o} for o in set(story.organizations)]
    rows += [{"story_id": story_id, "kind": "topic", "value": t} for t in set(story.topics)]
    if rows:
        conn.execute(sa.insert(story_tags), rows)


def content_hash_of(conn: sa.Connection, story_id: int) -> str:
    return str(
        conn.execute(sa.select(stories.c.content_hash).where(stories.c.id == story_id)).scalar_one()
    )


def recent_endings(conn: sa.Connection, source_id: int, limit: int) -> list[Ending]:
    """How the source's latest stored stories ended before cleaning, newest first."""
    rows = conn.execute(
        sa.select(stories.c.ending)
        .where(stories.c.source_id == source_id, stories.c.ending.is_not(None))
        .order_by(stories.c.published_at.desc())
        .limit(limit)
    )
    return [Ending(frozenset(e["blocks"]), tuple(e["tail"])) for (e,) in rows if e]
