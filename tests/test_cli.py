"""The command line, end to end: config errors, ingest, sources, check and export against a
real HTTP server on 127.0.0.1 and a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
import sqlalchemy as sa

from communique.cli import main
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories
from tests.conftest import FixtureSite

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour Times</title><link>{base}/</link><description>World</description>
<item><title>Japan and South Korea agree to resume shuttle diplomacy - Harbour Times</title>
<link>{base}/a/1?utm_source=rss</link><guid isPermaLink="false">ht-1</guid>
<pubDate>Mon, 18 Nov 2024 09:00:00 +0900</pubDate>
<content:encoded><![CDATA[<p>TOKYO — Japan and South Korea agreed on Monday to resume regular visits
by their leaders, officials said, after talks in Tokyo between the two foreign ministers.</p>
<p>The ministers also discussed export controls and the security situation on the Korean
peninsula, according to a statement from the Japanese Foreign Ministry.</p>
<p>Seoul welcomed the agreement as a step toward a more stable partnership.</p>]]></content:encoded>
</item>
<item><title>EU foreign ministers weigh new sanctions on Iran</title>
<link>{base}/a/2</link><guid isPermaLink="false">ht-2</guid>
<pubDate>Sun, 17 Nov 2024 15:30:00 GMT</pubDate>
<content:encoded><![CDATA[<p>BRUSSELS — European Union foreign ministers on Sunday discussed a new
package of sanctions against Iran over its supply of drones and missiles to Russia.</p>
<p>Diplomats said an agreement was expected before the end of the month, although Hungary
raised objections during the meeting in Brussels.</p>]]></content:encoded>
</item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Meridian Wire</title>
<id>urn:meridian</id><updated>2024-11-18T10:00:00Z</updated>
<link href="{base}/wire/"/>
<entry><title>Brazil hosts G20 leaders in Rio amid climate finance dispute</title>
<id>urn:meridian:77</id><link href="{base}/wire/77"/>
<updated>2024-11-18T10:00:00Z</updated><published>2024-11-18T08:00:00-03:00</published>
<content type="html">&lt;p&gt;RIO DE JANEIRO (Meridian Wire) — Leaders of the Group of 20 gathered
in Rio de Janeiro on Monday for a summit overshadowed by a dispute over climate finance and
the wars in Ukraine and the Middle East.&lt;/p&gt;&lt;p&gt;Brazilian President Luiz Inacio Lula
da Silva opened the summit with a call to fight hunger and poverty.&lt;/p&gt;</content>
</entry></feed>"""


def write_config(tmp_path: Path, site: FixtureSite, extra_sources: str = "") -> Path:
    config = tmp_path / "communique.toml"
    config.write_text(
        f"""
[store]
url = "sqlite:///{tmp_path / "store.db"}"
[fetch]
allow_private_networks = true
per_host_delay = 0
timeout = 5
[[sources]]
name = "Harbour Times"
url = "{site.url("/feed.xml")}"
full_text = false
[[sources]]
name = "Meridian Wire"
url = "{site.url("/wire.atom")}"
full_text = false
{extra_sources}
[[feeds]]
slug = "all"
title = "All stories"
[[feeds]]
slug = "sanctions"
title = "Sanctions"
include = ["sanctions"]
"""
    )
    return config


@pytest.fixture
def news_site(site: FixtureSite) -> FixtureSite:
    site.add(
        "/feed.xml",
        RSS.format(base=site.base),
        content_type="application/rss+xml",
        headers={"ETag": '"v1"'},
    )
    site.add("/wire.atom", ATOM.format(base=site.base), content_type="application/atom+xml")
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    return site


def stored_titles(config: Path) -> list[str]:
    url = next(
        line.split('"')[1]
        for line in config.read_text().splitlines()
        if line.startswith('url = "sqlite')
    )
    engine = open_store(url)
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(stories.c.title)).scalars())


def test_invalid_config_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nurl = "ftp://example.org/feed"\n')
    assert main(["--config", str(bad), "sources"]) == 2
    assert "sources[0].url" in capsys.readouterr().err


