"""The seed story, end to end: served in a boilerplate-heavy page over a real socket, fetched
with the real fetcher, extracted and normalized.  What must come out is fixed by the issue."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.extract import extract_article
from ingest.fetch import Fetcher
from ingest.model import FetchOptions, RawItem, SourceSpec, Story
from tests.conftest import FixtureSite, shared_path

PAGES = Path(__file__).parent / "fixtures" / "pages"
NOW = datetime(2024, 11, 20, 12, 0, tzinfo=UTC)


def seed_page(site: FixtureSite) -> tuple[str, str]:
    raw = shared_path("seed", "aggregator-rewrite.txt").read_text(encoding="utf-8")
    paras = [p.strip() for p in raw.split("\n\n") if p.strip()]
    title = paras[0]
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras)
    page = (
        (PAGES / "seed_template.html")
        .read_text(encoding="utf-8")
        .replace("{title}", html.escape(title))
        .replace("{body}", body)
        .replace("{canonical}", site.url("/world/xi-ishiba-apec"))
    )
    site.add("/world/xi-ishiba-apec", page, content_type="text/html; charset=utf-8")
    return title, site.url("/world/xi-ishiba-apec?utm_source=feed&utm_medium=rss")


@pytest.fixture
def seed_story(site: FixtureSite) -> Story:
    from ingest.normalize import normalize

    title, url = seed_page(site)
    with Fetcher(FetchOptions(allow_private_networks=True, per_host_delay=0.0)) as fetcher:
        fetched = fetcher.get(url, robots=False, accept="text/html")
    article = extract_article(fetched, None)
    item = RawItem(
        source="aggregator",
        guid=None,
        url=url,
        title=f"{title} - World Today News",
        summary_html="<p>Xi and Ishiba meet at APEC…</p>",
    )
    source = SourceSpec(name="aggregator", url=site.url("/feed.xml"))
    return normalize(item, article, source, now=NOW, key="seed")


def test_seed_title_once(seed_story: Story) -> None:
    assert seed_story.title == (
        "China and Japan Seek Stable Relations Amid Military Concerns and Seafood Import Ban"
    )
    assert seed_story.title not in seed_story.body_text
    assert seed_story.title not in seed_story.body_html


def test_seed_body_bounds(seed_story: Story) -> None:
    assert seed_story.dateline == "ANKARA"
    assert seed_story.body_text.startswith("In a significant diplomatic encounter")
    assert seed_story.body_text.endswith("potentially marking a thaw in trade relations.")
    assert seed_story.body_html.startswith("<p>In a significant diplomatic encounter")


@pytest.mark.parametrize(
    "junk",
    [
        "What were the major outcomes",
        "Interview with",
        "Dr. Tanaka",
        "Editor:",
        "Leave a Replay",
        "We use cookies",
        "Share on Facebook",
        "Related Stories",
        "newsletter",
        "Most Read",
        "All rights reserved",
        "Technology",
    ],
)
def test_seed_without_junk(seed_story: Story, junk: str) -> None:
    assert junk not in seed_story.body_text
    assert junk not in seed_story.body_html


def test_seed_tags(seed_story: Story) -> None:
    assert {"CN", "JP"} <= set(seed_story.countries)
    assert {"diplomacy", "summit"} <= set(seed_story.topics)
    assert {"Kyodo News", "Xinhua"} <= set(seed_story.attributions)
    assert 0.5 < seed_story.score <= 1.0


def test_seed_metadata(seed_story: Story, site: FixtureSite) -> None:
    assert seed_story.url == site.url("/world/xi-ishiba-apec")
    assert seed_story.published == datetime(2024, 11, 16, 5, 15, tzinfo=UTC)
    assert seed_story.outlet == "World Today News"  # og:site_name, no outlet configured
    assert seed_story.author == "Staff Writer"
    assert seed_story.language == "en"
    assert any("generated question" in note for note in seed_story.removed)
    assert any("Leave a Replay" in note for note in seed_story.removed)
    assert seed_story.summary.startswith("In a significant diplomatic encounter")
    assert len(seed_story.summary) <= 300
