"""Cleaning: each boilerplate and junk pattern, on HTML and on plain text, with must and
must-not assertions; and the things cleaning must leave alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import appended_start, clean_body, remove_prefix, text_to_html
from ingest.extract import extract_article
from ingest.html_tree import html_to_text
from ingest.model import Fetched

PAGES = Path(__file__).parent / "fixtures" / "pages"
STORY = [
    "Officials from both governments met for six hours on Tuesday and agreed to resume the "
    "suspended dialogue on fisheries, border crossings and energy in the new year.",
    "The two delegations said in a joint statement that the talks had been frank and that "
    "working groups would meet every month until a framework agreement is ready to sign.",
    "Analysts said the agreement, if concluded, would be the first between the neighbours in "
    "more than a decade and could reopen trade routes closed since the 2019 crisis.",
]


def extracted_text(name: str) -> tuple[str, tuple[str, ...]]:
    body = (PAGES / name).read_bytes()
    url = "https://ledger.example.org/x"
    article = extract_article(Fetched(url, url, 200, {"content-type": "text/html"}, body), None)
    return html_to_text(article.body_html), article.removed


def story_html(*extra: str) -> str:
    return "".join(f"<p>{p}</p>" for p in STORY) + "".join(extra)


def cleaned(html: str, title: str | None = None) -> tuple[str, tuple[str, ...]]:
    out, notes, _ = clean_body(html, title)
    return html_to_text(out), notes


# --- pages ---------------------------------------------------------------------------------


def test_boilerplate_page() -> None:
    text, removed = extracted_text("boilerplate.html")
    assert text.startswith("REYKJAVIK — Foreign ministers of the eight Arctic states")
    assert text.endswith("since the council was suspended.")
    for junk in (
        "Home",
        "cookies",
        "Share on",
        "Tweet",
        "newsletter",
        "Read more",
        "Related stories",
        "Arctic shipping lanes",
        "Follow us",
        "Leave a Reply",
        "Post Comment",
        "By Ingrid Holm",
        "Published:",
        "©",
    ):
        assert junk not in text, junk
    assert "Foreign ministers agree on Arctic council roadmap" not in text
    assert any("date line" in note for note in removed)


def test_appended_junk_page() -> None:
    text, removed = extracted_text("appended_junk.html")
    assert text.endswith("presented to leaders of both blocs.")
    for junk in ("sticking points", "Interview with", "Dr. Marquez", "Editor:", "Frequently",
                 "Keywords", "Leave a Replay"):  # fmt: skip
        assert junk not in text, junk
    assert any("generated question" in note for note in removed)


def test_real_interview_is_kept() -> None:
    text, removed = extracted_text("real_interview.html")
    assert "Q: Are there too many summits?" in text
    assert text.endswith("Nobody in the capital reads the long ones.")
    assert not any("Q&A" in note or "interview" in note for note in removed)


# --- single patterns, HTML -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "gone"),
    [
        ('<nav><a href="/">Home</a> <a href="/w">World news</a></nav>', "World news"),
        ('<div class="share-bar">Share on Facebook Share on X</div>', "Share on"),
        ('<div id="cookie-banner">We use cookies to personalise content.</div>', "cookies"),
        ("<p>We use cookies to personalise content and ads.</p>", "cookies"),
        ('<div class="newsletter"><p>Get our briefing every morning</p></div>', "briefing"),
        ("<p>Sign up for our free daily newsletter and never miss a story.</p>", "newsletter"),
        ("<h3>Related posts</h3><ul><li><a href='/r'>Another old story</a></li></ul>", "old story"),
        (
            "<h4>You may also like</h4><ul><li><a href='/r'>Ten best beaches</a></li></ul>",
            "beaches",
        ),
        ('<p>Read more: <a href="/r">Previous talks collapsed in May</a></p>', "collapsed"),
        ("<p><a href='/more'>Continue reading</a></p>", "Continue reading"),
        ("<h3>Leave a Reply</h3><form><textarea></textarea></form>", "Leave a Reply"),
        ("<p>Leave a Replay</p>", "Replay"),
        ('<div class="comments"><p>Great article, thanks!</p></div>', "Great article"),
        ("<p>Your email address will not be published. Required fields are marked *</p>", "email"),
        ("<p>Follow us on Telegram for breaking news</p>", "Telegram"),
        ("<aside><p>Most read: markets slump</p></aside>", "markets slump"),
        ("<p>Share this story</p><p>Copy link</p><p>WhatsApp</p><p>Facebook</p><p>X</p>",
         "WhatsApp"),
        ("<p>Corrections and clarifications</p><p>Submit a news tip</p><p>Report error</p>",
         "news tip"),
    ],
)  # fmt: skip
def test_boilerplate_block_removed(extra: str, gone: str) -> None:
    text, notes = cleaned(story_html(extra))
    assert gone not in text
    assert text.startswith(STORY[0]) and STORY[-1] in text
    assert notes


def test_furniture_class_on_the_article_itself_is_not_cut() -> None:
    html = f'<div class="post has-comments share-enabled">{story_html()}</div>'
    text, _ = cleaned(html)
    assert text == "\n\n".join(STORY)


def test_title_repeated_at_start_removed_once_or_twice() -> None:
    title = "Neighbours agree to resume dialogue"
    text, notes = cleaned(f"<h1>{title}</h1><p>{title}</p>" + story_html(), title)
    assert not text.startswith(title) and text.startswith(STORY[0])
    assert sum("the title repeated" in note for note in notes) == 2


def test_title_inside_the_story_is_kept() -> None:
    title = "Dialogue"
    text, _ = cleaned(story_html(f"<p>{title}</p>", *(f"<p>{p}</p>" for p in STORY)), title)
    assert f"\n\n{title}\n\n" in text and text.endswith(STORY[-1])


# --- appended material, plain text and HTML ------------------------------------------------

QUESTION = "What were the major outcomes of the talks between the two neighbours?"
INTERVIEW = [
    "**Interview with Dr. Lena Ortiz, Border Policy Expert**",
    "**Editor:** Thank you for joining us. What is new here?",
    "**Dr. Ortiz:** The working groups. They give the process a rhythm.",
    "**Editor:** And the risks?",
    "**Dr. Ortiz:** Elections in the spring.",
]


def test_plain_text_generated_question_and_interview() -> None:
    text = "\n\n".join([*STORY, QUESTION, *INTERVIEW, "Leave a Replay"])
    out, notes = cleaned(text)
    assert out == "\n\n".join(STORY)
    assert "generated question" in " ".join(notes)


def test_interview_without_question_is_cut_after_a_story() -> None:
    out, notes = cleaned(story_html(*(f"<p>{p}</p>" for p in INTERVIEW)))
    assert "Editor" not in out and "Ortiz" not in out
    assert "appended interview" in " ".join(notes)


def test_trailing_question_alone_is_cut_but_not_a_question_mid_story() -> None:
    out, _ = cleaned(story_html(f"<h2>{QUESTION}</h2>"))
    assert QUESTION not in out
    middle = [STORY[0], "Why did the talks stall in May?", *STORY[1:]]
    out, notes = cleaned("".join(f"<p>{p}</p>" for p in middle))
    assert "Why did the talks stall in May?" in out and not notes


def test_seo_block_after_story() -> None:
    out, _ = cleaned(story_html("<h3>Key takeaways</h3><ul><li>Talks resume</li></ul>",
                                "<p>Tags: border, seo-tag-word</p>"))  # fmt: skip
    assert "takeaways" not in out and "Talks resume" not in out and "seo-tag-word" not in out


def test_appended_start_on_texts() -> None:
    assert appended_start(STORY) is None
    found = appended_start([*STORY, QUESTION])
    assert found is not None and found[0] == 3


# --- helpers -------------------------------------------------------------------------------


def test_text_to_html_and_back() -> None:
    text = "First para\nstill first.\n\nSecond <para> & more."
    assert (
        text_to_html(text) == "<p>First para still first.</p><p>Second &lt;para&gt; &amp; more.</p>"
    )
    assert html_to_text(text_to_html(text)) == "First para still first.\n\nSecond <para> & more."


def test_html_to_text_blocks_and_breaks() -> None:
    html = "<div>one <b>bold</b>\n word</div><p>line<br>break</p><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "one bold word\n\nline\nbreak\n\na\n\nb"


def test_remove_prefix_across_tags() -> None:
    html = "<p><strong>ANKARA</strong>—In a meeting</p><p>Next</p>"
    assert remove_prefix(html, "ANKARA—") == "<p><strong></strong>In a meeting</p><p>Next</p>"
    assert remove_prefix(html, "TOKYO—") == html


@pytest.mark.parametrize(
    "pointer",
    [
        "<p><strong>ALSO READ |</strong> <a href='/x'>Talks resume on the border</a></p>",
        "<p><strong>Lire aussi / Read also :</strong> Burkina Faso expels three Ivorian "
        "diplomats over alleged 'subversion'</p>",  # its link lost in extraction
        "<p>Also read: Talks resume on the border after a year of silence</p>",
    ],
)
def test_a_pointer_inside_the_story_goes(pointer: str) -> None:
    text, _ = cleaned(f"<p>{STORY[0]}</p>{pointer}<p>{STORY[1]}</p><p>{STORY[2]}</p>")
    assert text.split("\n\n") == STORY


def test_a_paragraph_that_reads_on_stays() -> None:
    line = "Related — officials said the delegations would meet again in March, after the holidays."
    text, _ = cleaned(story_html(f"<p>{line}</p>"))
    assert text.endswith(line)


def _soup_text(html: str) -> str:
    """The reference html_to_text is held to: BeautifulSoup's own get_text, with the same
    paragraph and line markers (the implementation before the lxml walk)."""
    from bs4 import BeautifulSoup, Comment

    from ingest.html_tree import _LINE, _PARA, BLOCK_TAGS, _fold_markers

    soup = BeautifulSoup(html, "lxml")
    for el in soup.find_all(string=lambda s: isinstance(s, Comment)):
        el.extract()
    for tag in soup.find_all(["script", "style", "template"]):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.name == "br":
            tag.replace_with(_LINE)
        elif tag.name in BLOCK_TAGS:
            tag.insert_before(_PARA)
            tag.append(_PARA)
    return _fold_markers(soup.get_text())


TRICKY = [
    "",
    "bare text",
    "<p>a<br>b</p>c<!-- x -->d<script>x</script>e",
    "<?xml version='1.0' encoding='utf-8'?><p>declared</p>",
    "<div>a<p>b</div>c",
    "<ruby>漢<rp>(</rp><rt>kan<br>ji</rt><rp>)</rp></ruby> after",
    "<svg><title>t</title><text>s</text></svg>after",
    "<![CDATA[ cdata ]]>x",
    "<template><p>t</p></template>y",
    "<table><tr><td>a<td>b</table>",
    "<noscript><p>n</p></noscript><textarea>a<b>c</textarea>",
    "<!DOCTYPE html><html><head><title>T</title><style>s</style></head><body>B</body></html>",
    "a\x00b &amp;&nbsp;&lt;b&gt; <?php echo 1 ?>z",
    "<li>a<li>b<br/>x<br>y<p>one</p>\n\n<p>two</p>",
]


@pytest.mark.parametrize("html", TRICKY)
def test_html_to_text_equals_beautifulsoup_get_text(html: str) -> None:
    assert html_to_text(html) == _soup_text(html)


def test_html_to_text_equals_beautifulsoup_on_every_fixture_page() -> None:
    root = Path(__file__).parent / "fixtures"
    pages = [
        p
        for p in root.rglob("*.htm*")
        if not {"blind3", "blind4", "blind5"} & set(p.parts)  # held-out: benches only
    ]
    assert len(pages) > 500
    for page in pages:
        html = page.read_bytes().decode("utf-8", "replace")
        assert html_to_text(html) == _soup_text(html), page


def _after_line(line: str) -> str:
    """The cleaned text of a body whose first paragraph has ``line`` above it."""
    body = (
        f"<p>{line}</p><p>Turkey's foreign minister on Monday received his Iraqi counterpart, "
        "and the two discussed the Development Road project.</p>"
        "<p>They also discussed water, the ministry said in a statement after the talks.</p>"
    )
    return html_to_text(clean_body(body, "Turkish, Iraqi ministers meet").html)


@pytest.mark.parametrize("line", ["ANKARA", "BAAR, SWITZERLAND", "Pittsburgh"])
def test_a_dateline_on_a_line_of_its_own_rejoins_its_paragraph(line: str) -> None:
    from ingest.dateline import find_dateline

    text = _after_line(line)
    found = find_dateline(text)
    assert found is not None and found.place == line.split(",")[0]
    assert text[len(found.text) :].startswith("Turkey's foreign minister")


@pytest.mark.parametrize("line", ["GIRLS BASKETBALL", "Kazakhstan", "WORLD"])
def test_a_label_before_the_first_paragraph_is_no_dateline(line: str) -> None:
    assert _after_line(line).startswith("Turkey's foreign minister")
