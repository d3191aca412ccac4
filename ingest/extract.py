"""Article extraction: from a fetched story page to its main text and metadata.

Decoding trusts the bytes over the labels: a BOM wins, then text that is valid UTF-8 (a legacy
encoding almost never decodes as non-ASCII UTF-8 by accident), then the declared charsets
(HTTP, then ``<meta>``) when they decode cleanly, then detection.  The body comes from the
source's ``[sources.article]`` selectors when it has them, else from trafilatura in its
precision mode without comments — measured best on the article-extraction corpus
(bench/extraction.py) — and is then cleaned by ``ingest.clean``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from ingest.charset import decode_html
from ingest.clean import clean_body, select_body, soup_of
from ingest.dates import SAME_DAY, find_date_line, has_day, has_time, parse_date
from ingest.errors import ExtractError
from ingest.html_tree import html_to_text
from ingest.jsonld import ld_name, ld_objects, ld_text
from ingest.lead import START
from ingest.model import Article, ArticleRules, Fetched
from ingest.scrape import select_value
from ingest.shown import quote

MIN_WORDS = 40  # less than this is a teaser, a listing or an error page, not an article
MAX_LINK_SHARE = 0.4  # more paragraphs than this that are link texts: a listing page
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_NOT_FOUND = re.compile(r"\b(?:404|page not found|not found|no longer available|error)\b", re.I)
_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
# WHATWG: these labels mean windows-1252 in every browser.


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str | None
    canonical: str | None
    published_raw: str | None
    author: str | None
    language: str | None
    site_name: str | None


def extract_article(fetched: Fetched, rules: ArticleRules | None) -> Article:
    """The article on ``fetched``; ExtractError naming the cause when there is none."""
    html = decode_page(fetched.body, fetched.headers.get("content-type"))
    doc = parse_page(html)
    meta = read_meta(doc, html)
    if rules and rules.body:
        body, notes = _rules_body(html, rules)
        meta = _rules_meta(html, rules, meta)
    else:
        body, notes = generic_body(html, fetched.final_url)
    # The headline may be repeated in the body as the page's h1, its og:title or <title>,
    # which often differ from one another.
    cleaned, cut, _ = clean_body(body, meta.title, _h1(doc), _title(doc))
    _check_article(cleaned, meta, doc, ruled=bool(rules and rules.body))
    return Article(
        url=fetched.final_url,
        body_html=cleaned,
        canonical_url=meta.canonical,
        title=meta.title,
        published_raw=meta.published_raw,
        author=meta.author,
        language=meta.language,
        site_name=meta.site_name,
        removed=(*notes, *cut),
    )


# --- decoding ------------------------------------------------------------------------------


def decode_page(body: bytes, content_type: str | None) -> str:
    """The page's text (``ingest.charset``, the one decoder of pages and listings)."""
    return decode_html(body, content_type)


def parse_page(html: str) -> lxml.html.HtmlElement:
    """The page as an lxml tree; ExtractError when it is not HTML at all."""
    text = _XML_DECL.sub("", html, count=1)
    if "<" not in text:
        raise ExtractError("broken HTML: the page has no markup")
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as e:
        raise ExtractError(f"broken HTML: {e}") from e
    if doc.find(".//body") is None and not doc.text_content().strip():
        raise ExtractError("broken HTML: no document body")
    return doc


# --- metadata ------------------------------------------------------------------------------


def read_meta(doc: lxml.html.HtmlElement, html: str) -> PageMeta:
    """Title, canonical URL, date, author, language and site name declared by the page."""
    ld = list(ld_objects(doc))
    return PageMeta(
        title=_first(_meta(doc, "og:title"), ld_text(ld, "headline"), _h1(doc), _title(doc)),
        canonical=_first(_link(doc, "canonical"), _meta(doc, "og:url")),
        published_raw=_first(
            _meta(doc, "article:published_time"),
            ld_text(ld, "datePublished"),
            _meta(doc, "date", "pubdate", "dc.date", "dcterms.created", "sailthru.date"),
            _xfirst(doc, "//time[@datetime]/@datetime"),
            find_date_line(_visible_head(doc)),
        ),
        author=_first(_meta(doc, "author", "article:author"), _ld_author(ld)),
        language=_first(_xfirst(doc, "/html/@lang"), _meta(doc, "og:locale", "language")),
        site_name=_first(_meta(doc, "og:site_name", "application-name"), _ld_publisher(ld)),
    )


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return " ".join(value.split())
    return None


def _xfirst(doc: lxml.html.HtmlElement, xpath: str) -> str | None:
    found = doc.xpath(xpath)
    return str(found[0]) if found else None


