"""Cleaning of article bodies: site boilerplate and appended material that is not the story.

The rules edit lxml's tree, read the way BeautifulSoup read it (``ingest.html_tree``);
BeautifulSoup stays only where CSS selectors apply (``select_body``).  Every function works on HTML;
plain text goes through ``text_to_html`` first, so one set of rules serves feed content,
extracted pages and plain-text bodies alike.  Each cut leaves a short human-readable note
(``removed ...``) that ``communique check`` prints.

Two kinds of junk are handled differently:

* boilerplate blocks (navigation, share and follow bars, cookie and newsletter prompts,
  "Related stories", comment forms and remnants such as "Leave a Replay") are removed wherever
  they appear, found by tag, by class/id words and by their exact wording;
* appended material (generated questions, invented "Interview with Dr. ..." Q&A, FAQ and SEO
  blocks) starts at one block after the story's end: that block and everything after it go.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from bs4 import BeautifulSoup

from ingest.dateline import find_dateline, standalone_dateline
from ingest.html_tree import (
    BLOCK_TAGS,
    Element,
    Node,
    attached,
    children,
    drop,
    elements,
    get_text,
    has_markup,
    html_to_text,
    is_element,
    new_paragraph,
    next_element,
    node_text,
    parse,
    refill,
    serialize,
    text_slots,
)
from ingest.lead import LOOK_AHEAD, lead_junk, lead_kind
from ingest.shown import quote
from ingest.tail import tail_start

_LEAF_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "pre",
        "blockquote",
        "figcaption",
        "td",
        "th",
    ]
)
_DROP_TAGS = [
    "nav",
    "aside",
    "form",
    "footer",
    "button",
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "input",
    "select",
    "textarea",
    "label",
    "template",
    "object",
    "embed",
    "canvas",
    "dialog",
]
# Words in a class or id that mark a block as site furniture rather than story text.
_FURNITURE_WORDS = frozenset(
    [
        "share",
        "sharing",
        "sharer",
        "social",
        "socials",
        "follow",
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "related",
        "recommended",
        "recommendations",
        "readmore",
        "comments",
        "comment",
        "respond",
        "reply",
        "disqus",
        "promo",
        "promotion",
        "advert",
        "advertisement",
        "ads",
        "ad",
        "sponsored",
        "breadcrumb",
        "breadcrumbs",
        "sidebar",
        "nav",
        "navbar",
        "navigation",
        "menu",
        "popup",
        "modal",
        "outbrain",
        "taboola",
        "paywall",
        "banner",
        "byline-share",
        "toolbar",
        "tags",
        "tagcloud",
        "footnotes",  # endnotes, as the tail rules hold them: appended, not story
        "endnotes",
    ]
)
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
# Whole-block wordings of boilerplate (matched on the folded text of one block).
_BOILERPLATE_TEXT = re.compile(
    r"^(?:leave an? (?:reply|replay|comment|response)|cancel reply|post (?:a )?comment"
    r"|\d+ comments?|comments?|no comments(?: yet)?|read more|continue reading.*"
    r"|read the full story"
    r"|share(?: this(?: article| story| post)?)?|share (?:on|via) \w+|tweet|email|print"
    # A share row's buttons, one to a block.
    r"|facebook|whatsapp|twitter|x|linkedin|telegram|reddit|pinterest|messenger|bluesky"
    r"|threads|copy link|copy url|e-mail"
    # A newsroom's standing links under every story.
    r"|report (?:an? )?(?:error|typo|correction)|(?:submit|send us) a (?:news )?tip"
    r"|corrections? (?:and|&) clarifications?"
    r"|related(?: posts| stories| articles| news| content| coverage)?|see also|read also"
    r"|you (?:may|might) also (?:like|be interested in)|recommended(?: for you| stories)?"
    r"|more (?:from|on) .{1,60}|most (?:read|popular|viewed)|trending(?: now)?"
    r"|advertisement|sponsored(?: content)?|skip to (?:main )?content"
    r"|(?:sign up|subscribe)(?: to| for)? .{0,80}newsletter.{0,120}|subscribe(?: now)?"
    r"|follow us(?: on .{1,60})?|join us on .{1,60}|click here to .{1,80}"
    r"|(?:we|this (?:web)?site) uses? cookies.{0,400}|accept(?: all)? cookies|manage cookies"
    r"|your email address will not be published.{0,200}|required fields are marked.{0,40}"
    r"|(?:photo|image) credit:.{0,80}|tags?:.{0,200}|filed under:?.{0,200})$",
    re.I,
)
# A paragraph that only points elsewhere: "Read more: <link>".
# "Also read: <headline>", "ALSO READ | <headline>", "Lire aussi / Read also : <headline>"
_POINTER = re.compile(
    r"^(?:read more|read also|related|see also|also read|also see|more|must read|don'?t miss"
    r"|read|watch|listen|also"
    r"|lire aussi|à lire aussi|voir aussi|lee también|leia também|siehe auch|lesen sie auch)"
    r"(?:\s*/\s*[\w ]{2,20})?\s*[:：|›»–—]",
    re.I,
)
_RELATED_HEAD = re.compile(
    r"^(?:related|see also|read also|you (?:may|might) also like|more (?:from|on) |most read)",
    re.I,
)


# --- conversions ---------------------------------------------------------------------------


def soup_of(html: str) -> BeautifulSoup:
    """A parsed document or fragment (lxml parser: fast and forgiving)."""
    return BeautifulSoup(html, "lxml")


def looks_like_html(text: str) -> bool:
    return (
        re.search(r"<(?:p|div|br|h[1-6]|ul|ol|li|span|a|b|i|em|strong)\b[^>]*>", text, re.I)
        is not None
    )


def text_to_html(text: str) -> str:
    """Plain text with blank-line (or line) separated paragraphs as ``<p>`` elements."""
    chunks = re.split(r"\n\s*\n", text.strip()) if "\n\n" in text else text.splitlines()
    paras = [" ".join(c.split()) for c in chunks]
    return "".join(f"<p>{_escape(p)}</p>" for p in paras if p)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- blocks --------------------------------------------------------------------------------


def leaf_blocks(root: Element) -> list[Element]:
    """Block elements that hold text but no other block, in document order."""
    tags = elements(root)
    # One bottom-up pass: descendants come after their ancestors in document order.
    holds_block: set[int] = set()
    for tag in reversed(tags):
        for child in tag:
            if is_element(child) and (child.tag in BLOCK_TAGS or id(child) in holds_block):
                holds_block.add(id(tag))
                break
    return [
        tag
        for tag in tags
        if tag.tag in BLOCK_TAGS
        and id(tag) not in holds_block
        and (tag.tag in _LEAF_TAGS or get_text(tag, strip=True))
    ]


def _block_text(tag: Element) -> str:
    return " ".join(get_text(tag, " ").split())


def _plain(text: str) -> str:
    # Markdown emphasis left in captured text ("**Editor:**") must not hide a pattern.
    return " ".join(re.sub(r"[*_#]+", "", text).split())


def _is_block(node: Node) -> bool:
    return is_element(node) and node.tag in BLOCK_TAGS


def wrap_loose_text(root: Element) -> None:
    """Text standing loose beside blocks ("<div><span>WORLD</span><p>...</p></div>") becomes
    a ``<p>`` of its own, so the rules that work block by block see it."""
    for holder in [root, *(t for t in elements(root) if t.tag in BLOCK_TAGS)]:
        nodes = children(holder)
        if not any(_is_block(n) for n in nodes):
            continue
        out: list[Node] = []
        run: list[Node] = []
        for node in [*nodes, None]:
            if node is None or _is_block(node):
                if any(has_markup(n) for n in run) and any(_visible(n) for n in run):
                    out.append(new_paragraph(run))
                else:
                    out += run
                run = []
                if node is not None:
                    out.append(node)
            elif isinstance(node, str) or is_element(node):
                run.append(node)
            else:
                out.append(node)  # a comment stays where it is
        refill(holder, out)


def _visible(node: Node) -> bool:
    if is_element(node):
        return node.tag not in ("script", "style", "template") and bool(get_text(node, strip=True))
    return isinstance(node, str) and bool(node.strip())


def split_double_breaks(root: Element) -> None:
    """Paragraphs written as text separated by ``<br><br>`` (older CMSs) become ``<p>``s, so
    each is a block of its own for the rules that work block by block."""
    for holder in [t for t in elements(root) if t.tag not in ("p", "li", "td", "th")]:
        if not attached(holder, root) or not _has_double_break(holder):
            continue
        if any(_is_block(c) for c in holder):
            continue
        paras = [new_paragraph(run) for run in _br_runs(holder) if any(map(has_markup, run))]
        refill(holder, list(paras))


def _split_lead_lines(root: Element, titles: Sequence[str]) -> None:
    """A first block whose lines (``<br>``) begin with furniture ("PRESS RELEASE<br>Headline
    <br>20 August 2025") becomes one block per line, so each line can go or stay."""
    for block in leaf_blocks(root)[:3]:
        if not any(is_element(c) and c.tag == "br" for c in block):
            continue
        lines = _br_runs(block)
        texts = [" ".join("".join(node_text(n) for n in line).split()) for line in lines]
        if lead_kind(next((t for t in texts if t), ""), titles) is None:
            continue
        parent = block.getparent()
        if parent is None:
            continue
        at = parent.index(block)
        paras = [new_paragraph(line) for line, text in zip(lines, texts, strict=True) if text]
        for k, para in enumerate(paras):
            parent.insert(at + k, para)
        drop(block)


def _br_runs(tag: Element) -> list[list[Node]]:
    """``tag``'s children split at its ``<br>`` children (which are left out)."""
    runs: list[list[Node]] = [[]]
    for node in children(tag):
        if is_element(node) and node.tag == "br":
            runs.append([])
        else:
            runs[-1].append(node)
    return runs


def _has_double_break(tag: Element) -> bool:
    prev_br = False
    for node in children(tag):
        if not is_element(node) and not node_text(node).strip():
            continue
        is_br = is_element(node) and node.tag == "br"
        if is_br and prev_br:
            return True
        prev_br = is_br
    return False


# --- boilerplate ---------------------------------------------------------------------------


def strip_boilerplate(root: Element) -> tuple[list[str], list[Element]]:
    """Remove site furniture from ``root`` in place; notes of what went, and the leaf
    blocks as they stood before its boilerplate lines went (``cut_appended`` reads where
    those stood)."""
    notes = _drop_tags(root)
    notes += _drop_furniture(root)
    before = leaf_blocks(root)
    notes += _drop_boilerplate_blocks(root)
    _drop_empty(root)
    return notes, before


def _drop_tags(root: Element) -> list[str]:
    counts: dict[str, int] = {}
    for tag in [t for t in elements(root) if t.tag in _DROP_TAGS]:
        if not attached(tag, root):
            continue
        had_text = bool(get_text(tag, strip=True))
        drop(tag)
        if had_text:
            counts[tag.tag] = counts.get(tag.tag, 0) + 1
    return [f"removed {n} <{name}> block{'s' * (n > 1)}" for name, n in sorted(counts.items())]


def _furniture_word(tag: Element) -> str | None:
    classes = tag.get("class")
    names = classes.split() if classes is not None else [""]
    attrs = " ".join([*names, tag.get("id", ""), tag.get("role", "")])
    words = set(_WORD_SPLIT.split(attrs.lower()))
    if "navigation" in words or "complementary" in words:
        return "navigation"
    hit = sorted(words & _FURNITURE_WORDS)
    return hit[0] if hit else None


def _drop_furniture(root: Element) -> list[str]:
    total = len(get_text(root, " ", strip=True)) or 1
    counts: dict[str, int] = {}
    for tag in elements(root):
        if not attached(tag, root) or tag.tag in ("html", "body", "main"):
            continue
        word = _furniture_word(tag)
        # A class such as "post has-comments" can sit on the article itself: never cut a
        # block that holds most of the text.
        if word is None or len(get_text(tag, " ", strip=True)) > total * 0.4:
            continue
        drop(tag)
        counts[word] = counts.get(word, 0) + 1
    return [f"removed {n} block{'s' * (n > 1)} marked '{w}'" for w, n in sorted(counts.items())]


def _drop_boilerplate_blocks(root: Element) -> list[str]:
    notes = []
    for tag in leaf_blocks(root):
        if not attached(tag, root):
            continue
        text = _plain(_block_text(tag))
        if not (_BOILERPLATE_TEXT.match(text) or _is_pointer(tag, text)):
            continue
        if _RELATED_HEAD.match(text):
            _drop_following_list(tag)
        notes.append(f"removed {quote(text)}")
        drop(tag)
    return notes


def _is_pointer(tag: Element, text: str) -> bool:
    if not _POINTER.match(text):
        return False
    linked = sum(len(get_text(a, " ", strip=True)) for a in tag.iterdescendants("a"))
    # Extraction may have dropped the link: a pointer then reads as a label and a headline,
    # which does not end as a sentence does.
    headline = len(text.split()) <= 24 and not text.rstrip().endswith((".", "!", "?", "”", '"'))
    return linked >= 0.5 * len(text) or len(text.split()) <= 12 or headline


def _drop_following_list(tag: Element) -> None:
    # "Related stories" headings own the list of links right after them.
    nxt = next_element(tag)
    parent = tag.getparent()
    if nxt is None and parent is not None:
        nxt = next_element(parent)
    if nxt is not None and nxt.tag in ("ul", "ol"):
        drop(nxt)


def _drop_empty(root: Element) -> None:
    for tag in reversed(elements(root)):
        if not attached(tag, root) or tag.tag in ("img", "br", "hr", "td", "th", "html", "body"):
            continue
        if get_text(tag, strip=True) or any(
            is_element(d) and d.tag in ("img", "video", "picture") for d in tag.iterdescendants()
        ):
            continue
        if get_text(tag) and _joins_words(tag):
            tag.tail = " " + (tag.tail or "")  # "intellect<b> </b>ensorcells": the space stays
        drop(tag)


def _joins_words(tag: Element) -> bool:
    """Whether removing ``tag`` would run the words on either side of it together."""
    prev, parent = tag.getprevious(), tag.getparent()
    before = (prev.tail if prev is not None else parent.text if parent is not None else "") or ""
    return bool(before[-1:].strip() and (tag.tail or "")[:1].strip())


# --- appended material ---------------------------------------------------------------------


def appended_start(
    texts: list[str], repeated: frozenset[int] = frozenset(), gone: frozenset[int] = frozenset()
) -> tuple[int, str] | None:
    """Index of the first block after the story's end, with a note; None when the story runs
    to the last block (``ingest.tail``; ``repeated``: see ``ingest.repeats``; ``gone``: the
    blocks among ``texts`` already removed as boilerplate)."""
    # block_kind drops markdown itself
    return tail_start([" ".join(t.split()) for t in texts], repeated, gone)


def cut_appended(
    root: Element, repeated: frozenset[int], before: Sequence[Element], texts: Sequence[str]
) -> list[str]:
    """Remove the appended material (and everything after it) from ``root`` in place.
    ``before``: its leaf blocks before boilerplate lines were removed, ``texts`` their
    texts (a removed "Comments" still tells where the appended material runs)."""
    gone = frozenset(i for i, b in enumerate(before) if not attached(b, root))
    found = appended_start(list(texts), repeated, gone)
    if found is None:
        return []
    index, note = found
    start = next((b for b in before[index:] if attached(b, root)), None)
    if start is None:
        return []  # all of it went as boilerplate already
    _cut_from(start, root)
    _drop_empty(root)
    return [note]


def _cut_from(start: Element, root: Element) -> None:
    """``start`` and everything after it in the document go."""
    el, parent = start, start.getparent()
    while el is not root and parent is not None:
        for later in list(el.itersiblings()):
            parent.remove(later)
        el.tail = None
        el, parent = parent, parent.getparent()
    holder = start.getparent()
    if holder is not None:
        holder.remove(start)


# --- title and dateline at the start -------------------------------------------------------


def drop_lead(root: Element, titles: Sequence[str], known: Sequence[str] = ()) -> list[str]:
    """Remove what stands before the story's first paragraph (``ingest.lead``)."""
    _split_lead_lines(root, titles)
    blocks = leaf_blocks(root)
    texts = [_plain(_block_text(b)) for b in blocks[:LOOK_AHEAD]]
    listed = [b.tag == "li" for b in blocks[:LOOK_AHEAD]]
    count, notes = lead_junk(texts, titles, known, listed)
    if count >= len(blocks):
        return []  # never the whole body: what is left would be nothing
    place = _dateline_line(texts, count)
    for tag in blocks[: count - 1 if place else count]:
        if attached(tag, root):
            drop(tag)
    if place:
        # The dateline set on a line of its own ("ANKARA", "BAAR, SWITZERLAND"), rejoined
        # with its paragraph, where the normalizer finds and records it.
        _prepend_text(blocks[count], f"{place} — ")
        if attached(blocks[count - 1], root):
            drop(blocks[count - 1])
        notes = notes[:-1]
    return notes


def _dateline_line(texts: Sequence[str], count: int) -> str | None:
    """The last leading block's text when it is a dateline on a line of its own, right
    before a first paragraph that has none."""
    if count == 0 or count >= len(texts) or find_dateline(texts[count]) is not None:
        return None
    line = texts[count - 1].strip()
    return line if standalone_dateline(line) else None


def _prepend_text(block: Element, text: str) -> None:
    block.text = text + (block.text or "")


def strip_leading(root: Element, prefix: str) -> bool:
    """Cut ``prefix`` (whitespace-insensitively) from the start of the text of ``root``."""
    want = "".join(prefix.split())
    for owner, slot in list(text_slots(root)):
        text = getattr(owner, slot)
        if not want:
            break
        if not text or not text.strip():
            continue
        kept, want = _consume(text, want)
        if kept is None:
            return False
        setattr(owner, slot, kept)
    return not want


def _consume(text: str, want: str) -> tuple[str | None, str]:
    i = 0
    while i < len(text) and want:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == want[0]:
            i += 1
            want = want[1:]
        else:
            return None, want
    return text[i:].lstrip() if not want else text[i:], want


# --- whole bodies --------------------------------------------------------------------------


class Cleaned(NamedTuple):
    html: str  # the cleaned fragment
    notes: tuple[str, ...]  # what was cut
    blocks: tuple[str, ...]  # the body's block texts before its tail was cut


def clean_body(
    html: str,
    title: str | None = None,
    *more_titles: str | None,
    known: Sequence[str] = (),
    repeated: frozenset[int] = frozenset(),
) -> Cleaned:
    """Body HTML (or plain text) without boilerplate, appended material and what precedes
    the story (``title`` and ``more_titles``, e.g. the page's own headline, are recognised
    when repeated there; ``known``, the feed's own full text of a page's story, says where
    it starts; ``repeated``, the blocks the source ends its other stories with); returns
    the cleaned HTML fragment and notes of what was cut."""
    doc, root = parse(html if looks_like_html(html) else text_to_html(html))
    if doc is None or root is None:
        return Cleaned("", (), ())
    split_double_breaks(root)
    wrap_loose_text(root)
    notes, before = strip_boilerplate(root)
    texts = tuple(_block_text(b) for b in before)
    kept = tuple(t for b, t in zip(before, texts, strict=True) if attached(b, root))
    notes += cut_appended(root, repeated, before, texts)
    notes += drop_lead(root, [t for t in (title, *more_titles) if t], known)
    return Cleaned(serialize(doc, root), tuple(notes), kept)  # kept: before the tail went


def select_body(html: str, selector: str, remove: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """The HTML of the elements ``selector`` matches, ``remove`` selectors cut first;
    None when it matches nothing."""
    soup = soup_of(html)
    notes = []
    for sel in remove:
        hits = soup.select(sel)
        for tag in hits:
            tag.decompose()
        if hits:
            notes.append(f"removed {len(hits)} block{'s' * (len(hits) > 1)} matching {sel}")
    found = soup.select(selector)
    if not found:
        return None, notes
    return "\n".join(str(tag) for tag in found), notes


def page_text(html: str) -> str:
    """All visible text of a page (for date lines and sanity checks)."""
    return html_to_text(html)


def remove_prefix(html: str, prefix: str) -> str:
    """``html`` with ``prefix`` cut from the start of its text (tags kept); unchanged when the
    text does not start with it."""
    doc, root = parse(html)
    if doc is None or root is None:
        return html
    return serialize(doc, root) if strip_leading(root, prefix) else html
