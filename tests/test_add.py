"""``communique add URL`` against fixture sites on 127.0.0.1: it picks the right way in for
each, and what ``--write`` adds to the config file ingests."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from communique.cli import main
from ingest.store.engine import open_store
from ingest.store.schema import stories
from tests.conftest import FixtureSite
from tests.discovery_support import (
    add_articles,
    ld_listing_html,
    news_sitemap,
    plain_home,
    rss,
    sitemap_site,
)
from tests.discovery_support import stories as make_stories

CONFIG = """# my sources, with comments that must survive
[store]
url = "sqlite:///{db}"  # the store

[fetch]
allow_private_networks = true  # the fixture site is on 127.0.0.1
per_host_delay = 0
timeout = 5

[[sources]]
name = "Existing"  # keep me
url = "{base}/existing.xml"
enabled = false

# output feeds
[[feeds]]
slug = "all"
title = "All stories"
"""


@pytest.fixture
def config(tmp_path: Path, site: FixtureSite) -> Path:
    path = tmp_path / "communique.toml"
    path.write_text(CONFIG.format(db=tmp_path / "store.db", base=site.base))
    return path


def add(config: Path, url: str, *extra: str) -> int:
    return main(["--config", str(config), "add", url, *extra])


def best_block(output: str) -> str:
    return output.split("the best, as a source:", 1)[1].split("the first 5 stories", 1)[0]


def test_a_feed_linked_from_the_homepage(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    head = '<link rel="alternate" type="application/rss+xml" title="World" href="/rss/world">'
    site.add("/", plain_home(site, items, head), content_type="text/html")
    site.add("/rss/world", rss(site, items), content_type="application/rss+xml")
    add_articles(site, items)
    assert add(config, site.url("/")) == 0
    output = capsys.readouterr().out
    block = best_block(output)
    assert f'url = "{site.url("/rss/world")}"' in block and "kind" not in block
    assert "feed linked from the page" in output
    assert items[0].title in output and "Officials from Japan" in output  # as check shows
    assert not (config.parent / "store.db").exists()  # without --write nothing is stored


def test_a_feed_only_at_a_common_path(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    site.add("/", plain_home(site, items), content_type="text/html")
    site.add("/feed.xml", rss(site, items), content_type="application/rss+xml")
    add_articles(site, items)
    assert add(config, site.url("/"), "--write") == 0
    output = capsys.readouterr().out
    assert f'url = "{site.url("/feed.xml")}"' in best_block(output)
    assert "feed at a common path" in output
    assert main(["--config", str(config), "ingest", "Harbour Times"]) == 0
    assert stored(config) == sorted(s.title for s in items)


def test_a_news_sitemap_behind_an_index_named_in_robots(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    index = sitemap_site(site, items)
    site.add("/", plain_home(site, items), content_type="text/html")
    assert add(config, site.url("/"), "--write") == 0
    output = capsys.readouterr().out
    block = best_block(output)
    assert f'url = "{index}"' in block and 'kind = "sitemap"' in block
    assert 'name = "Harbour Times"' in block  # the publication's name in the sitemap
    assert "sitemap named in robots.txt" in output
    robots = [r for r in site.requests if r.path == "/robots.txt"]
    assert len(robots) == 1  # read once, for its rules and its sitemaps alike
    assert main(["--config", str(config), "ingest", "Harbour Times"]) == 0
    assert stored(config) == sorted(s.title for s in items)


def test_a_news_sitemap_at_a_common_path_for_a_section_page(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    site.add("/world/", plain_home(site, items), content_type="text/html")
    site.add("/sitemap-news.xml", news_sitemap(site, items), content_type="application/xml")
    add_articles(site, items)
    assert add(config, site.url("/world/")) == 0
    output = capsys.readouterr().out
    assert f'url = "{site.url("/sitemap-news.xml")}"' in best_block(output)
    assert "sitemap at a common path" in output
    tried = [r.path for r in site.requests]
    assert "/world/feed" in tried and "/feed" in tried  # the section's feeds, then the site's
    assert "/world/news-sitemap.xml" not in tried  # sitemaps only at the root


def _feed_and_sitemap(site: FixtureSite, feed: str) -> None:
    items = make_stories()
    head = '<link rel="alternate" type="application/rss+xml" href="/rss">'
    site.add("/", plain_home(site, items, head), content_type="text/html")
    site.add("/rss", feed, content_type="application/rss+xml")
    sitemap_site(site, items)


def ranked(output: str) -> list[str]:
    """The options' URLs in the order printed."""
    listing = output.split("the best, as a source:", 1)[0]
    return [line.split()[2] for line in listing.splitlines() if line.strip()[:2] in ("1.", "2.")]