def test_unknown_key_and_wrong_type_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch]\ntimout = 3\n")
    assert main(["--config", str(bad), "sources"]) == 2
    assert "fetch.timout: unknown key" in capsys.readouterr().err
    bad.write_text('[server]\nport = "8080"\n')
    assert main(["--config", str(bad), "sources"]) == 2
    assert "server.port: expected an integer" in capsys.readouterr().err


def test_python_dash_m_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "communique", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "ingest" in result.stdout and "export" in result.stdout


def test_ingest_stores_each_story_once(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "ingest"]) == 0
    first = capsys.readouterr().out
    assert "3 new stories" in first
    titles = stored_titles(config)
    assert titles == [
        "Brazil hosts G20 leaders in Rio amid climate finance dispute",
        "EU foreign ministers weigh new sanctions on Iran",
        "Japan and South Korea agree to resume shuttle diplomacy",
    ]
    assert main(["--config", str(config), "ingest"]) == 0
    again = capsys.readouterr().out
    # Nothing changed: no row for the source, only the count (cron mails what changed).
    assert "2 sources (2 unchanged), 0 new stories, 0 failed" in again
    assert "not-modified" not in again
    assert main(["--config", str(config), "-v", "ingest"]) == 0
    assert "not-modified" in capsys.readouterr().out  # -v: every source's row
    assert stored_titles(config) == titles
    # The second poll of the RSS feed was a conditional GET answered 304.
    feed_gets = [r for r in news_site.requests if r.path == "/feed.xml"]
    assert feed_gets[-1].headers.get("If-None-Match") == '"v1"'


def test_one_broken_source_does_not_stop_the_others(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    news_site.add("/broken.xml", "<html><body>Not a feed</body></html>", content_type="text/html")
    extra = f"""
[[sources]]
name = "Gone"
url = "{news_site.url("/missing.xml")}"
[[sources]]
name = "Not a feed"
url = "{news_site.url("/broken.xml")}"
"""
    config = write_config(tmp_path, news_site, extra)
    assert main(["--config", str(config), "ingest"]) == 0
    assert len(stored_titles(config)) == 3
    capsys.readouterr()
    assert main(["--config", str(config), "sources"]) == 0
    listing = capsys.readouterr().out
    assert "404" in listing
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.connect() as conn:
        errors = dict(conn.execute(sa.select(sources.c.name, sources.c.last_error)).all())
    assert "404" in errors["Gone"]
    assert errors.get("Not a feed")
    assert errors["Harbour Times"] is None


def test_every_source_failing_exits_1(tmp_path: Path, site: FixtureSite) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "s.db"}"\n[fetch]\nallow_private_networks = true\n'
        f'[[sources]]\nname = "a"\nurl = "{site.url("/nope.xml")}"\n'
    )
    assert main(["--config", str(config), "ingest"]) == 1


def test_private_addresses_are_refused_by_default(tmp_path: Path, news_site: FixtureSite) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "s.db"}"\n'
        f'[[sources]]\nname = "local"\nurl = "{news_site.url("/feed.xml")}"\n'
    )
    assert main(["--config", str(config), "ingest"]) == 1
    assert not [r for r in news_site.requests if r.path == "/feed.xml"]


