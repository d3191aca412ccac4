"""The daemon in-process against a real HTTP server and a real store: scheduling, politeness
toward failing servers (429, 503, 410, 301), concurrency, metrics, health, logs, the lock and
retention."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import httpx
import pytest
import sqlalchemy as sa

from communique.daemon import Daemon
from communique.settings import load_settings
from ingest.errors import StoreError
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories
from tests.conftest import FixtureSite
from tests.daemon_support import items_for, rss, wait_for, write_config

RSS_TYPE = "application/rss+xml"


@pytest.fixture
def make_daemon(tmp_path: Path) -> Iterator[object]:
    started: list[Daemon] = []

    def make(
        sources_: list[tuple[str, str]],
        store_url: str | None = None,
        start: bool = True,
        **options: object,
    ) -> Daemon:
        url = store_url or f"sqlite:///{tmp_path / 'store.db'}"
        config = write_config(tmp_path / f"c{len(started)}.toml", url, sources_, **options)  # type: ignore[arg-type]
        daemon = Daemon(load_settings(config), open_store(url))
        started.append(daemon)
        if start:
            daemon.start()
        return daemon

    yield make
    for daemon in started:
        daemon.shutdown(grace=5)
        daemon.engine.dispose()


def feed(site: FixtureSite, path: str, count: int = 3, **kw: object) -> str:
    name = path.strip("/").split(".")[0]
    site.add(
        path, rss(site.base, name, items_for(site.base, name, count)), content_type=RSS_TYPE, **kw
    )  # type: ignore[arg-type]
    return site.url(path)


def row(daemon: Daemon, name: str) -> sa.Row:
    with daemon.engine.connect() as conn:
        return conn.execute(sa.select(sources).where(sources.c.name == name)).one()


def stored(daemon: Daemon, name: str | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(stories.join(sources))
    if name:
        query = query.where(sources.c.name == name)
    with daemon.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def hits(site: FixtureSite, path: str) -> int:
    return sum(1 for r in site.requests if r.path == path)


def get(daemon: Daemon, path: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=daemon.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    return asyncio.run(fetch())


# --- scheduling --------------------------------------------------------------------------


def test_due_sources_are_ingested_and_their_next_fetch_is_scheduled(site, make_daemon):
    daemon = make_daemon([("A", feed(site, "/a.xml")), ("B", feed(site, "/b.xml", 5))])
    wait_for(lambda: row(daemon, "A").last_success_at and row(daemon, "B").last_success_at)
    assert (stored(daemon, "A"), stored(daemon, "B")) == (3, 5)
    a = row(daemon, "A")
    assert a.next_fetch_at > datetime.now(UTC) + timedelta(minutes=5)  # 15m, adapted
    assert (a.lease_owner, a.error_count, a.last_status) == (None, 0, 200)


def test_an_unchanged_feed_is_fetched_again_but_not_stored_twice(site, make_daemon):
    daemon = make_daemon([("A", feed(site, "/a.xml"))], interval="1s")
    wait_for(lambda: hits(site, "/a.xml") >= 3)
    wait_for(lambda: row(daemon, "A").fetch_count >= 3)
    assert stored(daemon, "A") == 3


# --- toward the sites we poll ------------------------------------------------------------


def test_429_with_retry_after_is_honoured(site, make_daemon):
    site.add("/busy.xml", "slow down", status=429, headers={"Retry-After": "120"})
    daemon = make_daemon([("Busy", site.url("/busy.xml"))], interval="1s")
    wait_for(lambda: row(daemon, "Busy").error_count == 1)
    r = row(daemon, "Busy")
    assert r.last_status == 429 and "429" in r.last_error
    assert r.next_fetch_at >= r.last_fetch_at + timedelta(seconds=119)
    daemon.tick()
    daemon.tick()
    assert hits(site, "/busy.xml") == 1  # due again only after Retry-After


def test_503_backs_off_and_a_success_resets_the_error_count(site, make_daemon):
    answers = iter([(503, {}, b"down"), (503, {}, b"down")])
    body = rss(site.base, "Flaky", items_for(site.base, "flaky", 2)).encode()

    def handler(req: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        return next(answers, (200, {"Content-Type": RSS_TYPE}, body))

    site.add("/flaky.xml", handler=handler)
    daemon = make_daemon([("Flaky", site.url("/flaky.xml"))], interval="0.3s")
    wait_for(lambda: row(daemon, "Flaky").error_count == 2)
    second = row(daemon, "Flaky")
    # Backoff doubles: the second wait is twice the interval (no jitter in this config).
    wait = (second.next_fetch_at - second.last_fetch_at).total_seconds()
    assert 0.55 <= wait <= 0.65
    wait_for(lambda: row(daemon, "Flaky").last_success_at is not None)
    assert row(daemon, "Flaky").error_count == 0 and row(daemon, "Flaky").last_error is None
    assert stored(daemon, "Flaky") == 2


def test_410_disables_the_source(site, make_daemon):
    site.add("/gone.xml", "gone", status=410)
    daemon = make_daemon([("Gone", site.url("/gone.xml"))], interval="0.2s")
    wait_for(lambda: row(daemon, "Gone").disabled_reason)
    assert "410" in row(daemon, "Gone").disabled_reason
    daemon.tick()
    assert daemon.tick() == [] and hits(site, "/gone.xml") == 1


def test_a_permanent_redirect_is_adopted_after_holding_for_three_fetches(site, make_daemon):
    moved = feed(site, "/new.xml", 2)
    site.add("/old.xml", status=301, headers={"Location": moved})
    daemon = make_daemon([("Moved", site.url("/old.xml"))], interval="0.2s")
    wait_for(lambda: row(daemon, "Moved").url == moved)
    assert hits(site, "/old.xml") == 3
    fetches = hits(site, "/new.xml")
    wait_for(lambda: hits(site, "/new.xml") >= fetches + 2)
    assert hits(site, "/old.xml") == 3  # the stored URL is used from then on
    assert stored(daemon, "Moved") == 2
    daemon.shutdown()
    # A restart with the same config keeps the adopted URL.
    again = make_daemon([("Moved", site.url("/old.xml"))], start=False)
    again.start()
    assert row(again, "Moved").url == moved


def test_a_redirect_that_does_not_hold_is_not_adopted(site, make_daemon):
    target = feed(site, "/target.xml", 1)
    answers = iter([301, 301, 200])
    body = rss(site.base, "Hop", items_for(site.base, "hop", 1)).encode()

    def handler(req: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        status = next(answers, 200)
        if status == 301:
            return 301, {"Location": target}, b""
        return 200, {"Content-Type": RSS_TYPE}, body

    site.add("/hop.xml", handler=handler)
    daemon = make_daemon([("Hop", site.url("/hop.xml"))], interval="0.2s")
    wait_for(lambda: hits(site, "/hop.xml") >= 4)
    r = row(daemon, "Hop")
    assert r.url == site.url("/hop.xml") and r.redirect_count == 0


# --- concurrency -------------------------------------------------------------------------


def test_a_slow_source_does_not_hold_up_the_others(site, make_daemon):
    release = threading.Event()
    slow_body = rss(site.base, "Slow", items_for(site.base, "slow", 1)).encode()

    def slow(req: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        release.wait(20)
        return 200, {"Content-Type": RSS_TYPE}, slow_body

    site.add("/slow.xml", handler=slow)
    fast = [(f"Fast {i}", feed(site, f"/fast{i}.xml", 2)) for i in range(5)]
    daemon = make_daemon([("Slow", site.url("/slow.xml")), *fast], workers=3)
    try:
        wait_for(lambda: all(stored(daemon, name) == 2 for name, _ in fast))
        assert stored(daemon, "Slow") == 0  # still in flight while the others went through
        assert row(daemon, "Slow").lease_owner == daemon.owner
    finally:
        release.set()
    wait_for(lambda: stored(daemon, "Slow") == 1)


# --- observability -----------------------------------------------------------------------


def test_metrics_count_fetches_stories_and_latency(site, make_daemon):
    site.add("/broken.xml", "<<< not a feed", content_type="text/plain")
    daemon = make_daemon([("A", feed(site, "/a.xml", 4)), ("Broken", site.url("/broken.xml"))])
    wait_for(lambda: row(daemon, "A").last_success_at and row(daemon, "Broken").last_fetch_at)
    response = get(daemon, "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert 'communique_fetches_total{outcome="ok",status="200"} 1' in text
    assert 'communique_stories_total{result="new"} 4' in text
    assert "communique_fetch_duration_seconds_count 2" in text
    assert 'communique_fetch_duration_seconds_bucket{le="+Inf"} 2' in text
    assert "communique_schedule_lag_seconds 0" in text
    assert int(float(_sample(text, "communique_fetch_bytes_total"))) > 1000
    assert row(daemon, "Broken").last_error  # an unreadable body is a parse error
    assert _sample(text, "communique_parse_errors_total") == "1"
    assert 'communique_fetches_total{outcome="error",status="200"} 1' in text


def _sample(text: str, name: str) -> str:
    return next(line.split()[-1] for line in text.splitlines() if line.startswith(name + " "))


def test_healthz_reports_store_scheduler_and_last_cycle(site, make_daemon):
    daemon = make_daemon([("A", feed(site, "/a.xml"))])
    wait_for(lambda: daemon.last_cycle)
    response = get(daemon, "/healthz")
    body = response.json()
    assert response.status_code == 200
    assert (body["ok"], body["store"], body["scheduler"]) == (True, "ok", "running")
    assert datetime.fromisoformat(body["last_cycle"]) <= datetime.now(UTC)
    daemon.shutdown()
    response = get(daemon, "/healthz")
    assert response.status_code == 503 and response.json()["scheduler"] == "stopped"


def test_healthz_fails_when_the_store_is_unreachable(site, make_daemon, tmp_path):
    daemon = make_daemon([("A", feed(site, "/a.xml"))], start=False)
    daemon.engine = sa.create_engine(f"sqlite:///{tmp_path}/missing-dir/x/y.db")
    response = get(daemon, "/healthz")
    assert response.status_code == 503
    assert json.loads(response.text)["store"].startswith("unreachable")


def test_every_log_line_of_a_source_names_it_and_its_url(site, make_daemon, caplog):
    caplog.set_level(logging.INFO)
    site.add("/bad.xml", status=500)
    daemon = make_daemon([("A", feed(site, "/a.xml")), ("Bad", site.url("/bad.xml"))])
    wait_for(lambda: row(daemon, "A").last_success_at and row(daemon, "Bad").last_error)
    daemon.shutdown()
    records = [r for r in caplog.records if r.name.startswith(("communique.ingest", "ingest"))]
    assert records
    for record in records:
        assert record.source in ("A", "Bad"), record.getMessage()
        assert record.url.startswith(site.base)
        assert f"source {record.source!r} ({record.url})" in record.getMessage()


# --- the lock ----------------------------------------------------------------------------


def test_a_second_daemon_on_the_same_sqlite_store_refuses_to_start(site, make_daemon):
    first = make_daemon([("A", feed(site, "/a.xml"))])
    second = make_daemon([("A", site.url("/a.xml"))], store_url=str(first.engine.url), start=False)
    with pytest.raises(StoreError, match=r"another communique daemon .*is already running"):
        second.start()
    first.shutdown()
    second.start()  # the lock goes with the first daemon


@pytest.mark.postgres
def test_several_daemons_share_a_postgresql_store_through_leases(pg_url, site, make_daemon):
    names = [(f"S{i}", feed(site, f"/s{i}.xml", 2)) for i in range(6)]
    first = make_daemon(names, store_url=pg_url, workers=2)
    second = make_daemon(names, store_url=pg_url, workers=2)
    second.owner = "other-host:1"
    wait_for(lambda: all(row(first, n).last_success_at for n, _ in names), timeout=30)
    assert stored(first) == 12
    assert all(hits(site, f"/s{i}.xml") == 1 for i in range(6))  # no source fetched twice


# --- retention ---------------------------------------------------------------------------


def test_retention_prunes_and_pruned_items_do_not_come_back(site, make_daemon):
    base_items = items_for(site.base, "big", 6)
    site.add("/big.xml", rss(site.base, "Big", base_items), content_type=RSS_TYPE)
    daemon = make_daemon(
        [("Big", site.url("/big.xml"))], interval="0.3s", extra="[retention]\nmax_per_source = 4"
    )
    wait_for(lambda: stored(daemon, "Big") == 6)
    daemon.run_retention()
    assert stored(daemon, "Big") == 4
    # The feed changes (a new item) but still lists the pruned ones: they stay pruned.
    more = items_for(site.base, "big", 1, start=6)
    site.add("/big.xml", rss(site.base, "Big", [*more, *base_items]), content_type=RSS_TYPE)
    wait_for(lambda: stored(daemon, "Big") == 5)
    fetches = row(daemon, "Big").fetch_count
    wait_for(lambda: row(daemon, "Big").fetch_count >= fetches + 2)
    assert stored(daemon, "Big") == 5
    assert "communique_stories_pruned_total 2" in get(daemon, "/metrics").text


# --- WebSub ------------------------------------------------------------------------------


class _Hub(BaseHTTPRequestHandler):
    pings: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.pings.append(parse_qs(self.rfile.read(length).decode()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hub() -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    _Hub.pings = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub", _Hub.pings
    server.shutdown()
    server.server_close()


def test_the_hub_is_announced_and_pinged_once_per_change(site, make_daemon, hub):
    hub_url, pings = hub
    daemon = make_daemon(
        [("A", feed(site, "/a.xml")), ("B", feed(site, "/b.xml"))],
        extra=f'[websub]\nhub = "{hub_url}"\n',
    )
    wait_for(lambda: stored(daemon) == 6 and pings)
    time.sleep(1.0)  # ten publish beats: any change still unannounced is announced by now
    settled = len(pings)
    assert 1 <= settled <= 2  # one ping per beat with changes, not one per source or story
    topics = pings[0]["hub.url"]
    assert pings[0]["hub.mode"] == ["publish"]
    assert any(t.endswith("/feeds/all.atom") for t in topics)
    assert any(t.endswith("/feeds/all.rss") for t in topics)
    assert f'href="{hub_url}"' in get(daemon, "/feeds/all.atom").text
    assert daemon.publish() is False  # nothing changed since the last ping
    time.sleep(0.5)
    assert len(pings) == settled


def test_ticks_back_off_while_the_store_is_unreachable_and_give_leases_back_after(
    site, make_daemon
):
    from datetime import UTC, datetime, timedelta

    from ingest.store.engine import create_engine
    from ingest.store.sources import sync_sources

    daemon = make_daemon([("a", feed(site, "/a.xml"))], start=False)
    with daemon.engine.begin() as conn:
        sync_sources(conn, daemon.settings.sources, datetime.now(UTC))
    assert daemon.tick() == ["a"]  # claimed (the workers are not started: it stays leased)
    good, down = daemon.engine, create_engine("postgresql://postgres@127.0.0.1:1/none")
    try:
        daemon.engine = down
        daemon._release("a")  # a pass that failed on the store gives its lease back ...
        assert daemon.tick() == []
        assert daemon.metrics.store_errors.value() == 1
        assert daemon.tick() == []  # backing off: the store is not tried again at once
        assert daemon.metrics.store_errors.value() == 1
    finally:
        down.dispose()
        daemon.engine = good
    with good.begin() as conn:  # not due again, so the next tick only releases it
        conn.execute(
            sa.update(sources).values(next_fetch_at=datetime.now(UTC) + timedelta(hours=1))
        )
    daemon._retry_at = 0.0  # the pause over
    assert daemon.tick() == []  # ... once the store answers again
    assert row(daemon, "a").lease_owner is None
