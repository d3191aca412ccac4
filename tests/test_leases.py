"""A long pass keeps its source's lease (``communique.leases``), and the pipeline calls
back between items so it can."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from communique.leases import LeaseKeeper
from ingest import pipeline
from ingest.fetch import Fetcher
from ingest.store import sources as source_rows
from ingest.store.engine import open_store
from ingest.store.schema import sources
from tests.conftest import FixtureSite
from tests.test_pipeline import BODY, OPTIONS, RSS_ITEM, feed, one_source


def lease_of(engine: sa.Engine, name: str) -> tuple[str | None, datetime | None]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(sources.c.lease_owner, sources.c.lease_until).where(sources.c.name == name)
        ).one()
    return row.lease_owner, row.lease_until


def test_a_third_of_a_lease_gone_renews_it_for_another_lease(
    store_url: str, site: FixtureSite
) -> None:
    engine = open_store(store_url)
    specs = one_source(site)
    with Fetcher(OPTIONS) as fetcher:
        pipeline.sync(pipeline.Context(engine=engine, fetcher=fetcher), specs)
    name = specs[0].name
    with engine.begin() as conn:
        assert source_rows.claim(conn, "me", datetime.now(UTC), 30, 1)
    _, claimed_until = lease_of(engine, name)
    clock = [100.0]
    keeper = LeaseKeeper(engine, "me", 30, monotonic=lambda: clock[0])
    keeper.started(name)
    clock[0] += 9  # under a third: nothing to do yet
    keeper(name)
    assert lease_of(engine, name) == ("me", claimed_until)
    clock[0] += 2
    keeper(name)
    owner, until = lease_of(engine, name)
    assert owner == "me" and until is not None and claimed_until is not None
    assert until > claimed_until
    keeper.done(name)
    clock[0] += 100
    keeper(name)  # the pass is over: its lease is left as it is
    assert lease_of(engine, name) == ("me", until)


def test_a_lease_taken_over_is_not_taken_back(sqlite_url: str, site: FixtureSite) -> None:
    engine = open_store(sqlite_url)
    specs = one_source(site)
    with Fetcher(OPTIONS) as fetcher:
        pipeline.sync(pipeline.Context(engine=engine, fetcher=fetcher), specs)
    name = specs[0].name
    with engine.begin() as conn:
        conn.execute(sa.update(sources).values(lease_owner="other", lease_until=datetime.now(UTC)))
    clock = [0.0]
    keeper = LeaseKeeper(engine, "me", 30, monotonic=lambda: clock[0])
    keeper.started(name)
    clock[0] += 20
    keeper(name)
    assert lease_of(engine, name)[0] == "other"


def test_the_pipeline_calls_back_between_items(sqlite_url: str, site: FixtureSite) -> None:
    engine = open_store(sqlite_url)
    specs = one_source(site)
    items = [
        RSS_ITEM.format(
            title=f"Talks {n}", link=site.url(f"/a/{n}"), guid="", body=f"{BODY} Round {n}."
        )
        for n in range(3)
    ]
    site.add("/feed.xml", feed(*items), content_type="application/rss+xml")
    beats: list[str] = []
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher, heartbeat=beats.append)
        pipeline.sync(ctx, specs)
        assert pipeline.ingest_many(ctx, specs)[0].new == 3
    assert beats == [specs[0].name] * 3
