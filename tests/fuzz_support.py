"""The property every feed document and page must satisfy, whatever its bytes (issue 10).

For arbitrary bytes served as a source's feed: reading and normalizing raise nothing but our
own errors (which the pipeline records on the source), and every output document made from
what was read is well-formed and carries no active content. Used by the hypothesis test, the
regression test over ``tests/fixtures/fuzz/`` and ``bench/fuzz.py``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import lxml.html
from lxml import etree

from feeds.pages import feed_page
from feeds.query import FeedItem, Member
from feeds.render import FeedView, render_atom, render_json, render_rss
from feeds.spec import FeedSpec, SiteSpec
from feeds.story_page import story_page
from ingest.digest import digest_item
from ingest.errors import CommuniqueError
from ingest.identity import item_key
from ingest.model import Fetched, SourceSpec, Story
from ingest.parse import parse_feed

SOURCE = SourceSpec(name="fuzz", url="https://fuzz.example/feed.xml", full_text="never")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SITE = SiteSpec(base_url="https://communique.example/")
_ACTIVE_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base",
                "form", "meta", "link", "style"}  # fmt: skip
_BAD_URL = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)


def fetched(body: bytes, content_type: str = "application/xml") -> Fetched:
    url = SOURCE.url
    return Fetched(url, url, 200, {"content-type": content_type}, body)


def stories_of(body: bytes, content_type: str = "application/xml") -> list[Story]:
    """What the pipeline would store from ``body``; only our own errors may escape."""
    try:
        parsed = parse_feed(SOURCE, fetched(body, content_type))
    except CommuniqueError:
        return []
    out = []
    for item in parsed.items:
        try:
            out.append(digest_item(item, None, SOURCE, item_key(item), NOW))
        except CommuniqueError:
            continue
    return out


def check_outputs(stories: list[Story]) -> None:
    """Every format rendered from ``stories`` parses and carries no active content."""
    items = [_item(n, s) for n, s in enumerate(stories, 1)]
    view = FeedView(FeedSpec("fuzz", "Fuzz"), SITE, items)
    for render in (render_atom, render_rss):
        root = etree.fromstring(
            render(view), etree.XMLParser(resolve_entities=False, no_network=True)
        )
        for el in root.iter():
            if isinstance(el.tag, str) and _holds_html(el):
                assert_inert("".join(el.itertext()))
    doc = json.loads(render_json(view))
    for entry in doc["items"]:
        assert_inert(entry.get("content_html", ""))
    check_pages(items)


def check_pages(items: list[FeedItem]) -> None:
    """The feed page of cards and each story page: what is shown in ``<main>`` is inert."""
    spec = FeedSpec("fuzz", "Fuzz")
    bodies = [feed_page(SITE, spec, items, 0, NOW)]
    bodies += [story_page(SITE, i, i.story_id, [spec]) for i in items]
    for body in bodies:
        main = lxml.html.fromstring(body).find(".//main")
        assert main is not None
        assert_inert(lxml.html.tostring(main, encoding="unicode"))


def _holds_html(el: etree._Element) -> bool:
    name = etree.QName(el)
    if name.namespace == "http://www.w3.org/2005/Atom":  # Atom says so; text by default
        return name.localname in ("content", "summary") and el.get("type") == "html"
    return name.localname in ("description", "encoded")  # RSS: HTML by convention


def assert_inert(html: str) -> None:
    """No element, attribute or URL in ``html`` that a browser would run."""
    if not html.strip():
        return
    for fragment in lxml.html.fragments_fromstring(f"<div>{html}</div>"):
        if not isinstance(fragment, lxml.html.HtmlElement):
            continue
        for el in fragment.iter():
            if not isinstance(el.tag, str):
                continue
            assert el.tag.lower() not in _ACTIVE_TAGS, el.tag
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (el.tag, name)
                if name.lower() in ("href", "src", "action", "formaction", "xlink:href"):
                    assert not _BAD_URL.match(value), (el.tag, name, value)


def check_feed_bytes(body: bytes) -> None:
    for content_type in ("application/xml", "application/feed+json"):
        check_outputs(stories_of(body, content_type))


def _item(n: int, story: Story) -> FeedItem:
    return FeedItem(
        key=f"story/{n}", story_id=n, cluster_id=None, url=story.url, title=story.title,
        summary=story.summary, body_html=story.body_html, author=story.author,
        outlet=story.outlet, source_name=story.source, source_url=SOURCE.url,
        language=story.language, published=story.published,
        updated=story.updated or story.published, countries=story.countries,
        mentions=story.mentions, organizations=story.organizations,
        topics=story.topics, dateline=story.dateline,
        members=(Member(n + 1000, story.url, story.outlet, story.title, story.published),),
        body_text=story.body_text, attributions=story.attributions,
    )  # fmt: skip
