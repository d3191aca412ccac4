"""Helpers for the scale-out tests: synthetic stories whose matches are known by
construction, and worker processes that store them at the same moment."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa

from ingest.dedupe import DedupeParams, normalize_text
from ingest.model import Story
from ingest.store.clusters import assign_cluster
from ingest.store.engine import create_engine, open_store
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


# --- a fixture web whose feeds grow on a schedule, and worker processes ---------------------


class GrowingWeb:
    """``feeds`` RSS feeds on a FixtureSite; feed ``i`` lists one more item every ``every``
    seconds (the newest ``keep``), and the feeds of one group (``i % groups``) carry copies
    of one text for each item: the copies of a story reach several workers at once.
    Every request is recorded with its time, for the schedule checks."""

    def __init__(
        self,
        site: Any,
        feeds: int,
        *,
        groups: int,
        every: float,
        keep: int = 100,
        delay: float = 0.0,
    ) -> None:

        self.site, self.feeds, self.groups, self.every, self.keep = site, feeds, groups, every, keep
        self.delay = delay  # seconds each answer waits (a slow outlet)
        self.start = time.monotonic()
        self.fetches: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self.frozen: int | None = None  # stop growing at this many items
        # Headers and body go out in two writes; without this, the client's delayed ACK
        # holds every answer back 40 ms, and the fixture, not the workers, sets the pace.
        site.server.RequestHandlerClass.disable_nagle_algorithm = True
        for i in range(feeds):
            site.add(f"/f{i:03d}.xml", handler=self._handler(i))

    def name(self, i: int) -> str:
        return f"f{i:03d}"

    @property
    def sources(self) -> list[tuple[str, str]]:
        return [(self.name(i), self.site.url(f"/{self.name(i)}.xml")) for i in range(self.feeds)]

    def items_now(self) -> int:

        grown = 1 + int((time.monotonic() - self.start) / self.every)
        return grown if self.frozen is None else min(grown, self.frozen)

    def freeze(self) -> int:
        """Stop adding items; returns how many each feed has listed, in all."""
        self.frozen = self.items_now()
        return self.frozen

    def item_keys(self, i: int, count: int) -> set[str]:
        return {f"guid:{self.name(i)}-{k}" for k in range(count)}

    def _handler(self, i: int) -> Any:
        name = self.name(i)

        def answer(req: Any) -> tuple[int, dict[str, str], bytes]:
            with self._lock:
                self.fetches.setdefault(name, []).append(time.monotonic())
            if self.delay:
                time.sleep(self.delay)
            count = self.items_now()
            group = i % self.groups
            entries = []
            for k in range(max(0, count - self.keep), count):
                body = [paragraph(f"g{group}-k{k}-{p}") for p in range(3)]
                html = "".join(f"<p>{p}</p>" for p in body)
                day = 1 + k % 27
                entries.append(
                    f"<item><title>Story {group}-{k} reported by {name}</title>"
                    f"<link>{self.site.url(f'/{name}/{k}')}</link>"
                    f'<guid isPermaLink="false">{name}-{k}</guid>'
                    f"<pubDate>{day:02d} May 2026 09:00:00 GMT</pubDate>"
                    f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
                )
            xml = (
                '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>{escape(name)}</title><link>{self.site.base}/</link>"
                f"<description>News</description>{''.join(entries)}</channel></rss>"
            )
            return 200, {"Content-Type": "application/rss+xml"}, xml.encode()

        return answer


def write_worker_config(
    path: Any,
    store_url: str,
    sources: Sequence[tuple[str, str]],
    *,
    interval: float,
    lease: float,
    tick: float = 0.2,
    workers: int = 8,
) -> Any:
    """A config for workers on the fixture web: fixed intervals (no jitter, not adaptive),
    private addresses allowed, no per-host delay."""
    blocks = "".join(
        f'[[sources]]\nname = "{n}"\nurl = "{u}"\ninterval = {interval}\nfull_text = false\n'
        for n, u in sources
    )
    path.write_text(
        f"""
[store]
url = "{store_url}"
[fetch]
allow_private_networks = true
per_host_delay = 0
per_host_concurrency = 64
timeout = 20
[schedule]
workers = {workers}
tick = {tick}
jitter = 0
min_interval = 1
adaptive = false
lease = {lease}
[log]
level = "INFO"
{blocks}
[[feeds]]
slug = "all"
title = "All stories"
"""
    )
    return path


def start_worker(config: Any, metrics_port: int, log: Any) -> Any:
    """``communique worker`` as a process of its own (its own session, so a test can kill
    it and its process pool with one signal)."""

    return subprocess.Popen(
        [
            *(sys.executable, "-m", "communique", "--config", str(config)),
            *("worker", "--metrics-port", str(metrics_port)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
        cwd=config.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        start_new_session=True,
    )


def metric(port: int, name: str) -> float | None:
    """One unlabelled metric from a worker's /metrics, or None when it does not answer."""

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def stop(proc: Any, timeout: float = 20) -> int:
    """SIGTERM, then the exit code (SIGKILL to the group if it does not stop in time)."""

    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return int(proc.returncode)


def open_worker(url: str, barrier: Any) -> None:
    """Open (and so migrate) a store at the same moment as the others."""

    barrier.wait(30)
    open_store(url).dispose()