def _meta(doc: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            # Attribute values are compared case-insensitively: "OG:Title" exists in the wild.
            xp = f"//meta[translate(@{attr},'{_UPPER}','{_LOWER}')='{name}']/@content"
            value = _xfirst(doc, xp)
            if value and value.strip():
                return value
    return None


def _link(doc: lxml.html.HtmlElement, rel: str) -> str | None:
    return _xfirst(
        doc, f"//link[contains(concat(' ', normalize-space(@rel), ' '), ' {rel} ')]/@href"
    )


def _title(doc: lxml.html.HtmlElement) -> str | None:
    return _xfirst(doc, "//title/text()")


def _h1(doc: lxml.html.HtmlElement) -> str | None:
    h1s = doc.xpath("//h1")
    return " ".join(h1s[0].text_content().split()) if len(h1s) == 1 else None


def _visible_head(doc: lxml.html.HtmlElement) -> str:
    body = doc.find(".//body")
    return body.text_content()[:3000] if body is not None else ""


def _ld_author(objects: list[dict[str, object]]) -> str | None:
    return _first(*(ld_name(obj.get("author")) for obj in objects))


def _ld_publisher(objects: list[dict[str, object]]) -> str | None:
    return _first(*(ld_name(obj.get("publisher")) for obj in objects))


# --- the body ------------------------------------------------------------------------------


def generic_body(html: str, url: str | None = None) -> tuple[str, list[str]]:
    """The main text of ``html`` as HTML, by trafilatura (precision mode, no comments), and
    notes of what was cut before trafilatura read the page."""
    # Imported here: a tenth of a second that a run with no new article page never needs.
    import trafilatura

    page, dropped = _for_trafilatura(html)
    out = trafilatura.extract(
        page,
        url=url,
        output_format="html",
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        # include_links loses the text next to links in trafilatura 2.3 (-0.3 F1 points).
        include_links=False,
        include_formatting=True,
        include_images=False,
        deduplicate=False,
    )
    notes = [f"{START} removed standfirst {quote(text)}" for text in dropped]
    return _strip_wrapper(out or ""), notes


# Elements that make a <div> a layout box rather than a paragraph of its own.
_BLOCKS = frozenset(
    ["address", "article", "aside", "blockquote", "details", "dialog", "dd", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
     "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
     "iframe", "script", "style", "noscript", "video", "audio", "canvas", "svg", "select",
     "textarea", "button"]
)  # fmt: skip
_MIN_DIV_PARAGRAPH = 40  # characters: shorter inline-only boxes are labels, bylines, buttons


def _for_trafilatura(html: str) -> tuple[str, list[str]]:
    """The page as trafilatura should read it: bare divs of text as paragraphs, and no
    standfirst (whose texts come back). One parse for both; the page unchanged when
    neither applies."""
    if "<div" not in html and not _STANDFIRST_HINT.search(html):
        return html, []
    try:
        doc = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return html, []
    changed = _divs_as_paragraphs(doc)
    dropped = _without_standfirsts(doc)
    if not changed and not dropped:
        return html, []
    return lxml.html.tostring(doc, encoding="unicode"), dropped


def _divs_as_paragraphs(doc: lxml.html.HtmlElement) -> bool:
    """Each <div> that holds only text and inline markup becomes a <p>.

    Blogger, older CMSes and pasted Word text write paragraphs as <div>s (with a
    "<div><br></div>" between them); trafilatura keeps a page's <p>s and drops such divs
    when both are on the page, so a story told in divs lost all but an appended <p> block
    (a promoted tuning outlet: body F1 0.17). Readability's old rule, narrowed to what
    that failure needs: a run of two or more bare divs beside <p>s. Applied to every div,
    or to divs with a CMS's classes, it cost 0.3 F1 points on the article-extraction
    corpus (question subheads read as appended questions, a CNN page's paragraphs lost);
    narrowed, it changes none of those 91 pages."""
    changed = False
    for parent in {div.getparent() for div in doc.iter("div")} - {None}:
        texts = [c for c in parent if c.tag == "div" and _inline_only(c)]
        if len(texts) >= 2 and any(c.tag == "p" for c in parent):
            for div in texts:
                div.tag, changed = "p", True
    return changed


# A standfirst (dek, strapline, excerpt) is the story's pitch set above it in a class of its
# own; trafilatura keeps it as the body's first paragraph. The class says what it is more
# surely than its words: on the tuning outlets 370 such elements are page furniture and
# none is story ("subtitle" is left out: two outlets name their subheadings so).
_STANDFIRST_HINT = re.compile(r"standfirst|dek|deck|strapline|excerpt", re.I)
_STANDFIRST = re.compile(r"(?:^|[\s_-])(?:standfirst|dek|deck|strapline|excerpt)(?:$|[\s_-])", re.I)
_STANDFIRST_WORDS = 80  # a longer box is no standfirst, whatever its class says


def _without_standfirsts(doc: lxml.html.HtmlElement) -> list[str]:
    found = [
        el
        for el in doc.iter("p", "h2", "h3", "h4", "div", "span")
        if _STANDFIRST.search(el.get("class") or "")
        and len(el.text_content().split()) <= _STANDFIRST_WORDS
        and not any(d.tag == "p" for d in el.iterdescendants())
        and not any(a.tag == "a" for a in el.iterancestors())
    ]
    outer = set(found)
    found = [el for el in found if not any(a in outer for a in el.iterancestors())]
    texts = [" ".join(el.text_content().split()) for el in found]
    for el in found:
        el.drop_tree()
    return [t for t in texts if t]


def _inline_only(div: lxml.html.HtmlElement) -> bool:
    """A bare box (no class or id: a CMS's own boxes are trafilatura's to judge) of text and
    inline markup, long enough to be a paragraph."""
    if div.get("class") or div.get("id"):
        return False
    if any(isinstance(el.tag, str) and el.tag in _BLOCKS for el in div.iterdescendants()):
        return False
    return len(div.text_content().strip()) >= _MIN_DIV_PARAGRAPH


def _strip_wrapper(html: str) -> str:
    # trafilatura wraps its HTML output in <html><body>; the body is a fragment.
    return re.sub(r"</?(?:html|body)>", "", html).strip()


def _rules_body(html: str, rules: ArticleRules) -> tuple[str, list[str]]:
    assert rules.body is not None
    body, notes = select_body(html, rules.body, rules.remove)
    if body is None:
        raise ExtractError(f"article.body selector {rules.body!r} matched nothing")
    return body, notes


def _rules_meta(html: str, rules: ArticleRules, meta: PageMeta) -> PageMeta:
    soup = soup_of(html)

    def pick(selector: str | None, fallback: str | None) -> str | None:
        return _first(select_value(soup, selector), fallback) if selector else fallback

    return PageMeta(
        title=pick(rules.title, meta.title),
        canonical=meta.canonical,
        published_raw=_precise(pick(rules.date, meta.published_raw), meta.published_raw),
        author=pick(rules.author, meta.author),
        language=meta.language,
        site_name=meta.site_name,
    )


# What an update stamp opens with: "Updated 3:10 p.m. EDT", "Last modified: ...".
_UPDATE_STAMP = re.compile(r"^\W*(?:last\s+)?(?:updated|modified|edited|revised)\b", re.I)


def _precise(chosen: str | None, declared: str | None) -> str | None:
    """The operator's date selector, unless it shows only the day and the page declares
    (meta, JSON-LD, <time>) a time on that day: the most precise date wins. A selector that
    finds an update stamp or a bare time ("Updated 3:10 p.m. EDT") gives no publication
    day: then the page's declared time wins, whatever its day."""
    if not chosen or not declared or not has_time(declared):
        return chosen
    if _UPDATE_STAMP.match(chosen) or not has_day(chosen):
        return declared
    if has_time(chosen):
        return chosen
    day, precise = parse_date(chosen), parse_date(declared)
    if day is None or precise is None or abs(precise - day) > SAME_DAY:
        return chosen
    return declared


def _check_article(
    body_html: str, meta: PageMeta, doc: lxml.html.HtmlElement, *, ruled: bool
) -> None:
    text = html_to_text(body_html)
    words = len(re.findall(r"\w+", text))
    if words == 0:
        raise ExtractError(_no_text_reason(meta, "no main text found"))
    if words < MIN_WORDS and not ruled:
        raise ExtractError(_no_text_reason(meta, f"too little text ({words} words)"))
    if not ruled and _headline_share(text, doc) > MAX_LINK_SHARE:
        raise ExtractError("not an article: most of the text is link headlines (a listing page?)")


def _no_text_reason(meta: PageMeta, what: str) -> str:
    if meta.title and _NOT_FOUND.search(meta.title):
        return f"not an article: {what}; the page says {meta.title!r}"
    return f"not an article: {what} (a listing, teaser or error page?)"


def _headline_share(text: str, doc: lxml.html.HtmlElement) -> float:
    # A listing page is a column of linked headlines (with teasers between them): count the
    # paragraphs that are, word for word, the text of a link on the page.
    paras = [p for p in text.split("\n\n") if p.strip()]
    if len(paras) < 5:
        return 0.0
    anchors = {_fold(a.text_content()) for a in doc.iter("a")}
    linked = sum(1 for p in paras if _fold(p) in anchors)
    return linked / len(paras)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