def test_the_freshest_option_wins(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    _feed_and_sitemap(site, rss(site, items[1:], full=True))  # the feed lags six hours
    assert add(config, site.url("/")) == 0
    assert ranked(capsys.readouterr().out) == [site.url("/sitemap_index.xml"), site.url("/rss")]


def test_as_fresh_the_fullest_wins(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    _feed_and_sitemap(site, rss(site, items, full=True))
    assert add(config, site.url("/")) == 0
    output = capsys.readouterr().out
    assert ranked(output) == [site.url("/rss"), site.url("/sitemap_index.xml")]
    assert "100% with full text" in output


def test_a_json_ld_listing(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    site.add("/world/", ld_listing_html(site, items), content_type="text/html")
    add_articles(site, items)
    assert add(config, site.url("/world/"), "--write", "--name", "Harbour World") == 0
    block = best_block(capsys.readouterr().out)
    assert 'kind = "html"' in block and "[sources.scrape]" not in block
    assert main(["--config", str(config), "ingest", "Harbour World"]) == 0
    assert stored(config) == sorted(s.title for s in items)


def test_a_site_with_none_of_these_gets_suggested_selectors(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    site.add("/", plain_home(site, items), content_type="text/html")
    add_articles(site, items)
    assert add(config, site.url("/"), "--write") == 0
    output = capsys.readouterr().out
    block = best_block(output)
    assert '[sources.scrape]\nitem = "div.teaser"\nlink = "h2.headline > a"' in block
    assert "review them" in output
    assert main(["--config", str(config), "ingest", "Harbour Times"]) == 0
    assert stored(config) == sorted(s.title for s in items)


def test_the_url_of_a_feed_or_sitemap_itself(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    index = sitemap_site(site, items)
    assert add(config, index) == 0
    assert "the URL itself is a sitemap" in capsys.readouterr().out


def test_write_keeps_comments_and_refuses_duplicates(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    items = make_stories()
    site.add("/feed.xml", rss(site, items), content_type="application/rss+xml")
    add_articles(site, items)
    before = config.read_text()
    assert add(config, site.url("/feed.xml"), "--write") == 0
    after = config.read_text()
    assert after.startswith(before.split("# output feeds")[0])  # every line and comment kept
    assert after.count("[[sources]]") == 2 and 'name = "Harbour Times"' in after
    assert after.index('name = "Harbour Times"') < after.index("# output feeds\n[[feeds]]")
    assert add(config, site.url("/feed.xml"), "--write", "--name", "Other") == 1
    assert "already reads" in capsys.readouterr().err
    assert add(config, site.url("/feed.xml?x=1"), "--write") == 1
    assert "already named 'Harbour Times'" in capsys.readouterr().err
    assert config.read_text() == after  # refused: the file is as it was


def test_a_source_whose_stories_cannot_be_read_is_not_written(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("/news.xml", news_sitemap(site, make_stories()), content_type="application/xml")
    before = config.read_text()  # the article pages are missing: every story is a 404
    assert add(config, site.url("/news.xml"), "--write") == 1
    assert "none of its stories could be read; not added" in capsys.readouterr().err
    assert config.read_text() == before


def test_the_size_cap_holds(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config.write_text(config.read_text().replace("timeout = 5", "timeout = 5\nmax_bytes = 2000"))
    site.add("/", plain_home(site, make_stories()) + " " * 4000, content_type="text/html")
    assert add(config, site.url("/")) == 1
    assert "exceeds max_bytes (2000 bytes)" in capsys.readouterr().err


def test_write_needs_an_operator_file(site: FixtureSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMMUNIQUE_CONFIG", raising=False)
    assert main(["add", site.url("/"), "--write"]) == 1


def test_nothing_found_and_fetch_rules_hold(
    config: Path, site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site.add("/", "<html><body><p>Nothing here.</p></body></html>", content_type="text/html")
    assert add(config, site.url("/")) == 1
    assert "no feed, sitemap or story list found" in capsys.readouterr().err
    private = config.read_text().replace("allow_private_networks = true", "")
    config.write_text(private)
    assert add(config, site.url("/")) == 1
    assert "refused to connect" in capsys.readouterr().err
    site.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    config.write_text(CONFIG.format(db=config.parent / "s.db", base=site.base))
    assert add(config, site.url("/")) == 1
    assert "disallowed by robots.txt" in capsys.readouterr().err


def stored(config: Path) -> list[str]:
    url = next(
        line.split('"')[1] for line in config.read_text().splitlines() if "sqlite:///" in line
    )
    with open_store(url).connect() as conn:
        return sorted(conn.execute(sa.select(stories.c.title)).scalars())
