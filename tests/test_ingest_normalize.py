"""Normalization: full-text decision, title, body, dates, fields and invariants of Story."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from ingest.errors import ParseError
from ingest.html_tree import html_to_text
from ingest.model import Article, RawItem, SourceSpec
from ingest.normalize import clean_title, content_hash, normalize, summarize
from ingest.teaser import cut_off, needs_full_text

NOW = datetime(2024, 11, 20, 12, 0, tzinfo=UTC)
SOURCE = SourceSpec(name="wire", url="https://wire.example/feed")
LONG = " ".join(["The ministers agreed to meet again next month in Geneva."] * 20)
BODY = (
    "<p>TOKYO (Reuters) - Japan and China agreed on Friday to hold regular talks, "
    "Kyodo News said.</p><p>The foreign ministers will meet again in Beijing next month.</p>"
)


def item(**kw: object) -> RawItem:
    base = {"source": "wire", "guid": "g1", "url": "https://wire.example/a?utm_source=x",
            "title": "Japan, China agree to talk", "content_html": BODY}  # fmt: skip
    base.update(kw)
    return RawItem(**base)  # type: ignore[arg-type]


def story(it: RawItem | None = None, article: Article | None = None, source: SourceSpec = SOURCE):
    return normalize(it or item(), article, source, now=NOW, key="k")


# --- needs_full_text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "content", "expected"),
    [
        ("always", LONG, True),
        ("never", None, False),
        ("auto", None, True),
        ("auto", "<p>A short teaser.</p>", True),
        ("auto", f"<p>{LONG}</p>", False),
        ("auto", f"<p>{LONG} …</p>", True),
        ("auto", f"<p>{LONG}</p><p><a href='/x'>Continue reading</a></p>", True),
    ],
)
def test_needs_full_text(mode: str, content: str | None, expected: bool) -> None:
    source = dataclasses.replace(SOURCE, full_text=mode)  # type: ignore[arg-type]
    assert needs_full_text(item(content_html=content), source) is expected


# --- title ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "outlets", "expected"),
    [
        ("Talks resume - The Japan Times", ("The Japan Times",), "Talks resume"),
        ("Talks resume | Xinhua", (), "Talks resume"),
        ("Talks resume — Reuters", (), "Talks resume"),
        ("Talks resume | Some Site Name", (), "Talks resume"),
        ("Biden - a profile", (), "Biden - a profile"),
        # Titles arrive as plain text (the readers decode HTML titles): nothing is eaten.
        ("1 < 2 and 3 > 2  \n talks\x0b", (), "1 < 2 and 3 > 2 talks"),
        ("AT&amp;T", (), "AT&amp;T"),
        ("\u202eevil\u2066 title", (), "evil title"),
    ],
)
def test_clean_title(raw: str, outlets: tuple[str, ...], expected: str) -> None:
    assert clean_title(raw, outlets) == expected


def test_a_huge_title_is_cut_at_a_word() -> None:
    title = clean_title("word " * 300_000)
    assert len(title) <= 300 and title.endswith("word…")


# --- story fields --------------------------------------------------------------------------


def test_story_fields_from_a_feed_item() -> None:
    s = story()
    assert s.url == "https://wire.example/a"
    assert s.title == "Japan, China agree to talk"
    assert s.dateline == "TOKYO"
    assert s.body_text.startswith("Japan and China agreed on Friday")
    assert "Reuters" not in s.body_html.split("</p>")[0]
    assert s.attributions == ("Reuters", "Kyodo News")
    assert s.countries == ("CN", "JP")
    assert "diplomacy" in s.topics and 0 < s.score <= 1
    assert s.outlet == "wire"
    assert s.language == "en"
    assert s.word_count == len(s.body_text.replace(",", " ").replace(".", " ").split())
    assert s.summary.startswith("Japan and China agreed")
    assert s.first_seen == NOW and s.published == NOW  # no date anywhere: first seen


def test_article_wins_for_url_and_body() -> None:
    article = Article(
        url="https://wire.example/a",
        body_html="<p>" + LONG + "</p>",
        canonical_url="/canonical/a",
        title="Ignored when the item has one",
        published_raw="Nov. 16, 2024 10:30 a.m. EST",
        author="A. Writer",
        language="fr-FR",
        site_name="Wire Site",
        removed=("removed 3 blocks matching .share",),
    )
    s = story(item(title=None, published_raw=None), article)
    assert s.url == "https://wire.example/canonical/a"
    assert s.title == "Ignored when the item has one"
    assert s.body_text == LONG
    assert s.published == datetime(2024, 11, 16, 15, 30, tzinfo=UTC)
    assert s.published_raw == "Nov. 16, 2024 10:30 a.m. EST"
    assert s.author == "A. Writer"
    assert s.language == "fr"  # declared beats detected
    assert s.outlet == "Wire Site"
    assert "removed 3 blocks matching .share" in s.removed


def test_canonical_on_another_site_is_ignored() -> None:
    article = Article(url="https://wire.example/a", body_html="<p>x</p>",
                      canonical_url="https://other.example/a")  # fmt: skip
    assert story(item(), article).url == "https://wire.example/a"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sat, 16 Nov 2024 10:30:00 JST", datetime(2024, 11, 16, 1, 30, tzinfo=UTC)),
        ("2024-11-16 10:30 PST", datetime(2024, 11, 16, 18, 30, tzinfo=UTC)),
        ("16 November 2024 10:30 BST", datetime(2024, 11, 16, 9, 30, tzinfo=UTC)),
        ("2024-11-16T10:30:00+01:00", datetime(2024, 11, 16, 9, 30, tzinfo=UTC)),
        ("2030-01-01T00:00:00Z", NOW),  # future: clamped to first seen
        ("not a date", NOW),
    ],
)
def test_published(raw: str, expected: datetime) -> None:
    s = story(item(published_raw=raw))
    assert s.published == expected and s.published.tzinfo is UTC
    assert s.published_raw == raw


def test_feed_date_wins_and_small_future_tolerated() -> None:
    soon = NOW + timedelta(minutes=5)
    assert story(item(published=soon, published_raw="2020-01-01")).published == soon


def test_outlet_and_language_fallbacks() -> None:
    assert story(item(feed_title="Wire Feed")).outlet == "Wire Feed"
    configured = dataclasses.replace(SOURCE, outlet="Wire Agency", language="de")
    s = story(item(feed_title="Wire Feed"), source=configured)
    assert (s.outlet, s.language) == ("Wire Agency", "de")
    french = "<p>Le ministre a rencontré son homologue à Genève pour discuter de la sécurité.</p>"
    assert story(item(content_html=french, title="Rencontre à Genève")).language == "fr"


def test_plain_text_content_with_junk() -> None:
    text = (
        "Japan, China agree to talk\n\nANKARA—Officials met on Friday and agreed on a plan "
        "for talks next month in Lima.\n\nWhat were the major outcomes of the meeting?"
        "\n\nLeave a Replay"
    )
    s = story(item(content_html=text))
    assert (
        s.body_text == "Officials met on Friday and agreed on a plan for talks next month in Lima."
    )
    assert s.dateline == "ANKARA"


def test_xml_illegal_characters_never_reach_the_story() -> None:
    s = story(item(title="Talks\x00 resume\x1f", content_html="<p>Bad\x0b char\ufffe here.</p>",
                   author="A\x08B"))  # fmt: skip
    for value in (s.title, s.body_text, s.body_html, s.summary, s.author or ""):
        assert not any(ch in value for ch in "\x00\x1f\x0b\ufffe\x08")


def test_no_title_and_no_text_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="item has no title and no text"):
        story(item(title=None, content_html=None, summary_html="<p> </p>"))


def test_title_falls_back_to_body() -> None:
    s = story(item(title=None))
    assert s.title.startswith("Japan and China agreed")


def test_content_hash_folds_case_and_space() -> None:
    assert content_hash("Hello  World\n\nAgain") == content_hash("hello world again")
    assert content_hash("a") != content_hash("b")


def test_summary_two_sentences_and_limit() -> None:
    assert summarize("One. Two! Three?") == "One. Two!"
    long = summarize("word " * 200)
    assert len(long) <= 300 and long.endswith("…")


def test_a_description_that_holds_the_whole_story_is_not_a_teaser() -> None:
    source = dataclasses.replace(SOURCE, full_text="auto")
    assert needs_full_text(item(content_html=None, summary_html=f"<p>{LONG}</p>"), source) is False
    teaser = item(content_html=None, summary_html="<p>Ministers met in Oslo. Read more</p>")
    assert needs_full_text(teaser, source) is True
    # WordPress's feed: the excerpt's "[…]" comes before the signature line.
    long_cut = (
        f"<p>{LONG} The [&#8230;]</p><p>The post <a>Talks</a> appeared first on"
        " <a>North Ledger</a>.</p>"
    )
    assert cut_off(html_to_text(long_cut)) and not cut_off(LONG)
    assert needs_full_text(item(content_html=None, summary_html=long_cut), source) is True


def test_two_states_acting_in_the_headline_are_diplomacy_in_any_words() -> None:
    # No topic's wording ("joint training", "air forces"): the headline's two states at
    # work are relations between states, scored as the least diplomacy the topics give,
    # so that the bundled diplomacy feed (min_score 0.3) carries it.
    got = story(
        item(
            title="Chilean, Argentine air forces conclude joint training over Patagonia",
            content_html="<p>PUNTA ARENAS — Pilots of the Chilean and Argentine air forces "
            "ended ten days of joint training over Patagonia on Friday, both defence "
            "ministries said.</p><p>The exercise involved 14 aircraft.</p>",
        )
    )
    assert "diplomacy" in got.topics and got.countries == ("AR", "CL")
    assert got.score >= 0.3 and got.learned == ()
    one_state = story(
        item(
            title="Chilean air force concludes training over Patagonia",
            content_html="<p>PUNTA ARENAS — Chilean Air Force pilots ended ten days of "
            "training over Patagonia on Friday, the defence ministry said.</p>",
        )
    )
    assert "diplomacy" not in one_state.topics


def test_a_cut_off_feed_text_longer_than_the_page_gives_way_to_the_page() -> None:
    # A WordPress excerpt with its signature outweighs a short story's page; it is still
    # a teaser, and the page is the story.
    from ingest.digest import choose_article
    from ingest.model import Fetched

    story = (
        "<p>Iran imposed sanctions on eleven officials of the bloc on Friday, three days"
        " after the bloc listed Iranian officials over drone deliveries.</p><p>The foreign"
        " ministry said those named would face entry bans and asset seizures.</p><p>The"
        " bloc's diplomatic service said the step would not alter its policy.</p>"
    )
    page = f"<html><body><article><h1>Iran answers</h1>{story}</article></body></html>"
    excerpt = (
        f"<p>{LONG[:400]} The [&#8230;]</p><p>The post <a>Iran answers</a> appeared first"
        " on <a>North Ledger</a>.</p>"
    )
    source = dataclasses.replace(SOURCE, full_text="auto")
    fetched = Fetched(url="http://x/a", final_url="http://x/a", status=200, headers={},
                      body=page.encode())  # fmt: skip
    article = choose_article(item(content_html=None, summary_html=excerpt), fetched, source)
    assert article is not None and "appeared first" not in article.body_html
