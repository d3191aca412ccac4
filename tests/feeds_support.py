"""Helpers for the feeds tests: rows written straight into a real store with SQLAlchemy Core.

The feeds half only reads the store, so its tests set the store up the way ingest leaves it
(stories, story_tags, clusters, sources) without running ingest.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import uvicorn

from communique.http_limits import LimitedHttpToolsProtocol
from feeds.app import FeedApp
from feeds.spec import FeedSpec, SiteSpec
from ingest.store.schema import clusters, sources, stories, story_revisions, story_tags

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SITE = SiteSpec(base_url="http://news.example.org/", title="Test communique")


def add_source(conn: sa.Connection, name: str, **columns: Any) -> int:
    values = {"name": name, "url": f"https://{name}.example.com/feed.xml"} | columns
    return int(conn.execute(sa.insert(sources).values(**values)).inserted_primary_key[0])


def add_cluster(conn: sa.Connection, **columns: Any) -> int:
    values = {"created_at": T0, "updated_at": T0} | columns
    return int(conn.execute(sa.insert(clusters).values(**values)).inserted_primary_key[0])


def add_story(
    conn: sa.Connection,
    source_id: int,
    title: str,
    *,
    minutes: int = 0,
    topics: Sequence[str] = (),
    countries: Sequence[str] = (),
    mentions: Sequence[str] = (),
    organizations: Sequence[str] = (),
    **columns: Any,
) -> int:
    """A story published ``minutes`` after T0, with its tags written for SQL filtering."""
    published = T0 + timedelta(minutes=minutes)
    key = hashlib.sha256(f"{source_id}:{title}:{minutes}".encode()).hexdigest()
    values = {
        "source_id": source_id,
        "item_key": key,
        "url": f"https://outlet{source_id}.example.com/{key[:12]}",
        "title": title,
        "summary": f"Summary of {title}",
        "body_html": f"<p>Body of {title}</p>",
        "body_text": f"Body of {title}",
        "published_at": published,
        "first_seen_at": published + timedelta(minutes=1),
        "outlet": f"Outlet {source_id}",
        "language": "en",
        "attributions": [],
        "countries": sorted(countries),
        "mentions": sorted(set(mentions) | set(countries)),
        "organizations": sorted(organizations),
        "topics": list(topics),
        "score": 0.5,
        "content_hash": key,
        "raw_hash": key,
    } | columns
    values |= _required_rest(values, key)
    sid = int(conn.execute(sa.insert(stories).values(**values)).inserted_primary_key[0])
    tags = [("topic", t) for t in topics] + [("country", c) for c in countries]
    tags += [("mention", c) for c in set(mentions) | set(countries)]
    tags += [("org", o) for o in organizations]
    if tags:
        conn.execute(
            sa.insert(story_tags), [{"story_id": sid, "kind": k, "value": v} for k, v in tags]
        )
    return sid


def _required_rest(values: dict[str, Any], key: str) -> dict[str, Any]:
    """Placeholders for NOT NULL columns added to the schema after these helpers were
    written (e.g. ``article_key``), so the feeds tests follow the schema as it grows."""
    out: dict[str, Any] = {}
    for col in stories.columns:
        if col.name in values or col.nullable or col.primary_key:
            continue
        if col.default is None and col.server_default is None:
            out[col.name] = key if isinstance(col.type, sa.String) else 0
    return out


def revise_story(conn: sa.Connection, story_id: int, title: str, when: datetime) -> None:
    """What ingest does when a story's content changes: keep the old one, bump the revision."""
    old = conn.execute(sa.select(stories).where(stories.c.id == story_id)).mappings().one()
    conn.execute(
        sa.insert(story_revisions).values(
            story_id=story_id,
            revision=old["revision"],
            title=old["title"],
            body_html=old["body_html"],
            content_hash=old["content_hash"],
            recorded_at=when,
        )
    )
    conn.execute(
        sa.update(stories)
        .where(stories.c.id == story_id)
        .values(title=title, revision=old["revision"] + 1, updated_at=when)
    )


def cluster_of(conn: sa.Connection, story_ids: Sequence[int], representative: int) -> int:
    cid = add_cluster(conn, representative_id=representative, size=len(story_ids))
    conn.execute(sa.update(stories).where(stories.c.id.in_(story_ids)).values(cluster_id=cid))
    return cid


@dataclass
class Served:
    """A ``FeedApp`` served by uvicorn on 127.0.0.1, as the CLI serves it."""

    app: FeedApp
    site: SiteSpec
    server: uvicorn.Server
    thread: threading.Thread

    def url(self, path: str) -> str:
        return self.site.base_url + path.lstrip("/")


@contextmanager
def serve(
    engine: sa.Engine, feeds: Sequence[FeedSpec], *, hub: str | None = None, **app_args: Any
) -> Iterator[Served]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = SiteSpec(
        base_url=f"http://127.0.0.1:{sock.getsockname()[1]}/",
        title="Test communique",
        hub=hub,
        archive_page_size=app_args.pop("archive_page_size", 50),
    )
    app = FeedApp(engine, feeds, site, **app_args)
    # The daemon's own protocol, with its limits on request heads.
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, http=LimitedHttpToolsProtocol
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield Served(app, site, server, thread)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
