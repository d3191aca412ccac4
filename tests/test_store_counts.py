"""Counts over time for the status page, on SQLite and PostgreSQL: stories per source per UTC
day, stories and new clusters per UTC hour, and the query plan that keeps them off a scan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ingest.store.counts import per_hour, stories_per_day
from ingest.store.engine import open_store
from ingest.store.schema import stories
from tests.feeds_support import T0, add_cluster, add_source, add_story, cluster_of

END = T0 + timedelta(hours=3, minutes=30)  # 2026-03-01 15:30 UTC


@pytest.fixture
def engine(store_url: str) -> Iterator[sa.Engine]:
    engine = open_store(store_url)
    with engine.begin() as conn:
        un, aj = add_source(conn, "un"), add_source(conn, "aj")
        for minutes, source in [(0, un), (5, un), (65, aj), (-24 * 60, un), (-40 * 24 * 60, aj)]:
            seen = T0 + timedelta(minutes=minutes)
            sid = add_story(conn, source, f"s{minutes}", minutes=minutes, first_seen_at=seen)
            cid = add_cluster(conn, created_at=T0 + timedelta(minutes=minutes))
            conn.execute(sa.update(stories).where(stories.c.id == sid).values(cluster_id=cid))
        joined = add_story(conn, aj, "joins", minutes=70, first_seen_at=T0 + timedelta(minutes=70))
        first = conn.execute(sa.select(stories.c.cluster_id).where(stories.c.title == "s0"))
        conn.execute(
            sa.update(stories).where(stories.c.id == joined).values(cluster_id=first.scalar())
        )
        late = add_story(conn, un, "after", minutes=300, first_seen_at=END + timedelta(hours=1))
        cluster_of(conn, [late], late)
    yield engine
    engine.dispose()


def test_stories_per_day_by_source_counts_utc_days_up_to_the_end(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        days = stories_per_day(conn, END, days=30)
    assert set(days) == {"un", "aj"}
    assert len(days["un"]) == 30 and days["un"][-1] == 2 and days["un"][-2] == 1
    assert days["aj"][-1] == 2 and sum(days["aj"]) == 2  # 40 days ago is outside the window
    assert sum(days["un"]) == 3  # the story first seen after END is not counted


def test_per_hour_counts_stories_and_the_clusters_they_created(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        hours = per_hour(conn, END, hours=48)
    assert len(hours) == 48 and hours[-1].hour == T0 + timedelta(hours=3)
    by_hour = {h.hour: (h.stories, h.clusters) for h in hours if h.stories or h.clusters}
    assert by_hour == {
        T0 - timedelta(hours=24): (1, 1),
        T0: (2, 2),
        T0 + timedelta(hours=1): (2, 1),  # "joins" joined an existing cluster
    }


def test_an_empty_store_counts_zero(store_url: str) -> None:
    engine = open_store(store_url)
    with engine.connect() as conn:
        assert stories_per_day(conn, END) == {}
        assert [h.stories + h.clusters for h in per_hour(conn, END, 2)] == [0, 0]
    engine.dispose()


def test_the_hourly_counts_seek_the_first_seen_index(sqlite_url: str) -> None:
    engine = open_store(sqlite_url)
    with engine.connect() as conn:
        plans = []
        for stmt in _statements(conn):
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {stmt}").all()
            plans.append(" | ".join(str(row[-1]) for row in plan))
    engine.dispose()
    assert plans and all("ix_stories_first_seen_at" in p for p in plans), plans
    assert not any("SCAN clusters" in p or "SCAN stories" in p for p in plans), plans


def _statements(conn: sa.Connection) -> list[str]:
    """The SQL of the two hourly queries, with their parameters inlined."""
    seen: list[str] = []

    @sa.event.listens_for(conn, "before_cursor_execute")
    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "strftime" in statement:
            seen.append(_inline(statement, parameters))

    per_hour(conn, END, hours=2)
    stories_per_day(conn, END, days=2)
    sa.event.remove(conn, "before_cursor_execute", grab)
    return seen


def _inline(statement: str, parameters: tuple[object, ...]) -> str:
    for value in parameters:
        statement = statement.replace("?", repr(str(value)), 1)
    return statement
