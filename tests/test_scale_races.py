"""Clustering stays right when workers on one PostgreSQL store race: two processes released
at the same moment on copies of one story, or on the two halves of a bridge between two
clusters, always end with one cluster, round after round; an operator's split holds while
they race."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from ingest.store import overrides
from ingest.store.engine import open_store
from tests.scale_support import (
    cluster_of,
    inconsistent_clusters,
    open_worker,
    paragraph,
    race_worker,
    store,
    story,
)

pytestmark = pytest.mark.postgres

ROUNDS = 30


@pytest.fixture
def engine(pg_url: str) -> Iterator[sa.Engine]:
    eng = open_store(pg_url)
    yield eng
    eng.dispose()


def race(url: str, plans: list[list], target=race_worker) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Run one worker process per plan, each storing its stories in lock-step with the
    others (``race_worker``), and wait for all of them."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(plans))
    procs = [ctx.Process(target=target, args=(url, barrier, *args)) for args in plans]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    codes = [p.exitcode for p in procs]
    for p in procs:
        if p.is_alive():
            p.kill()
            p.join()
    assert codes == [0] * len(plans), f"race workers failed: exit codes {codes}"


def test_two_workers_storing_copies_of_one_story_at_once_make_one_cluster(pg_url, engine):
    bodies = [[paragraph(f"copy{r}-{i}") for i in range(4)] for r in range(ROUNDS)]
    plans = [
        [story(f"copy{r}/{w}", f"outlet{w}", bodies[r], day=r) for r in range(ROUNDS)]
        for w in range(2)
    ]
    race(pg_url, [[p] for p in plans])
    with engine.connect() as conn:
        split = [
            r
            for r in range(ROUNDS)
            if cluster_of(conn, plans[0][r].url) != cluster_of(conn, plans[1][r].url)
        ]
        assert split == [], f"copies clustered apart in rounds {split} of {ROUNDS}"
        distinct = {cluster_of(conn, plans[0][r].url) for r in range(ROUNDS)}
        assert len(distinct) == ROUNDS  # and the rounds' unrelated stories stay apart
        assert inconsistent_clusters(conn) == []


def test_two_workers_storing_two_halves_of_a_bridge_at_once_make_one_cluster(pg_url, engine):
    """P and Q share nothing; R1 (P's text and more) and R2 (Q's and more) share most of
    theirs. Stored one after the other, R2 finds R1 and the four end in one cluster; stored
    at once by two workers, R1 could join P and R2 join Q, neither seeing the other."""
    plans: list[list] = [[], []]  # type: ignore[type-arg]
    rounds = ROUNDS // 2
    with engine.begin() as conn:
        for r in range(rounds):
            a = [paragraph(f"a{r}")]
            b = [paragraph(f"b{r}-{i}") for i in range(3)]
            c = [paragraph(f"c{r}-{i}") for i in range(3)]
            d = [paragraph(f"d{r}")]
            store(conn, story(f"p{r}/s", "seed", a + b, day=r))
            store(conn, story(f"q{r}/s", "seed", c + d, day=r))
            plans[0].append(story(f"r{r}/1", "outlet0", a + b + c, day=r))
            plans[1].append(story(f"r{r}/2", "outlet1", b + c + d, day=r))
    race(pg_url, [[p] for p in plans])
    with engine.connect() as conn:
        apart = [
            r
            for r in range(rounds)
            if cluster_of(conn, plans[0][r].url) != cluster_of(conn, plans[1][r].url)
        ]
        assert apart == [], f"the bridge's halves clustered apart in rounds {apart}"
        assert inconsistent_clusters(conn) == []


def test_an_operators_split_holds_while_workers_race(pg_url, engine):
    """A story split out of its cluster by hand: more copies of it, stored by two workers
    at once, join one cluster or the other but never bring the two back together."""
    rounds = 10
    body = [paragraph(f"split-{i}") for i in range(4)]
    with engine.begin() as conn:
        first = store(conn, story("orig/s", "seed", body, day=0))
        second = store(conn, story("orig/t", "seed2", body, day=0))
        old = cluster_of(conn, story("orig/s", "seed", body, day=0).url)
        new = overrides.split_story(conn, second, note="not the same report")
    plans = [
        [story(f"more{r}/{w}", f"outlet{w}", body, day=0) for r in range(rounds)] for w in range(2)
    ]
    race(pg_url, [[p] for p in plans])
    with engine.connect() as conn:
        placed = {cluster_of(conn, s.url) for plan in plans for s in plan}
        cid = {
            sid: conn.execute(
                sa.text("SELECT cluster_id FROM stories WHERE id = :i"), {"i": sid}
            ).scalar_one()
            for sid in (first, second)
        }
        assert cid[first] != cid[second], "the operator's split was undone"
        assert cid == {first: old, second: new}
        assert placed <= {old, new}
        assert inconsistent_clusters(conn) == []


def test_workers_started_together_on_a_new_store_migrate_it_once(pg_url):
    race(pg_url, [[], [], []], target=open_worker)
    engine = open_store(pg_url)
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    engine.dispose()
    assert len(versions) == 1


def test_a_transaction_postgresql_picks_as_deadlock_victim_is_run_again(engine):
    """Two writers take two locks in opposite orders: PostgreSQL aborts one of them
    (deadlock detected), and ``locks.retrying`` runs that one again, so both finish."""
    import threading

    from ingest.store import locks

    first_locked = threading.Barrier(2)
    # Keyed under this test's schema, as the store's own locks are: no one else's.
    lock = "SELECT pg_advisory_xact_lock(hashtext(current_schema()), %s)"
    attempts: list[str] = []

    def writer(name: str, order: tuple[int, int]) -> str:
        def once() -> str:
            attempts.append(name)
            with engine.begin() as conn:
                conn.exec_driver_sql(lock, (order[0],))
                if attempts.count(name) == 1:
                    first_locked.wait(10)  # both hold their first lock: a cycle follows
                conn.exec_driver_sql(lock, (order[1],))
            return name

        return locks.retrying(once, name)

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda n=n, o=o: results.append(writer(n, o)))
        for n, o in (("a", (1, 2)), ("b", (2, 1)))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["a", "b"]
    assert len(attempts) == 3  # one of them ran twice
