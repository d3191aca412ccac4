"""A damaged SQLite store gives one line that names the file; `store check` finds the damage
and recovers what can be read; `serve` starts while another process holds the write lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from communique.cli import main
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories
from tests import test_cli
from tests.conftest import FixtureSite
from tests.test_cli import write_config

news_site = test_cli.news_site  # the CLI tests' fixture site


def _fill(tmp_path: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]) -> Path:
    config = write_config(tmp_path, site)
    assert main(["--config", str(config), "ingest"]) == 0
    capsys.readouterr()
    store = tmp_path / "store.db"
    with sqlite3.connect(store) as conn:  # fold the WAL in, so the damage hits real pages
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return config


def _pages(path: Path) -> int:
    return path.stat().st_size // 4096


def test_a_damaged_header_is_one_line_naming_the_file(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _fill(tmp_path, news_site, capsys)
    store = tmp_path / "store.db"
    with store.open("r+b") as f:
        f.write(b"garbage, not SQLite" * 5)
    for command in (["sources"], ["ingest"], ["export", str(tmp_path / "out")]):
        assert main(["--config", str(config), *command]) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1, err
        assert str(store) in err and "communique store check" in err
    assert main(["--config", str(config), "store", "check"]) == 1
    assert "cannot be read" in capsys.readouterr().out


def test_damaged_pages_are_found_and_the_rest_recovered(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _fill(tmp_path, news_site, capsys)
    store = tmp_path / "store.db"
    assert main(["--config", str(config), "store", "check"]) == 0
    assert capsys.readouterr().out.strip().endswith(": ok")
    with sqlite3.connect(store) as conn:
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_stories_published_at'"
        ).fetchone()[0]
    with store.open("r+b") as f:  # wreck one index page: the table rows stay readable
        f.seek((root - 1) * 4096)
        f.write(b"\xde\xad" * 2048)
    assert main(["--config", str(config), "store", "check"]) == 1
    assert "recover" in capsys.readouterr().out
    new = tmp_path / "new.db"
    assert main(["--config", str(config), "store", "check", "--recover", str(new)]) == 0
    report = capsys.readouterr().out
    assert "stories: 3 rows" in report, report
    engine = open_store(f"sqlite:///{new}")
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(stories)).scalar_one() == 3
        assert conn.execute(sa.select(sa.func.count()).select_from(sources)).scalar_one() == 2
    engine.dispose()


def test_serve_starts_while_another_process_holds_the_write_lock(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(tmp_path, news_site, capsys)
    store = tmp_path / "store.db"
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, busy for a long time
    try:
        opened: list[float] = []

        def open_it() -> None:
            started = time.monotonic()
            open_store(f"sqlite:///{store}").dispose()
            opened.append(time.monotonic() - started)

        thread = threading.Thread(target=open_it, daemon=True)
        thread.start()
        thread.join(10)
        assert opened and opened[0] < 5, "opening the store waited for the write lock"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
