"""Listing pages → ParsedFeed with the CSS rules of ``[sources.scrape]``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ingest.errors import ParseError
from ingest.fetch import Fetcher
from ingest.model import Fetched, FetchOptions, ScrapeRules, SourceSpec
from ingest.scrape import check_selector, scrape_listing, select_value, split_selector

FIXTURES = Path(__file__).parent / "fixtures" / "listing"
PAGE_URL = "https://ministry.example/press/"
TEASERS = ScrapeRules(item="article.teaser", link="a.headline", summary="p.dek")


def source(rules: ScrapeRules, name: str = "mfa") -> SourceSpec:
    return SourceSpec(name=name, url=PAGE_URL, kind="html", scrape=rules)


def page(name: str, content_type: str = "text/html; charset=utf-8") -> Fetched:
    body = (FIXTURES / name).read_bytes()
    return Fetched(url=PAGE_URL, final_url=PAGE_URL, status=200,
                   headers={"content-type": content_type}, body=body)  # fmt: skip


def html_page(markup: str) -> Fetched:
    return Fetched(url=PAGE_URL, final_url=PAGE_URL, status=200,
                   headers={"content-type": "text/html"}, body=markup.encode())  # fmt: skip


def test_listing_items_links_titles_dates_and_summaries() -> None:
    feed = scrape_listing(source(TEASERS), page("ministry_news.html"))
    assert feed.title == "Ministry of Foreign Affairs" and feed.link == PAGE_URL
    assert feed.language == "en"
    urls = [item.url for item in feed.items]
    assert urls == [
        "https://ministry.example/press/2024/03/minister-meets-counterpart",
        "https://ministry.example/press/2024/03/statement-summit?utm_source=home",
        "https://ministry.example/press/2024/03/photo-story",
    ]
    first, second, photo = feed.items
    assert first.title == "Minister meets counterpart in Tokyo"  # the link's text, folded
    assert first.summary_html == "The two ministers discussed <b>trade</b> and security."
    # No date rule: the item's <time datetime> is used.
    assert first.published_raw == "2024-03-05T09:30:00+09:00"
    assert first.published == datetime(2024, 3, 5, 0, 30, tzinfo=UTC)
    assert second.published is None
    assert photo.title == "Photo story: the signing ceremony"  # an image link's alt text
    assert all(item.guid is None and item.source == "mfa" for item in feed.items)
    assert all(item.feed_title == "Ministry of Foreign Affairs" for item in feed.items)


def test_skipped_items_are_noted() -> None:
    feed = scrape_listing(source(TEASERS), page("ministry_news.html"))
    assert feed.notes == (
        "item 3 skipped: scrape.link 'a.headline' matched nothing",
        "item 4 skipped: duplicate link "
        "https://ministry.example/press/2024/03/minister-meets-counterpart",
        "item 5 skipped: link 'javascript:void(0)' is not an http(s) URL",
    )


def test_explicit_title_and_date_rules() -> None:
    rules = ScrapeRules(item="article.teaser", link="a.headline", title="h2", date="span.date")
    feed = scrape_listing(source(rules), page("ministry_news.html"))
    statement = feed.items[1]
    assert statement.title == "Statement on the summit"
    assert statement.published_raw == "March 4, 2024 10:00 EST"
    assert statement.published == datetime(2024, 3, 4, 15, 0, tzinfo=UTC)  # EST honoured


def test_latin1_page_with_base_href_and_day_first_dates() -> None:
    rules = ScrapeRules(item="ul.news li", link="a", date="em.when")
    # The header lies (UTF-8); the page is Latin-1 and says so in <meta charset>.
    feed = scrape_listing(source(rules), page("latin1_listing.html"))
    assert feed.title == "Communiqués" and feed.language == "fr"
    first, second = feed.items
    assert first.title == "Sommet à Genève : déclaration commune"
    assert first.url == "https://quai.example/actualites/sommet-general"  # <base href>
    assert first.published == datetime(2024, 3, 12, tzinfo=UTC)  # 12 March, not 3 December
    assert second.title == "Visite d'État au Japon"
    assert second.published == datetime(2024, 3, 11, 17, 30, tzinfo=UTC)


def test_item_selector_matching_nothing_is_an_error() -> None:
    rules = ScrapeRules(item="div.story-card", link="a")
    with pytest.raises(ParseError) as caught:
        scrape_listing(source(rules), page("ministry_news.html"))
    assert str(caught.value) == (
        "source 'mfa': scrape.item 'div.story-card' matched nothing on " + PAGE_URL
    )


def test_no_item_with_a_link_is_an_error() -> None:
    rules = ScrapeRules(item="article.teaser", link="a.missing")
    with pytest.raises(ParseError, match=r"source 'mfa': scrape.link 'a.missing' gave no link"):
        scrape_listing(source(rules), page("ministry_news.html"))


def test_missing_rules_is_an_error() -> None:
    spec = SourceSpec(name="bare", url=PAGE_URL, kind="html")
    with pytest.raises(ParseError, match=r"source 'bare'.*\[sources.scrape\]"):
        scrape_listing(spec, page("ministry_news.html"))


def test_link_from_an_attribute_and_the_item_itself() -> None:
    markup = """<html><body>
      <div class="card" data-url="/a/1"><span>One</span></div>
      <a class="card" href="/a/2" data-url="/a/2">Two</a>
    </body></html>"""
    by_attr = scrape_listing(source(ScrapeRules(item=".card", link="@data-url")), html_page(markup))
    site = "https://ministry.example"
    assert [i.url for i in by_attr.items] == [site + "/a/1", site + "/a/2"]
    assert [i.title for i in by_attr.items] == ["One", "Two"]  # the link element's text
    itself = scrape_listing(source(ScrapeRules(item="a.card", link="@href")), html_page(markup))
    assert [i.title for i in itself.items] == ["Two"]


def test_scrape_what_the_fetcher_got(site) -> None:
    site.add("/press/", (FIXTURES / "ministry_news.html").read_bytes(), content_type="text/html")
    with Fetcher(FetchOptions(allow_private_networks=True, per_host_delay=0)) as fetcher:
        got = fetcher.get(site.url("/press/"), accept="text/html")
    feed = scrape_listing(source(TEASERS), got)
    assert feed.items[0].url == site.url("/press/2024/03/minister-meets-counterpart")


# --- the @attr convention -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [("time@datetime", ("time", "datetime")), ("h2 a", ("h2 a", None)),
     ("@href", ("", "href")), ('a[href^="@"]', ('a[href^="@"]', None)),
     ('a[title="x@y"]@href', ('a[title="x@y"]', "href")), ("meta@data-x.y", ("meta", "data-x.y"))],
)  # fmt: skip
def test_split_selector(selector: str, expected: tuple[str, str | None]) -> None:
    assert split_selector(selector) == expected


def test_select_value() -> None:
    soup = BeautifulSoup(
        '<div><p class="a x">  Hello\n  <b>world</b> </p><time datetime="2024-01-02">Jan 2</time>'
        '<span class="empty"> </span></div>',
        "lxml",
    )
    div = soup.div
    assert div is not None
    assert select_value(div, "p") == "Hello world"
    assert select_value(div, "time@datetime") == "2024-01-02"
    assert select_value(div, "p@class") == "a x"
    assert select_value(div, "p@missing") is None
    assert select_value(div, "span.empty") is None
    assert select_value(div, "h1") is None


def test_check_selector() -> None:
    check_selector("article.teaser > h2 a@href")
    with pytest.raises(ValueError, match="invalid CSS selector 'a\\[href'"):
        check_selector("a[href")


def test_a_listing_and_its_pages_decode_the_same_bytes_alike() -> None:
    from ingest.extract import decode_page
    from ingest.model import Fetched
    from ingest.scrape import parse_html

    body = "<html><body><p>Café in Zürich</p></body></html>".encode()
    label = "text/html; charset=iso-8859-1"  # wrong: the bytes are UTF-8
    url = "https://x.example/"
    fetched = Fetched(url, url, 200, {"content-type": label}, body)
    assert "Café in Zürich" in parse_html(fetched).get_text()
    assert "Café in Zürich" in decode_page(body, label)
