"""lxml's tree read as BeautifulSoup read it (``ingest.html_tree``), and the edits the
cleaning rules make on it."""

from __future__ import annotations

from ingest.clean import clean_body, remove_prefix
from ingest.html_tree import drop, get_text, parse, serialize


def test_blank_text_is_kept_as_beautifulsoup_kept_it() -> None:
    doc, root = parse("<div>\n   <p>a</p>   <p>b</p><pre>  x\n  y </pre>\u00a0</div>")
    assert doc is not None and root is not None
    html = serialize(doc, root)
    assert html == "<div>\n<p>a</p> <p>b</p><pre>  x\n  y </pre>\u00a0</div>"


def test_get_text_leaves_out_what_beautifulsoup_leaves_out() -> None:
    _doc, root = parse(
        "<p>a<script>s</script><style>c</style><!-- c -->b<template>t</template>"
        "<ruby>漢<rt>kan</rt></ruby><noscript>n</noscript></p>"
    )
    assert root is not None
    assert get_text(root) == "ab漢n"
    assert get_text(root, " ", strip=True) == "a b 漢 n"


def test_drop_keeps_the_text_after_the_element() -> None:
    doc, root = parse("<p>one <b>two</b> three <i>four</i></p>")
    assert doc is not None and root is not None
    for tag in list(root.iter("b", "i")):
        drop(tag)
    assert serialize(doc, root) == "<p>one  three </p>"


def test_markup_keeps_links_as_written_and_every_end_tag() -> None:
    doc, root = parse('<ul><li></li><li><a href="/autor/zielińska?a=1&amp;b=2">Z</a></li></ul>')
    assert doc is not None and root is not None
    assert serialize(doc, root) == (
        '<ul><li></li><li><a href="/autor/zielińska?a=1&amp;b=2">Z</a></li></ul>'
    )


def test_removing_an_empty_element_does_not_join_the_words_around_it() -> None:
    html = "<p>A dazzling intellect<strong> </strong>ensorcells the reader.</p>"
    assert "intellect ensorcells" in clean_body(html).html


def test_control_characters_and_declarations_do_not_stop_cleaning() -> None:
    cleaned = clean_body("<?xml version='1.0' encoding='utf-8'?><p>a\x00b\x0bc</p>")
    assert cleaned.html == "<p>abc</p>"
    assert remove_prefix("<p><b>LIMA</b> — Talks began.</p>", "LIMA —") == (
        "<p><b></b>Talks began.</p>"
    )