def test_export_writes_feeds_that_feedparser_reads(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "ingest"]) == 0
    out = tmp_path / "out"
    assert main(["--config", str(config), "export", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    for expected in (
        "all.atom",
        "all.rss",
        "all.json",
        "sanctions.atom",
        "index.html",
        "feeds.opml",
    ):
        assert expected in names
    stored = stored_titles(config)
    for fmt in ("atom", "rss", "json"):
        parsed = feedparser.parse((out / f"all.{fmt}").read_bytes()) if fmt != "json" else None
        if parsed is not None:
            assert not parsed.bozo, parsed.bozo_exception
            assert sorted(e.title for e in parsed.entries) == stored
            assert all(e.link.startswith("http://127.0.0.1:") for e in parsed.entries)
    sanctions = feedparser.parse((out / "sanctions.atom").read_bytes())
    assert [e.title for e in sanctions.entries] == [
        "EU foreign ministers weigh new sanctions on Iran"
    ]


def test_check_prints_what_would_be_ingested(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "check", "Harbour Times"]) == 0
    shown = capsys.readouterr().out
    assert "Japan and South Korea agree to resume shuttle diplomacy" in shown
    assert f"{news_site.base}/a/1" in shown and "utm_source" not in shown
    assert "Japan and South Korea agreed on Monday" in shown
    assert "2024-11-18T00:00:00+00:00" in shown  # 09:00 +0900 in UTC
    assert not (tmp_path / "store.db").exists()  # check never writes the store


def test_config_after_the_command_and_version(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, news_site)
    assert main(["sources", "--config", str(config)]) == 0
    assert "Harbour Times" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("communique ")


def test_check_of_an_unknown_source_lists_the_known_ones(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "check", "Nope"]) == 1
    err = capsys.readouterr().err
    assert "no source named 'Nope'" in err and "Harbour Times" in err
    assert "configuration error" not in err


def test_a_cluster_is_not_merged_with_itself(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "ingest"]) == 0
    assert main(["--config", str(config), "clusters", "merge", "1", "1"]) != 0
    assert "itself" in capsys.readouterr().err


def test_the_demo_restarted_stores_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    monkeypatch.chdir(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for _ in range(2):
        assert main(["demo", "--once", "--port", str(port)]) == 0
    capsys.readouterr()
    engine = open_store(f"sqlite:///{tmp_path / 'data' / 'demo' / 'demo.db'}")
    with engine.connect() as conn:
        urls = list(conn.execute(sa.select(stories.c.url)).scalars())
    engine.dispose()
    assert urls and len(urls) == len(set(urls)) == 20, urls


def test_the_ingest_summary_shows_whole_error_messages(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, news_site)
    private = "allow_private_networks = true"
    config.write_text(config.read_text().replace(private, "allow_private_networks = false"))
    main(["--config", str(config), "ingest"])
    table = capsys.readouterr().out
    words = " ".join(table.replace("│", " ").split())
    # "[fetch]" is not taken for markup, and the message is not cut short.
    for part in ("[fetch]", "allow_private_networks", "to allow"):
        assert part in words, table


def test_an_empty_feed_is_dated_from_its_creation_not_1970(
    tmp_path: Path, news_site: FixtureSite
) -> None:
    config = write_config(tmp_path, news_site)
    config.write_text(
        config.read_text() + '[[feeds]]\nslug = "empty"\ntitle = "Nothing yet"\n'
        'include = ["no-such-word-anywhere"]\n'
    )
    before = datetime.now(UTC).replace(microsecond=0)
    assert main(["--config", str(config), "ingest"]) == 0
    out = tmp_path / "out"
    assert main(["--config", str(config), "export", str(out)]) == 0
    first = feedparser.parse((out / "empty.atom").read_bytes())
    assert not first.bozo and first.entries == []
    created = datetime(*first.feed.updated_parsed[:6], tzinfo=UTC)
    assert before <= created <= datetime.now(UTC)
    assert json.loads((out / "empty.json").read_text())["items"] == []
    # A later run keeps the feed's creation time: its `updated` does not move by itself.
    assert main(["--config", str(config), "ingest"]) == 0
    again = tmp_path / "again"
    assert main(["--config", str(config), "export", str(again)]) == 0
    assert (again / "empty.atom").read_bytes() == (out / "empty.atom").read_bytes()


ARTICLE_PAGE = """<!doctype html><html lang="en"><head><title>Harbour Times</title>
<meta property="article:published_time" content="2024-11-18T09:00:00+09:00"></head><body>
<nav><a href="/">Home</a> · <a href="/world">World</a></nav>
<article><h1>Japan and Vietnam sign a semiconductor supply pact</h1>
<p>TOKYO — Japan and Vietnam signed an agreement on Monday to secure supplies of chips and
rare earths, the two governments said after talks between their prime ministers.</p>
<p>The pact covers joint stockpiles, research funding and training for engineers, and
follows two years of negotiations between the trade ministries of both countries.</p>
<p>Officials said the first projects would start next year in Hanoi and Osaka.</p>
<p>Sign up for our newsletter to get the day's news every morning.</p>
</article><footer>© Harbour Times</footer></body></html>"""


def test_check_of_an_article_page_url_shows_the_story_it_holds(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    # An operator checks an outlet's article before adding the outlet: not a feed, not a
    # listing, so the page is shown as the one story it is, cuts and tags included.
    news_site.add("/world/pact", ARTICLE_PAGE, content_type="text/html; charset=utf-8")
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "check", news_site.url("/world/pact")]) == 0
    shown = capsys.readouterr().out
    assert "read as one article page" in shown
    assert "Japan and Vietnam sign a semiconductor supply pact" in shown
    assert "Japan and Vietnam signed an agreement on Monday" in shown
    assert "dateline:  TOKYO" in shown and "JP, VN" in shown
    assert "outlet:    127.0.0.1\n" in shown  # the page names no site: its host, not its URL
    cuts = [line for line in shown.splitlines() if line.lstrip().startswith("cut")]
    assert any("newsletter" in line for line in cuts)
    assert not any("newsletter" in line for line in shown.splitlines() if "|" in line)
    assert [r.path for r in news_site.requests].count("/world/pact") == 1  # fetched once


