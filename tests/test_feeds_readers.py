"""Real feed readers read what we serve: newsboat, feed2exec and rss-parser (Node).

Each reads every output feed from uvicorn on 127.0.0.1 and must list exactly the stored
titles and links. CI installs them (.ci/run); elsewhere the tests skip, saying what is missing.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from feeds.spec import FeedSpec
from ingest.store.engine import open_store
from tests.conftest import require, require_program
from tests.feeds_support import Served, add_source, add_story, cluster_of, serve

JS_DIR = Path(__file__).with_name("js")
FEEDS = [FeedSpec("all", "All stories"), FeedSpec("art", "Articles", group="article")]
# Titles a strict reader might stumble on: markup, entities, non-Latin text, emoji.
TITLES = [
    "Ministers meet in Geneva",
    'Talks on <Iran> & "sanctions" resume',
    "日本と中国の外相が会談",
    "Summit ends 🎉 with a joint statement",
]


@pytest.fixture
def served(sqlite_url: str) -> Iterator[tuple[Served, dict[str, list[tuple[str, str]]]]]:
    engine = open_store(sqlite_url)
    with engine.begin() as conn:
        un, aj = add_source(conn, "un"), add_source(conn, "aj")
        ids = [add_story(conn, un if n % 2 else aj, t, minutes=n) for n, t in enumerate(TITLES)]
        copy = add_story(conn, aj, "Geneva meeting, another view", minutes=10)
        cluster_of(conn, [ids[0], copy], ids[0])
    expected = {"all": _stored(engine, cluster=True), "art": _stored(engine, cluster=False)}
    with serve(engine, FEEDS) as srv:
        yield srv, expected
    engine.dispose()


def _stored(engine: sa.Engine, cluster: bool) -> list[tuple[str, str]]:
    """(title, link) of what each feed must show, straight from the store."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.title, s.url, s.cluster_id, s.id, c.representative_id FROM stories s "
            "LEFT JOIN clusters c ON c.id = s.cluster_id ORDER BY s.published_at DESC"
        ).all()
    keep = [r for r in rows if not cluster or r[2] is None or r[3] == r[4]]
    return [(r[0], r[1]) for r in keep]


def feed_urls(srv: Served, formats: tuple[str, ...] = ("atom", "rss")) -> dict[str, str]:
    return {srv.url(f"feeds/{f.slug}.{fmt}"): f.slug for f in FEEDS for fmt in formats}


def test_newsboat_lists_exactly_the_stored_titles_and_links(served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    newsboat = require_program("newsboat")
    srv, expected = served
    for n, (url, slug) in enumerate(feed_urls(srv).items()):
        # one cache per subscription: newsboat keeps one copy of an id across its cache, and
        # a feed's Atom and RSS documents rightly share their ids
        rows, title = _newsboat_read(newsboat, url, tmp_path / str(n))
        assert rows == expected[slug], url
        assert title == {f.slug: f.title for f in FEEDS}[slug]


def _newsboat_read(newsboat: str, url: str, home: Path) -> tuple[list[tuple[str, str]], str]:
    home.mkdir()
    (home / "urls").write_text(url + "\n")
    (home / "config").write_text("download-timeout 20\n")
    env = os.environ | {"HOME": str(home), "XDG_CONFIG_HOME": str(home)}
    cmd = [newsboat, "-u", str(home / "urls"), "-c", str(home / "cache.db")]
    cmd += ["-C", str(home / "config"), "-x", "reload"]
    run = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    with sqlite3.connect(home / "cache.db") as db:
        rows = db.execute(
            "SELECT title, url FROM rss_item WHERE feedurl = ? ORDER BY pubDate DESC", (url,)
        ).fetchall()
        feed = db.execute("SELECT title FROM rss_feed WHERE rssurl = ?", (url,)).fetchone()
    assert feed is not None, f"newsboat stored nothing for {url}"
    return rows, feed[0]


def test_feed2exec_reads_every_feed(served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed2exec = require_program("feed2exec")
    srv, expected = served
    for url, slug in feed_urls(srv, ("atom", "rss", "json")).items():
        if url.endswith(".json"):
            continue  # feed2exec reads through feedparser 6, which has no JSON Feed support
        cmd = [feed2exec, "--config", str(tmp_path / "f2e.ini"), "--database"]
        cmd += [str(tmp_path / f"{slug}.db"), "parse", url, "--output", "feed2exec.plugins.echo"]
        cmd += ["--args", "ITEM {item.title} {item.link}"]
        run = subprocess.run(
            cmd, capture_output=True, timeout=60, env=os.environ | {"HOME": str(tmp_path)}
        )
        assert run.returncode == 0, run.stderr.decode()
        assert "ERROR" not in run.stderr.decode() and "Traceback" not in run.stderr.decode()
        # the echo plugin prints its arguments shell-quoted, one item per line
        items = [shlex.split(ln) for ln in run.stdout.decode().splitlines()]
        assert [tuple(i[1:]) for i in items if i[:1] == ["ITEM"]] == expected[slug], url


def test_rss_parser_from_npm_reads_every_feed(served) -> None:  # type: ignore[no-untyped-def]
    node = require_program("node")
    require((JS_DIR / "node_modules" / "rss-parser").is_dir(), "run `npm ci` in tests/js")
    srv, expected = served
    urls = feed_urls(srv)
    run = subprocess.run(
        [node, str(JS_DIR / "parse_feeds.js"), *urls], capture_output=True, timeout=60
    )
    assert run.returncode == 0, run.stderr.decode()
    for line in run.stdout.decode().splitlines():
        feed = json.loads(line)
        slug = urls[feed["url"]]
        assert [(i["title"], i["link"]) for i in feed["items"]] == expected[slug]
        assert all(i["guid"].startswith(f"tag:127.0.0.1,2026:feed/{slug}/") for i in feed["items"])
