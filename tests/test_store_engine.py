"""The SQLite engine owns this process's write lock: every writer queues on it, whoever
opened the transaction (pipeline, daemon, retention, CLI), and readers never wait."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from ingest.store.engine import open_store, reading
from ingest.store.schema import sources


def _holding_write(engine: sa.Engine, started: threading.Event, go: threading.Event) -> None:
    with engine.begin() as conn:
        conn.execute(sa.select(1))
        started.set()
        go.wait(10)


def test_writers_queue_on_the_engine_and_readers_do_not_wait(sqlite_url: str) -> None:
    engine = open_store(sqlite_url)
    started, go = threading.Event(), threading.Event()
    holder = threading.Thread(target=_holding_write, args=(engine, started, go))
    holder.start()
    assert started.wait(10)
    with reading(engine) as conn:  # while the other thread holds the write lock
        assert conn.execute(sa.select(sa.func.count()).select_from(sources)).scalar() == 0
    order: list[str] = []
    second = threading.Thread(target=lambda: _write(engine, order))
    second.start()
    second.join(0.3)
    assert second.is_alive() and order == []  # waiting on the lock, not failing
    go.set()
    holder.join(10)
    second.join(10)
    assert order == ["written"]
    engine.dispose()


def _write(engine: sa.Engine, order: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(sa.select(1))
    order.append("written")


def test_a_failed_transaction_gives_the_lock_back(sqlite_url: str) -> None:
    engine = open_store(sqlite_url)
    with pytest.raises(RuntimeError), engine.begin():
        raise RuntimeError("boom")
    done: list[str] = []
    thread = threading.Thread(target=lambda: _write(engine, done))
    thread.start()
    thread.join(5)
    assert done == ["written"]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO sources (name) VALUES (NULL)"))
    thread = threading.Thread(target=lambda: _write(engine, done))
    thread.start()
    thread.join(5)
    assert done == ["written", "written"]
    engine.dispose()
