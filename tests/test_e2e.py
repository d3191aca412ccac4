"""The whole product from the command line, as a user runs it: ``communique demo``, and
``communique ingest`` + ``serve`` + ``export`` on the demo site, read by feedparser and newsboat."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
import sqlalchemy as sa

from communique.cli import main
from communique.demo import DemoSite, demo_config
from ingest.store.engine import open_store
from tests.conftest import require_program
from tests.test_feeds_readers import _newsboat_read


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo_env(tmp_path: Path) -> Iterator[tuple[Path, str, int]]:
    port = free_port()
    store_url = f"sqlite:///{tmp_path / 'demo.db'}"
    with DemoSite() as site:
        config = tmp_path / "communique.toml"
        config.write_text(demo_config(site.base_url, store_url, "127.0.0.1", port))
        yield config, store_url, port


def representative_titles(store_url: str) -> list[str]:
    """What a one-item-per-story feed must list: each cluster's representative."""
    engine = open_store(store_url)
    with engine.connect() as conn:
        titles = conn.exec_driver_sql(
            "SELECT s.title FROM stories s JOIN clusters c ON c.representative_id = s.id "
            "WHERE c.merged_into IS NULL"
        ).scalars()
        return sorted(titles)


@pytest.fixture
def serving(demo_env: tuple[Path, str, int]) -> Iterator[tuple[Path, str, str]]:
    config, store_url, port = demo_env
    assert main(["--config", str(config), "ingest"]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "communique", "--config", str(config), "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(base, proc)
        yield config, store_url, base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"serve exited: {proc.stdout.read().decode() if proc.stdout else ''}"
            )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_served_feeds_list_the_stored_stories(serving: tuple[Path, str, str]) -> None:
    _, store_url, base = serving
    expected = representative_titles(store_url)
    assert len(expected) >= 10
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(httpx.get(f"{base}feeds/all.{fmt}").content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert sorted(e.title for e in parsed.entries) == expected
    as_json = httpx.get(f"{base}feeds/all.json").json()
    assert sorted(i["title"] for i in as_json["items"]) == expected
    apec = [i for i in as_json["items"] if len(i["_communique"]["members"]) >= 3]
    assert apec, "the APEC meeting, carried by several outlets, is one item with its members"


def test_newsboat_reads_the_served_feeds(serving: tuple[Path, str, str], tmp_path: Path) -> None:
    newsboat = require_program("newsboat")
    _, store_url, base = serving
    expected = representative_titles(store_url)
    for n, fmt in enumerate(("atom", "rss")):
        rows, title = _newsboat_read(newsboat, f"{base}feeds/all.{fmt}", tmp_path / f"nb{n}")
        assert title == "All stories"
        assert sorted(t for t, _ in rows) == expected
        assert all(link.startswith("http://127.0.0.1:") for _, link in rows)


def test_export_writes_what_serve_serves(serving: tuple[Path, str, str], tmp_path: Path) -> None:
    config, _, base = serving
    out = tmp_path / "export"
    assert main(["--config", str(config), "export", str(out)]) == 0
    for name in ("all.atom", "all.rss", "all.json", "diplomacy.atom", "china-japan.rss"):
        slug, fmt = name.rsplit(".", 1)
        assert (out / name).read_bytes() == httpx.get(f"{base}feeds/{slug}.{fmt}").content, name
    assert (out / "feeds.opml").is_file() and (out / "index.html").is_file()


def test_diplomacy_feed_filters_out_sport_and_weather(serving: tuple[Path, str, str]) -> None:
    _, _, base = serving
    everything = {
        e.title for e in feedparser.parse(httpx.get(f"{base}feeds/all.atom").content).entries
    }
    diplomacy = {
        e.title for e in feedparser.parse(httpx.get(f"{base}feeds/diplomacy.atom").content).entries
    }
    assert diplomacy < everything
    dropped = " ".join(everything - diplomacy).lower()
    assert "final" in dropped or "cold" in dropped or "football" in dropped


def test_demo_command_populates_feeds(tmp_path: Path) -> None:
    env = os.environ | {"COMMUNIQUE_STORE_URL": ""}
    env.pop("COMMUNIQUE_STORE_URL")
    run = subprocess.run(
        [sys.executable, "-m", "communique", "demo", "--once", "--port", str(free_port())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "20 new stories, 0 failed" in run.stdout
    engine = open_store(f"sqlite:///{tmp_path / 'data' / 'demo' / 'demo.db'}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM stories")).scalar_one() == 20