RIVER_PAGE = """<!doctype html><html lang="en"><head><title>Harbour Times</title>
<meta property="article:published_time" content="2024-11-18T09:00:00+03:00"></head><body>
<article><h1>Kenya and Ethiopia agree to share Omo river data</h1>
<p>NAIROBI — Kenya and Ethiopia will share water-flow data from the Omo river under a plan
agreed by their water ministers in Nairobi on Monday, the two governments said.</p>
<p>Readings from four gauging stations on the river will be published every week, and
engineers from both countries will check the stations together twice a year.</p>
<p>Fishing communities around Lake Turkana, which the Omo feeds, have long asked for the
readings, saying the lake's level has fallen since dams were built upstream.</p>
<p>The first readings are due in March, officials in Nairobi and Addis Ababa said.</p>
</article></body></html>"""


def test_check_says_which_tags_the_learned_model_added(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """No diplomatic wording matched, the model was sure: the operator is told so."""
    news_site.add("/africa/omo", RIVER_PAGE, content_type="text/html; charset=utf-8")
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "check", news_site.url("/africa/omo")]) == 0
    topics = next(line for line in capsys.readouterr().out.splitlines() if "topics:" in line)
    assert "diplomacy" in topics and "diplomacy by the learned model" in topics


def test_check_of_a_url_that_is_no_feed_nor_page_says_why(
    tmp_path: Path, news_site: FixtureSite, capsys: pytest.CaptureFixture[str]
) -> None:
    news_site.add("/data.json", '{"not": "a feed"}', content_type="application/json")
    config = write_config(tmp_path, news_site)
    assert main(["--config", str(config), "check", news_site.url("/data.json")]) == 1
    assert news_site.url("/data.json") in capsys.readouterr().err


def test_a_script_without_a_main_guard_still_ingests_and_says_why_workers_refuse(
    tmp_path: Path, news_site: FixtureSite
) -> None:
    # The process pool's workers are spawned: each re-runs an unguarded script as it
    # starts. communique refuses to run there (naming the fix), the worker starts, and the
    # script's own run does the work.
    from communique.cli import UNGUARDED

    config = write_config(tmp_path, news_site)
    script = tmp_path / "nightly.py"
    script.write_text(
        f"from communique.cli import run\nrun(['--config', {str(config)!r}, 'ingest'])\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "3 new stories, 0 failed" in out.stdout
    assert UNGUARDED in out.stderr and "Traceback" not in out.stderr


def test_importing_multiprocessing_does_not_make_a_process_a_starting_worker() -> None:
    # multiprocessing names every importer's __main__ "__mp_main__" too; only a worker
    # re-running its parent's script has the two apart.
    import multiprocessing  # noqa: F401

    from communique.cli import _starting_pool_worker

    assert sys.modules.get("__mp_main__") is sys.modules.get("__main__")
    assert not _starting_pool_worker()
