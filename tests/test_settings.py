"""Configuration: the bundled default, overlays, environment overrides, and errors that name
the offending key."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from communique.settings import DEFAULT_CONFIG, load_settings
from ingest.errors import ConfigError

STARTER_FEEDS = {
    "https://news.un.org/feed/subscribe/en/news/all/rss.xml",
    "https://news.un.org/feed/subscribe/en/news/topic/peace-and-security/feed/rss.xml",
    "https://www.aa.com.tr/en/rss/default?cat=world",
    "https://www.japantimes.co.jp/feed/",
    "https://www.aljazeera.com/xml/rss/all.xml",
    "https://rss.dw.com/xml/rss-en-world",
    "https://www.chinadaily.com.cn/rss/world_rss.xml",
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMMUNIQUE_CONFIG", raising=False)
    monkeypatch.delenv("COMMUNIQUE_STORE_URL", raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def test_bundled_default() -> None:
    s = load_settings()
    assert s.store.url == "sqlite:///data/communique.db"
    assert (s.server.host, s.server.port) == ("127.0.0.1", 8080)
    assert s.base_url == "http://127.0.0.1:8080/"
    assert {src.url for src in s.sources} == STARTER_FEEDS
    assert all(src.interval == 900 and src.kind == "feed" for src in s.sources)
    assert [f.slug for f in s.feeds] == ["all", "diplomacy"]
    assert s.fetch.allow_private_networks is False


def test_every_key_of_the_bundled_file_is_commented() -> None:
    """Each key is either right under a comment (with the keys grouped with it) or named in
    the documentation comments (the [[sources]] and [[feeds]] key lists)."""
    lines = DEFAULT_CONFIG.read_text().splitlines()
    documented = " ".join(line for line in lines if line.startswith("#"))
    uncommented = []
    for i, line in enumerate(lines):
        if not re.match(r"^[a-z_]+\s*=", line):
            continue
        key = line.split("=")[0].strip()
        above = i - 1
        while above >= 0 and re.match(r"^[a-z_]+\s*=", lines[above]):
            above -= 1
        grouped_under_comment = above >= 0 and lines[above].startswith("#")
        if not grouped_under_comment and not re.search(rf"\b{key}\b", documented):
            uncommented.append(key)
    assert not uncommented


def test_a_partial_file_overlays_the_defaults(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, '[server]\nport = 9090\n[fetch]\ntimeout = "1m"\n'))
    assert s.server.port == 9090 and s.server.host == "127.0.0.1"
    assert s.fetch.timeout == 60 and s.fetch.max_bytes == 10485760
    assert len(s.sources) == 7  # not given: the default list stays


def test_sources_in_a_file_replace_the_default_list(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, '[[sources]]\nname = "a"\nurl = "https://a.example/f"\n'))
    assert [src.name for src in s.sources] == ["a"]


def test_environment_selects_file_and_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMUNIQUE_CONFIG", str(write(tmp_path, "[server]\nport = 9191\n")))
    monkeypatch.setenv("COMMUNIQUE_STORE_URL", "postgresql://postgres@127.0.0.1/test")
    s = load_settings()
    assert s.server.port == 9191
    assert s.store.url == "postgresql://postgres@127.0.0.1/test"


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("bogus = 1", "bogus", "unknown key"),
        ("[fetch]\ntimout = 3", "fetch.timout", "unknown key"),
        ('[server]\nport = "80"', "server.port", "expected an integer"),
        ("[server]\nport = 70000", "server.port", "1..65535"),
        ("[fetch]\nallow_private_networks = 1", "fetch.allow_private_networks", "true or false"),
        ('[fetch]\ntimeout = "soon"', "fetch.timeout", "duration"),
        ('[dedupe]\nwindow_hours = "3d"', "dedupe.window_hours", "expected a number"),
        ('[[sources]]\nname = "a"\nurl = "ftp://x/f"', "sources[0].url", "http(s) URL"),
        ('[[sources]]\nurl = "https://x/f"', "sources[0]", "missing required key 'name'"),
        ("[fetch]\ntimeout = 0", "fetch.timeout", "more than 0"),
        ("[fetch]\ntimeout = inf", "fetch.timeout", "finite"),
        ("[fetch]\nmax_bytes = -1", "fetch.max_bytes", "negative"),
        ("[fetch]\nmax_bytes = 0", "fetch.max_bytes", "at least 1"),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/f"\ninterval = nan',
            "sources[0].interval",
            "finite",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/f"\ninterval = 1e308',
            "sources[0].interval",
            "a year",
        ),
        ('[[sources]]\nname = "a"\nurl = "https://x/f x"', "sources[0].url", "no spaces"),
        ('[[sources]]\nname = "a"\nurl = "sqlite:///etc/passwd"', "sources[0].url", "http(s) URL"),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/f"\nmax_items = 0',
            "sources[0].max_items",
            "at least 1",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/f"\ntimezone = "Mars/Base"',
            "sources[0].timezone",
            "IANA",
        ),
        ('[store]\nurl = "mysql://x/y"', "store.url", "not a store URL"),
        ('[log]\nlevel = "LOUD"', "log.level", "one of"),
        (
            '[[feeds]]\nslug = "x"\ntitle = "t"\ncountries = ["XX"]',
            "feeds[0].countries[0]",
            "ISO 3166",
        ),
        (
            '[[feeds]]\nslug = "x"\ntitle = "t"\ncountries = ["Japan"]',
            "feeds[0].countries[0]",
            "ISO 3166",
        ),
        (
            '[[feeds]]\nslug = "x"\ntitle = "t"\ntopics = ["sumit"]',
            "feeds[0].topics[0]",
            "unknown topic",
        ),
        ('[[feeds]]\nslug = "x"\ntitle = "t"\nmin_score = 3', "feeds[0].min_score", "0 to 1"),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/1"\n[[sources]]\nname = "a"\nurl = "https://x/2"',
            "sources[1].name",
            "duplicate",
        ),
        ('[[sources]]\nname = "a"\nurl = "https://x/f"\nkind = "rss"', "sources[0].kind", "one of"),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/s.xml"\nkind = "sitemap"\nfull_text = false',
            "sources[0].full_text",
            "always fetched",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/s.xml"\nkind = "sitemap"\n'
            '[sources.scrape]\nitem = "li"\nlink = "a"',
            "sources[0].scrape",
            "no selectors",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/s.xml"\nkind = "sitemap"\nmax_age = "2w"',
            "sources[0].max_age",
            "duration",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/"\nkind = "html"\n[sources.scrape]\n'
            'item = "div[["\nlink = "a"',
            "sources[0].scrape.item",
            "invalid CSS selector",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://x/"\n'
            '[sources.article]\nremove = [".ok", "p >"]',
            "sources[0].article.remove[1]",
            "invalid CSS selector",
        ),
        ('[[feeds]]\nslug = "Bad Slug"\ntitle = "t"', "feeds[0].slug", "lower-case"),
        ('[[feeds]]\nslug = "x"\ntitle = "t"\nexclude = ["/[/"]', "feeds[0].exclude[0]", "regular"),
        (
            '[[feeds]]\nslug = "x"\ntitle = "t"\nsources = ["nope"]',
            "feeds[0].sources[0]",
            "no source",
        ),
        ('[[feeds]]\nslug = "x"\ntitle = "t"\ngroup = "story"', "feeds[0].group", "one of"),
        ("[dedupe]\nbands = 7", "dedupe.bands", "divide"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    message = str(caught.value)
    assert message.startswith(key + ":") or message.startswith(key + " "), message
    assert words in message


def test_not_toml_and_missing_file_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[server\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml")


def test_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[log]\nlevel = "\xff"\n')
    with pytest.raises(ConfigError, match="is not UTF-8"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="is a directory"):
        load_settings(tmp_path)


def test_an_at_sign_inside_an_attribute_selector_is_accepted(tmp_path: Path) -> None:
    text = (
        '[[sources]]\nname = "a"\nurl = "https://x/"\nkind = "html"\n[sources.scrape]\n'
        'item = "li"\nlink = \'a[href^="@"]@href\'\n'
    )
    assert load_settings(write(tmp_path, text)).sources[0].scrape.link == 'a[href^="@"]@href'


def test_one_string_where_a_list_goes_is_a_list_of_one(tmp_path: Path) -> None:
    text = '[[sources]]\nname = "a"\nurl = "https://x/"\n[sources.article]\nremove = ".ad"\n'
    assert load_settings(write(tmp_path, text)).sources[0].article.remove == (".ad",)


def test_full_text_takes_booleans_and_auto(tmp_path: Path) -> None:
    base = '[[sources]]\nname = "{n}"\nurl = "https://x/{n}"\nfull_text = {v}\n'
    text = "".join(
        base.format(n=n, v=v) for n, v in (("a", "true"), ("b", "false"), ("c", '"auto"'))
    )
    s = load_settings(write(tmp_path, text))
    assert [src.full_text for src in s.sources] == ["always", "never", "auto"]


def test_a_sitemap_source_reads_max_age_as_a_duration(tmp_path: Path) -> None:
    text = '[[sources]]\nname = "a"\nurl = "https://x/s.xml"\nkind = "sitemap"\n'
    assert load_settings(write(tmp_path, text)).sources[0].max_age == 2 * 86400
    s = load_settings(write(tmp_path, text + 'max_age = "6h"\n'))
    assert (s.sources[0].kind, s.sources[0].max_age) == ("sitemap", 6 * 3600)


def test_the_bundled_default_ships_inside_the_package(tmp_path: Path) -> None:
    # An installed wheel has no config/ folder: the package carries the file itself (a link
    # in the source tree, a copy in what setuptools builds).
    root = Path(__file__).resolve().parents[1]
    assert (root / "config" / "communique.toml").resolve() == DEFAULT_CONFIG
    build = tmp_path / "build"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "egg_info",
            "-e",
            str(tmp_path),
            "build_py",
            "-d",
            str(build),
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    shipped = build / "communique" / "default.toml"
    assert shipped.is_file() and not shipped.is_symlink()
    assert shipped.read_bytes() == DEFAULT_CONFIG.read_bytes()
