"""Hostile input from remote servers: nothing they send may make us read local files,
lose other items, or republish what they should not control."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest import pipeline
from ingest.errors import ParseError
from ingest.fetch import Fetcher
from ingest.model import Fetched, FetchOptions, SourceSpec
from ingest.parse import parse_feed
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories
from tests.conftest import FixtureSite

OPTIONS = FetchOptions(allow_private_networks=True, per_host_delay=0)
LOCAL_FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>LOCAL FILE</title>'
    "<link>http://local.example/</link><description>d</description>"
    "<item><title>Read from our own disk</title><link>http://local.example/1</link>"
    "<description>secret</description></item></channel></rss>"
)


def _fetched(body: bytes) -> Fetched:
    url = "https://feeds.example/feed.xml"
    headers = {"content-type": "application/rss+xml"}
    return Fetched(url=url, final_url=url, status=200, headers=headers, body=body)


@pytest.mark.parametrize("kind", ["feed file", "/etc/passwd", "/dev/zero"])
def test_a_body_that_is_a_path_is_never_opened(kind: str, tmp_path: Path) -> None:
    local = tmp_path / "local.xml"
    local.write_text(LOCAL_FEED)
    path = {"feed file": str(local)}.get(kind, kind)
    source = SourceSpec(name="evil", url="https://feeds.example/feed.xml")
    with pytest.raises(ParseError) as caught:
        parse_feed(source, _fetched(path.encode()))
    assert "source 'evil'" in str(caught.value)


def test_a_served_path_is_not_ingested(sqlite_url: str, site: FixtureSite, tmp_path: Path) -> None:
    local = tmp_path / "local.xml"
    local.write_text(LOCAL_FEED)
    site.add("/feed.xml", str(local), content_type="application/rss+xml")
    spec = SourceSpec(name="evil", url=site.url("/feed.xml"), full_text="never")
    engine = open_store(sqlite_url)
    with Fetcher(OPTIONS) as fetcher:
        ctx = pipeline.Context(engine=engine, fetcher=fetcher)
        pipeline.sync(ctx, [spec])
        [report] = pipeline.ingest_many(ctx, [spec])
    assert not report.ok
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(stories)).scalar_one() == 0
        error = conn.execute(sa.select(sources.c.last_error)).scalar_one()
    assert error is not None and ("not a feed" in error or "XML error" in error), error
