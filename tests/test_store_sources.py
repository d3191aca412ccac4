"""Source rows: sync with the config, leases, the schedule of record and health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from ingest.model import SourceSpec
from ingest.store import sources as rows
from ingest.store.engine import open_store
from ingest.store.schema import sources

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(store_url: str) -> sa.Engine:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def specs(*names: str) -> list[SourceSpec]:
    return [SourceSpec(name=n, url=f"https://example.org/{n}.xml") for n in names]


def sync(engine: sa.Engine, items: list[SourceSpec], now: datetime = NOW) -> None:
    with engine.begin() as conn:
        rows.sync_sources(conn, items, now)


def set_row(engine: sa.Engine, name: str, **values: object) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(sources).where(sources.c.name == name).values(**values))


def row(engine: sa.Engine, name: str) -> sa.Row:
    with engine.connect() as conn:
        return conn.execute(sa.select(sources).where(sources.c.name == name)).one()


def test_sync_adds_sources_due_now_and_disables_removed_ones(engine):
    sync(engine, specs("a", "b"))
    assert row(engine, "a").next_fetch_at == NOW
    sync(engine, specs("a"))
    assert row(engine, "b").enabled is False
    assert row(engine, "a").enabled is True


def test_a_changed_url_forgets_caching_and_health(engine):
    sync(engine, specs("a"))
    set_row(engine, "a", etag='"x"', error_count=4, disabled_reason="410 Gone", body_hash="h")
    sync(engine, [SourceSpec(name="a", url="https://example.org/new.xml")], NOW)
    r = row(engine, "a")
    assert (r.url, r.etag, r.error_count, r.disabled_reason, r.body_hash) == (
        "https://example.org/new.xml",
        None,
        0,
        None,
        None,
    )


def test_an_adopted_redirect_survives_a_restart_with_the_same_config(engine):
    sync(engine, specs("a"))
    set_row(engine, "a", url="https://example.org/moved.xml", etag='"m"')
    sync(engine, specs("a"))  # what every start does
    assert row(engine, "a").url == "https://example.org/moved.xml"
    assert row(engine, "a").etag == '"m"'


def test_claims_take_due_sources_most_overdue_first_up_to_the_limit(engine):
    sync(engine, specs("a", "b", "c", "d"))
    set_row(engine, "a", next_fetch_at=NOW - timedelta(minutes=5))
    set_row(engine, "b", next_fetch_at=NOW - timedelta(minutes=50))
    set_row(engine, "c", next_fetch_at=NOW + timedelta(minutes=5))  # not due
    set_row(engine, "d", next_fetch_at=NOW - timedelta(minutes=1), disabled_reason="410 Gone")
    with engine.begin() as conn:
        assert rows.claim_due(conn, "w1", NOW, 300, limit=1) == ["b"]
        assert rows.claim_due(conn, "w1", NOW, 300, limit=5) == ["a"]


def test_a_leased_source_is_not_claimed_again_until_the_lease_expires(engine):
    sync(engine, specs("a"))
    with engine.begin() as conn:
        assert rows.claim_due(conn, "w1", NOW, 300, limit=5) == ["a"]
        assert rows.claim_due(conn, "w2", NOW + timedelta(seconds=10), 300, limit=5) == []
        later = NOW + timedelta(seconds=301)
        assert rows.claim_due(conn, "w2", later, 300, limit=5) == ["a"]
    assert row(engine, "a").lease_owner == "w2"


def test_a_claim_says_whose_expired_lease_it_took_over(engine):
    sync(engine, specs("a", "b"))
    with engine.begin() as conn:
        assert rows.claim(conn, "w1", NOW, 300, limit=1) == [rows.Claimed("a", None)]
        later = NOW + timedelta(seconds=301)  # w1 died: its lease ran out
        assert rows.claim(conn, "w2", later, 300, limit=5) == [
            rows.Claimed("a", "w1"),
            rows.Claimed("b", None),
        ]
        assert rows.leases(conn, later) == (2, 0)
        assert rows.leases(conn, later + timedelta(seconds=301)) == (0, 2)


@pytest.mark.postgres
def test_workers_claiming_at_once_skip_each_others_rows_without_waiting(pg_url):
    """SKIP LOCKED: while one worker's claim is uncommitted, a second takes other rows at
    once (a lock wait would hit the one-second lock timeout and fail the test)."""
    engine = open_store(pg_url)
    try:
        sync(engine, specs("a", "b", "c", "d"))
        with engine.connect() as first, engine.connect() as second:
            with first.begin():
                mine = rows.claim_due(first, "w1", NOW, 300, limit=2)
                with second.begin():
                    second.exec_driver_sql("SET LOCAL lock_timeout = '1s'")
                    theirs = rows.claim_due(second, "w2", NOW, 300, limit=5)
            assert sorted(mine + theirs) == ["a", "b", "c", "d"]
            assert set(mine).isdisjoint(theirs) and len(mine) == 2
        owners = {n: row(engine, n).lease_owner for n in "abcd"}
        assert owners == {n: "w1" if n in mine else "w2" for n in "abcd"}
    finally:
        engine.dispose()


def test_recording_a_fetch_drops_the_lease_and_counts_it(engine):
    sync(engine, specs("a"))
    with engine.begin() as conn:
        rows.claim_due(conn, "w1", NOW, 300, limit=5)
        source_id = rows.state(conn, "a").id
        rows.record_fetch(conn, source_id, {"next_fetch_at": NOW + timedelta(hours=1)})
    r = row(engine, "a")
    assert (r.lease_owner, r.lease_until, r.fetch_count) == (None, None, 1)
    assert r.next_fetch_at == NOW + timedelta(hours=1)


def test_leases_are_released_by_owner_or_all_at_once(engine):
    sync(engine, specs("a", "b", "c"))
    with engine.begin() as conn:
        rows.claim_due(conn, "w1", NOW, 300, limit=2)
        rows.claim_due(conn, "w2", NOW, 300, limit=1)
        assert rows.release_owned(conn, "w1") == 2
        assert rows.claim_due(conn, "w3", NOW, 300, limit=5) != []
        assert rows.release_all(conn) >= 1
    with engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sources.c.lease_owner).where(sources.c.lease_owner.is_not(None))
            ).all()
            == []
        )


def test_schedule_lag_is_the_wait_of_the_most_overdue_unclaimed_source(engine):
    sync(engine, specs("a", "b"))
    set_row(engine, "a", next_fetch_at=NOW - timedelta(seconds=90))
    set_row(engine, "b", next_fetch_at=NOW + timedelta(seconds=90))
    with engine.begin() as conn:
        assert rows.schedule_lag(conn, NOW) == 90.0
        rows.claim_due(conn, "w1", NOW, 300, limit=5)  # being fetched: no longer lagging
        assert rows.schedule_lag(conn, NOW) == 0.0


def test_health_lists_every_source_with_its_story_count(engine):
    sync(engine, specs("b", "a"))
    set_row(engine, "a", last_error="HTTP 503", error_count=2)
    with engine.connect() as conn:
        health = rows.health(conn)
    assert [h.name for h in health] == ["a", "b"]
    assert (health[0].last_error, health[0].error_count, health[0].story_count) == (
        "HTTP 503",
        2,
        0,
    )
    assert health[1].next_fetch_at == NOW
