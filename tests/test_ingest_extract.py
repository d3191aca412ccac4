"""Article extraction: decoding, metadata, source rules, the generic extractor, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.errors import ExtractError
from ingest.extract import decode_page, extract_article
from ingest.fetch import Fetcher
from ingest.html_tree import html_to_text
from ingest.model import ArticleRules, Fetched, FetchOptions
from tests.conftest import FixtureSite

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://news.example.org/world/story"
STORY = (
    "<p>Le ministre des Affaires étrangères a reçu son homologue à Genève, où les deux "
    "délégations ont discuté pendant trois heures de la sécurité régionale, du commerce et "
    "des visas. « Nous avons progressé », a déclaré le ministre à la presse après la réunion.</p>"
    "<p>Les négociations reprendront le mois prochain à Bruxelles, selon un communiqué commun "
    "publié jeudi soir par les deux ministères, qui évoque une feuille de route détaillée.</p>"
)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def fetched(body: bytes, content_type: str | None = "text/html") -> Fetched:
    headers = {"content-type": content_type} if content_type else {}
    return Fetched(url=URL, final_url=URL, status=200, headers=headers, body=body)


def french_page(charset_meta: str = "") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    head = f"<head>{meta}<title>Diplomatie</title></head>"
    return f"<html>{head}<body><article>{STORY}</article></body></html>"


# --- decoding ------------------------------------------------------------------------------


def test_http_charset_is_honoured() -> None:
    body = french_page().encode("cp1252")
    text = decode_page(body, "text/html; charset=windows-1252")
    assert "Affaires étrangères" in text and "« Nous" in text


def test_meta_charset_is_honoured() -> None:
    body = french_page("iso-8859-15").encode("iso-8859-15")
    assert "homologue à Genève" in decode_page(body, "text/html")


def test_wrong_http_charset_utf8_bytes_still_decode() -> None:
    # The server says Latin-1, the bytes are UTF-8: mojibake ("Ã©") must not come out.
    body = french_page("utf-8").encode("utf-8")
    article = extract_article(fetched(body, "text/html; charset=iso-8859-1"), None)
    text = html_to_text(article.body_html)
    assert "Affaires étrangères" in text
    assert "Ã" not in text


def test_missing_charset_legacy_bytes_are_detected() -> None:
    body = french_page().encode("cp1252")
    article = extract_article(fetched(body, None), None)
    assert "délégations" in html_to_text(article.body_html)


def test_wrong_meta_charset_falls_back() -> None:
    # Declared UTF-8, written in cp1252: the declared charset fails, detection takes over.
    body = french_page("utf-8").encode("cp1252")
    assert "homologue à Genève" in decode_page(body, "text/html; charset=utf-8")


# --- metadata ------------------------------------------------------------------------------


def test_metadata_from_the_boilerplate_page() -> None:
    article = extract_article(fetched(page("boilerplate.html")), None)
    assert article.title == "Foreign ministers agree on Arctic council roadmap"
    assert (
        article.canonical_url == "https://ledger.example.org/world/arctic-roadmap/?utm_source=rss"
    )
    assert article.published_raw == "Published: Nov. 16, 2024 10:30 a.m. EST"  # visible line
    assert article.language == "en-GB"
    assert article.site_name == "Northern Ledger"
    assert article.url == URL


def test_metadata_prefers_declared_values() -> None:
    html = (
        '<html lang="ja"><head><link rel="canonical" href="/c/1">'
        '<meta property="og:url" content="https://x.example/og">'
        '<meta name="author" content="Aiko Sato">'
        '<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle",'
        '"datePublished":"2024-11-16T09:00:00+09:00","publisher":{"name":"Kyodo"}}]}</script>'
        "</head><body><time datetime='2020-01-01'>old</time>"
        f"<article>{STORY}</article></body></html>"
    )
    article = extract_article(fetched(html.encode()), None)
    assert article.canonical_url == "/c/1"  # resolved and vetted by normalize
    assert article.published_raw == "2024-11-16T09:00:00+09:00"
    assert article.author == "Aiko Sato"
    assert article.site_name == "Kyodo"
    assert article.language == "ja"


# --- source rules --------------------------------------------------------------------------


def test_rules_body_remove_title_date_author() -> None:
    rules = ArticleRules(
        body="div.story-body",
        title="h2.headline",
        date="span.when@data-ts",
        author="span.writer",
        remove=(".share", ".promo-box", ".absent"),
    )
    article = extract_article(fetched(page("rules_page.html")), rules)
    text = html_to_text(article.body_html)
    assert text.startswith("TOKYO (Kyodo) - The water ministers")
    assert text.endswith("reviewed every five years.")
    assert "Share this story" not in text and "Subscribe" not in text
    assert article.title == "Ministers sign water-sharing accord"
    assert article.published_raw == "2024-11-16 09:00 JST"
    assert article.author == "Aiko Sato"
    assert "removed 1 block matching .share" in article.removed
    assert "removed 1 block matching .promo-box" in article.removed


def test_rules_selector_matching_nothing_names_it() -> None:
    rules = ArticleRules(body="div.article-text")
    with pytest.raises(
        ExtractError, match=r"article\.body selector 'div\.article-text' matched nothing"
    ):
        extract_article(fetched(page("rules_page.html")), rules)


# --- bad input -----------------------------------------------------------------------------


def test_broken_but_readable_html_still_extracts() -> None:
    broken = (
        "<html><head><title>Talks</title><body><div><article><p>"
        + STORY.replace("</p>", "").replace("<p>", "<p><b>")
        + "<div><span>unclosed"
    )
    article = extract_article(fetched(broken.encode()), None)
    assert "homologue à Genève" in html_to_text(article.body_html)


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (b"", "page is empty"),
        (b"\x00\x01\x02\x03" * 200, "binary"),
        (b"just some words and no markup at all " * 20, "broken HTML"),
    ],
)
def test_undecodable_or_broken_pages_raise(body: bytes, cause: str) -> None:
    with pytest.raises(ExtractError, match=cause):
        extract_article(fetched(body), None)


def test_listing_page_is_not_an_article() -> None:
    with pytest.raises(ExtractError, match="not an article"):
        extract_article(fetched(page("listing.html")), None)


def test_not_found_page_names_the_cause() -> None:
    with pytest.raises(ExtractError, match="Page not found"):
        extract_article(fetched(page("not_found.html")), None)


def test_over_the_wire_with_wrong_charset(site: FixtureSite) -> None:
    site.add("/p", french_page().encode("cp1252"), content_type="text/html; charset=utf-8")
    with Fetcher(FetchOptions(allow_private_networks=True, per_host_delay=0.0)) as fetcher:
        got = fetcher.get(site.url("/p"), robots=False, accept="text/html")
    article = extract_article(got, None)
    assert "Affaires étrangères" in html_to_text(article.body_html)


def test_a_story_told_in_bare_divs_beside_paragraphs_is_kept_whole() -> None:
    # A Blogger post (a tuning outlet's page): its paragraphs are <div>s with
    # "<div><br></div>" between them, and an appended block in <p>s follows. That block
    # alone was the story extracted.
    outlet = Path(__file__).parent / "fixtures" / "outlets" / "tuning" / "globe-roundup"
    url = "{{BASE}}/globe-roundup/2025/10/vietnam-and-philippines-launch-coast.html"
    label = next(
        a
        for a in json.loads((outlet / "labels.json").read_text(encoding="utf-8"))["articles"]
        if a["url"] == url
    )
    body = (outlet / "site/2025/10/vietnam-and-philippines-launch-coast.html").read_bytes()
    text = html_to_text(extract_article(fetched(body), None).body_html)
    for paragraph in label["body"][1:]:
        assert paragraph in text


def test_a_date_selector_that_finds_an_update_stamp_yields_to_the_declared_time() -> None:
    # An Arc-like page: the operator's selector finds the "Updated" stamp, which names no
    # day; the page declares when it was published.
    html = (
        '<html><head><meta property="article:published_time"'
        ' content="2026-06-25T13:48:00-04:00"></head><body><div class="timestamps">'
        '<time datetime="2026-06-25T15:10:00-04:00">Updated 3:10 p.m. EDT</time></div>'
        f'<div class="article-body">{STORY}</div></body></html>'
    )
    rules = ArticleRules(body="div.article-body", date="div.timestamps time")
    article = extract_article(fetched(html.encode()), rules)
    assert article.published_raw == "2026-06-25T13:48:00-04:00"
    # Without it, the stamp's own <time datetime> is the best date the page gives.
    bare = html.replace('<meta property="article:published_time"', "<meta")
    got = extract_article(fetched(bare.encode()), rules).published_raw
    assert got == "2026-06-25T15:10:00-04:00"


def test_a_standfirst_in_a_class_of_its_own_is_not_the_story() -> None:
    # Written for this test: a Guardian-like "standfirst", an Arc-like "dek", a Drupal field.
    for box in (
        '<p class="standfirst">Both sides claim the upper hand after a night of talks.</p>',
        '<h2 class="article__dek">Both sides claim the upper hand after a night of talks.</h2>',
        '<div class="field--name-field-standfirst"><div class="field__item">Both sides claim'
        " the upper hand after a night of talks.</div></div>",
    ):
        html = (
            f"<html><body><article><h1>Talks end in Oslo</h1>{box}{STORY}</article></body></html>"
        )
        article = extract_article(fetched(html.encode()), None)
        text = html_to_text(article.body_html)
        assert "upper hand" not in text and text.startswith(html_to_text(STORY)[:40])
        assert any("standfirst" in note and "upper hand" in note for note in article.removed)


def test_a_visible_date_line_with_a_time_beats_the_site_bar_with_the_day() -> None:
    html = (
        '<html><body><div id="top-bar">Friday 23 October 2026</div>'
        '<h1>Talks end in Oslo</h1><div class="submitted">Published on: 23/10/2026 - 11:25'
        f"</div><div>{STORY}</div></body></html>"
    )
    assert extract_article(fetched(html.encode()), None).published_raw == (
        "Published on: 23/10/2026 - 11:25"
    )
