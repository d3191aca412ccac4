"""Where the story starts: what a page puts before its first paragraph, and is not story.

Pages and feeds put their furniture before the text inside the very container that holds
it: section labels and breadcrumbs ("WORLD | AFRICA"), kickers, the headline again (exactly,
in capitals, or nearly), byline and date lines, "Updated 2 hours ago", "Listen to this
article · 4 min", an image with its caption and credit, wire update notes ("(Updates death
toll)"), a newsletter's greeting and "You're reading ..." prompt.

Two rules, both on the plain texts of the body's first blocks (pure functions):

* a dateline ("LIMA (Austral Wire) —") marks where a wire story starts: the short blocks
  before it go;
* without one, leading blocks go while each is recognisably one of the kinds above, and
  the first block of prose stops the cut.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ingest import tail
from ingest.dateline import find_dateline
from ingest.dates import DATE_LINE
from ingest.either import Either
from ingest.shown import quote
from ingest.wordcount import ENDS_SENTENCE, size, typewriter

START = "at the start:"  # how this module's notes begin, for `communique check`
LOOK_AHEAD = 20  # blocks examined at the start; MAX_LEAD_WORDS bounds what they hold
MAX_LEAD_WORDS = 160  # at most this much text stands before a dateline that starts a story

_SEPARATED = re.compile(r"\s[|›»>/·•]\s|^[|›»>/·•]|\s[|›»>/·•]$")
_LISTEN = re.compile(
    r"^(?:listen(?:ing)?\b(?! to (?!(?:this|the|our|an?)\b))(?! (?:closely|carefully|again|"
    r"hard|back)\b)|audio\b|play\b|hear this"
    r"|\d+\s*min(?:ute)?s?\s*(?:read|listen)\b"
    r"|read(?:ing)? time\b|estimated reading|time to(?: read)?\s*:?\s*\d+\s*min)",
    re.I,
)
_UPDATED = re.compile(
    r"^(?:last\s+)?(?:updated|published|posted|modified|first published|created)\b", re.I
)
_AGO = re.compile(
    r"\b(?:\d+|an?|one|few)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?)\s+ago\b", re.I
)
_BYLINE = re.compile(
    r"^(?:by|words by|story by|reporting by|written by|von|par|por)\s+\S"
    r"|^(?:reported|edited|written|compiled|produced) by\s*:?\s*\S"  # "Reported by: ..."
    r"|^(?:writer|author|reporter|byline)\s*:\s*\S",  # "WRITER: Reuters"
    re.I,
)
_STAFF = Either(
    r"\b(?:staff (?:writer|reporter)|correspondent|bureau|contributor|editor|reporter)s?\b", re.I
)
# (Written as top-level alternatives, "by" at the start apart, for Either's lookahead.)
_CREDIT = Either(
    r"\b(?:photo(?:graph)?s?|images?|pictures?|credits?|illustrations?|video|file photo)"
    r"\s*(?::|/|courtesy)|^(?:photo(?:graph)?|image|picture)s? by\b"
    r"|[.)]\s+(?:photo(?:graph)?|image|picture)s? by\b|©|\bcourtesy of\b"
    r"|[/|]\s*(?:AFP|Reuters|AP|EPA|Getty Images|Xinhua|Bloomberg)\b"
    r"|\b(?:REUTERS|AFP|AP|EPA|XINHUA|ANADOLU)\s*/\s*\w|\bGetty Images\b|\bShutterstock\b"
    r"|\bin an? (?:undated |)(?:file|handout|archive) (?:photo|picture|image)\b"
    r"|\((?:file|handout)\)\s*$|^file (?:photo|picture|image)\b|/\s*file photo\b"
    r"|^this (?:file |handout |undated )?(?:photo|picture|image)\b[^.]{0,80}\bshows?\b"
    r"|\bpurchase licensing rights\b"
    # A caption's credit after it: "... in Karachi. — ICP/File", "... (BD Photo)", "...
    # Etnea. (AIN photo)", "... district. File photo", "Ilustrasi - ..."
    r"|[.)]\s*[—–-]\s*[\w./ ]{0,40}\b(?:photo|file|pic|picture)\b[\w ./]{0,30}$"
    r"|\((?:[\w./-]+ ){0,3}(?:photo|file|pic)s?\)$|[.]\s*file (?:photo|picture|image)\.?$"
    r"|^(?:ilustrasi|illustration|ilustración)\s*[-—–:]\s"
    # A photographer's name in capitals after the caption: "... in Carlet. MÓNICA TORRES"
    r"|[.)]\s+(?-i:[A-ZÀ-Ý]{2,}(?:\s+[A-ZÀ-Ý]{2,}){1,3})$"
    r"|\bfor representation(?:al)? purposes?\b",
    re.I,
)
# Where a republished story comes from, said before it: "This story originally appeared on X."
_PROVENANCE = re.compile(
    r"^(?:this (?:story|article|piece|post) (?:originally|first) (?:appeared|ran|was published)"
    r"|this (?:story|article|piece|post) (?:was|has been) (?:\w+ )?translated\b"
    r"|(?:originally|first) published (?:on|in|by)|provided by\b|republished (?:from|with)"
    r"|\(?with (?:inputs|input|reporting|files) from\b)",
    re.I,
)
_NOTE = re.compile(
    r"^(?:\((?:attn\s*:\s*)?(?:updates?|adds?|recasts?|corrects?|changes?|rewrites?|refiles?"
    r"|writes through)\b"
    r"|this (?:story|article|post|report|piece) (?:has been|was|is) (?:updated|corrected|amended)"
    r"|this is a (?:short |brief )?(?:update|follow-up)\b|part (?:one|two|three|\d+) of\b"
    r"|(?:a )?(?:quick|short|brief)(?:,? [a-z]+)? (?:follow-up|update|note|one)\b(?!-)"
    r"|(?:editor'?s|programming|housekeeping|scheduling) note\b"
    # A newsletter writer's word about the issue itself: "Writing this on very little sleep
    # from Yerevan.", "A longer issue than usual today, for obvious reasons."
    r"|writing this\b"
    r"|(?:an? )?(?:longer|shorter|short|quick|brief) (?:issue|edition|letter|newsletter)"
    r" (?:than usual|today|this week)\b"
    # "One story today, because it deserves the space.", "Just two things this week."
    r"|(?:just |only )?(?:one|two|three|a single) (?:story|stories|item|items|thing|things"
    r"|topic|topics) (?:today|this week|this time)\b)",
    re.I,
)
_NEWSLETTER = Either(
    r"^(?:you'?re reading|you are reading|forwarded this|welcome to|(?:good )?(?:morning|"
    r"afternoon|evening)|hola|hello|hi|hey|greetings|bonjour|dear (?:readers|subscribers))\b"
    # The page's buttons and prompts above the story: "Save articles to read later ...",
    # "Gift this article", "Stay updated ...: follow TRT World on X".
    r"|^(?:save (?:articles?|stories|this (?:article|story))|gift this (?:article|story)"
    r"|add to (?:your )?(?:saved|reading list)|copy link|stay updated\b)"
    r"|\breading list\b|\bfollow [\w .'’-]{1,40} on (?:x|twitter|facebook|instagram|telegram"
    r"|whatsapp|google news|threads|bluesky)\b"
    r"|\b(?:subscribe|sign up|newsletter|free edition|paid edition|this edition|edition\b)"
    r"|^download (?:the|our) [\w .'’-]{1,40} app\b"
    # Channels on messaging apps: "Join our WhatsApp channel ...", "Add X on LINE @x".
    r"|\b(?:whatsapp|telegram|viber|line) (?:channel|group|community|official account)\b"
    r"|^add [\w .'’-]{1,40} on (?:line|whatsapp|telegram|viber)\b"
    r"|^(?:baca juga|lihat juga|read also|also read|lee también|leia também)\s*:",
    re.I,
)
_LEADING_MARKS = re.compile(r"^[^\w©]+(?=[\w©])")  # "· 4 min read", "🎧 Listen"; not "© AFP"
# A label's count in brackets is no sentence's end: "Photo gallery (6)", "Download PDF (212 KB)".
_COUNTED = re.compile(r"\(\s*\d[\d.,]*\s*(?:[KMG]B|pages?|photos?|images?|videos?)?\s*\)$", re.I)
# A row of share buttons in one block: "Share on Facebook Share on X Share via Email Print".
_SHARE_ROW = re.compile(r"\bshare (?:on|via|to)\b.*\bshare (?:on|via|to)\b", re.I)
_SUMMARY = re.compile(
    r"^(?:key (?:points|takeaways|facts)|highlights|story highlights|at a glance|in brief"
    r"|in short|summary|tl;? ?dr|quick read|the big picture|what we know|the gist)\b",
    re.I,
)
_MEDIA_LABEL = re.compile(
    r"^(?:watch|listen|video|videos|gallery|photos|in pictures|live|podcast)\s*[|:›»]\s", re.I
)
_NOTED_HEADING = re.compile(r"^[^()]{1,30}\([^()]{1,120}\)\s*:?$")  # a heading and its note
_FULL_STOP = re.compile(r"[.!?…][\"'”’)\]]*\s*$")  # "(new)" ends no sentence
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


# Kinds that only ever stand in a page's header, never after the story has begun (unlike
# captions and labels, which also sit between paragraphs).
_HEADER_ONLY = frozenset(
    ["the title repeated", "byline", "date line", "listen line", "newsletter line",
     "editor's note", "summary box", "summary point", "provenance line"]
)  # fmt: skip
MAX_DEK_BLOCKS = 2  # a standfirst between headline and byline: a sentence or two
MAX_CELL_WORDS = 8  # a short line without a sentence's end: a caption, a table's cell


def lead_junk(
    texts: list[str],
    titles: Sequence[str],
    known: Sequence[str] = (),
    listed: Sequence[bool] = (),
) -> tuple[int, list[str]]:
    """How many of the leading ``texts`` are not story, and a note for each. ``known``: the
    story's paragraphs as its feed gives them in full, when the text is from its page;
    ``listed``: which texts are items of a list (``<li>``)."""
    head = [" ".join(t.split()) for t in texts[:LOOK_AHEAD]]
    kinds = _kinds(head, titles, texts[:LOOK_AHEAD])
    kinds = _with_highlights(head, _with_summary_points(head, kinds), listed)
    kinds = _with_captions(head, kinds)
    start = _dateline_start(head, kinds)
    if start is None:
        start = _known_start(head, known) or _after_header(head, kinds)
        while start < len(head) and kinds[start] is not None:
            start += 1
        start += _restated(head, kinds, start)
    notes = [f"{START} removed {kinds[i] or 'standfirst'} {quote(head[i])}" for i in range(start)]
    return start, notes


MAX_STANDFIRST_WORDS = 35
RESTATED_SHARE = 0.4
# Words that say nothing of what a sentence is about, for ``_restated``.
_FUNCTION_WORDS = frozenset(
    ["the", "a", "an", "of", "to", "in", "on", "and", "or", "for", "with", "by", "at", "from",
     "as", "is", "was", "are", "were", "be", "been", "has", "have", "had", "its", "it", "that",
     "this", "which", "will", "would", "after", "over", "into", "their", "his", "her", "they",
     "said", "says", "not", "but", "than", "more", "most", "new"]
)  # fmt: skip


def _restated(head: list[str], kinds: list[str | None], start: int) -> int:
    """1 when the block at ``start`` is a standfirst that the story's first paragraph, right
    after it, tells again at length ("Volumes fell, but revenue rose by a third in the first
    quarter." over "Vietnam's coffee export earnings rose by a third ..."); else 0. Measured on
    the tuning outlets: 36% of standfirsts share 40% or more of their words with the first
    paragraph; one first paragraph in 1,387 shares as much with the second."""
    if start + 1 >= len(head) or kinds[start] is not None or kinds[start + 1] is not None:
        return 0
    dek, lede = head[start], head[start + 1]
    if size(dek) > MAX_STANDFIRST_WORDS or size(lede) <= size(dek) or find_dateline(dek):
        return 0
    if dek.endswith(":") or lede.startswith(("“", '"', "‘", "'")):
        return 0  # "... issued the following statement:", then the statement
    said = {w for w in _words(dek) if len(w) > 2 and w not in _FUNCTION_WORDS}
    if len(said) < 3:
        return 0
    again = said & set(_words(lede))
    return int(len(again) / len(said) >= RESTATED_SHARE)


OPENING_WORDS = 8  # a paragraph is recognised by its first words


def _known_start(head: list[str], known: Sequence[str]) -> int | None:
    """Where the feed's own full text starts on the page: the page's blocks before it that
    the feed's text does not have (a standfirst, a deck, a kicker) are the page's, not the
    story's. None when the feed says nothing, or the page starts where the feed does."""
    if not known:
        return None
    whole = {_opening(p) for p in known}
    firsts = {_opening(p) for p in known[:3]}
    words = 0
    for i, text in enumerate(head):
        opening = _opening(text)
        if opening in firsts:
            return i or None
        if opening in whole:
            return None  # the page has a paragraph of the story first: it starts here
        words += size(text)
        if words > MAX_LEAD_WORDS:
            return None
    return None


def _opening(text: str) -> str:
    return " ".join(_words(text)[:OPENING_WORDS])


MAX_CAPTION_WORDS = 30


def _with_captions(head: list[str], kinds: list[str | None]) -> list[str | None]:
    """A line that does not end as a sentence, beside an image's bare credit ("Image:
    Marko D./AP Photo", "Getty Images"), is that image's caption."""
    out = list(kinds)
    for i, text in enumerate(head):
        if kinds[i] is not None or size(text) > MAX_CAPTION_WORDS or _ends(text):
            continue
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(head)]
        if any(kinds[j] == "image caption" and size(head[j]) <= 6 for j in near):
            out[i] = "image caption"
    return out


def _with_summary_points(head: list[str], kinds: list[str | None]) -> list[str | None]:
    """The short items under a "Key points" heading belong to that box, not the story."""
    out = list(kinds)
    inside, style = False, None
    for i, text in enumerate(head):
        if kinds[i] == "summary box":
            inside, style = True, None
            continue
        # A box's points are alike: all end as sentences or none do. The first block unlike
        # them is the story's first paragraph ("VAT stays at 15%" over "The minister ...").
        if inside and style is not None and _ends(text) != style:
            inside = False
        if inside and style is None:
            style = _ends(text)
        if (
            inside
            and kinds[i] is None
            and size(text) <= MAX_POINT_WORDS
            and not find_dateline(text)
        ):
            out[i] = "summary point"
        elif kinds[i] is None:
            inside = False
    return out


def _with_highlights(
    head: list[str], kinds: list[str | None], listed: Sequence[bool]
) -> list[str | None]:
    """A list of short items above the story's first paragraph, before any prose, is the
    page's highlights ("20 % recycled plastic in new cars", "Crackdown on ..."), its key
    points or its links: a story opens with a paragraph, and lists come within it."""
    out = list(kinds)
    run: list[int] = []
    for i, text in enumerate(head):
        item = i < len(listed) and listed[i]
        if kinds[i] is not None:
            continue  # furniture already, in the list or not
        if item and size(text) <= MAX_POINT_WORDS:
            run.append(i)
        elif item or not run:
            return out  # a long item, or prose first: the story has begun
        else:  # the first paragraph after the list
            for j in run:
                out[j] = "summary point"
            return out
    return out


MAX_POINT_WORDS = 30


def _after_header(head: list[str], kinds: list[str | None]) -> int:
    """The index just past the last header-only block, when what stands before it is short
    (a standfirst at most); 0 when there is none."""
    end, prose, words = 0, 0, 0
    for i, (text, kind) in enumerate(zip(head, kinds, strict=True)):
        words += size(text)
        if words > MAX_LEAD_WORDS:
            break
        if kind in _HEADER_ONLY:
            end = i + 1
        elif kind is None:
            prose += 1
            # A standfirst stands under a headline or label: prose before any of the
            # header is the story itself, unless the header's byline or date line comes
            # right after it (the page's headline stood outside the body).
            first = i == 0 and not (size(text) <= 40 and _header_next(kinds))
            if first or prose > MAX_DEK_BLOCKS or size(text) > 45:
                break
    return end


def _header_next(kinds: list[str | None]) -> bool:
    """A byline, date or reading-time line follows at once, or after one short label (an
    author's name alone: "Kenta Mori ·")."""
    header = ("byline", "date line", "listen line")
    after_label = len(kinds) > 2 and kinds[1] == "section label" and kinds[2] in header
    return len(kinds) > 1 and (kinds[1] in header or after_label)


def _dateline_start(head: list[str], kinds: list[str | None]) -> int | None:
    """The index of the first block that opens with a dateline, when what stands before it
    is short furniture; None when there is none (or it starts the body already)."""
    words, prose = 0, 0
    for i, text in enumerate(head):
        if i > 0 and find_dateline(text) is not None:
            return i
        n = size(text)
        if i == 0 and kinds[0] is None and n > 25:
            return None  # a paragraph first: the story (or its summary) has begun
        words += n
        # A table's cells and a box's caption are short lines, not paragraphs of prose.
        prose += kinds[i] is None and (n > MAX_CELL_WORDS or bool(_FULL_STOP.search(text)))
        if words > MAX_LEAD_WORDS or prose > MAX_DEK_BLOCKS or (n > 45 and kinds[i] is None):
            return None  # paragraphs of prose: the story has started already
    return None


def _kinds(head: list[str], titles: Sequence[str], raw: Sequence[str]) -> list[str | None]:
    """``lead_kind`` of each block, or of its lines (``_lines_kind``). The page's notes are
    looked for only before the first paragraph of prose and within MAX_LEAD_WORDS: they
    stand above the story, and the search on every paragraph of every body cost a fifth of
    all the cleaning rules."""
    kinds: list[str | None] = []
    words, prose = 0, False
    for text, lines in zip(head, raw, strict=True):
        notes = words < MAX_LEAD_WORDS and not prose
        kind = lead_kind(text, titles, notes=notes)
        if kind is None and notes and "\n" in lines.strip():
            kind = _lines_kind(lines, titles)
        kinds.append(kind)
        n = size(text)
        words += n
        prose = prose or (kinds[-1] is None and n > PROSE_WORDS)
    return kinds


PROSE_WORDS = 25  # a block of prose this long is a paragraph of the story or its standfirst


def _lines_kind(block: str, titles: Sequence[str]) -> str | None:
    """A block of lines is furniture when each line is ("Author: Dana Whitcomb" over
    "Published: 5:42 PM CST"), and an image's caption when one line is its credit and the
    block is a caption's length ("© UNHR/Hamid Osman" over what the picture shows)."""
    lines = [" ".join(line.split()) for line in block.splitlines() if line.strip()]
    kinds = [lead_kind(line, titles) for line in lines]
    if all(kinds):
        return kinds[0]
    if "image caption" in kinds and size(block) <= MAX_CAPTION_WORDS:
        return "image caption"
    return None


def lead_kind(text: str, titles: Sequence[str], *, notes: bool = True) -> str | None:
    """What a leading block is, when it is not story; None for prose. ``notes``: look for
    the page's notes too (``tail.page_note``)."""
    flat = typewriter(_LEADING_MARKS.sub("", text))
    words = size(flat)
    if not flat:
        return "empty block"
    if _is_title(flat, titles):
        return "the title repeated"
    if _SUMMARY.match(flat) and (words <= 6 or (words <= 20 and _NOTED_HEADING.match(flat))):
        return "summary box"  # "At a glance (summary drafted with AI assistance ...)"
    if words <= 16 and _LISTEN.match(flat):
        return "listen line"
    if words <= 12 and (_UPDATED.match(flat) or _AGO.search(flat) or _is_date_line(flat)):
        return "date line"
    if 12 < words <= 24 and _DATE_SEPARATORS.search(flat) and _is_date_line(flat):
        return "date line"  # published and updated, or after the outlet's name
    if 12 < words <= 24 and _UPDATED.match(flat) and _is_date_line(flat) and not _ends(flat):
        return "date line"  # "Published at : September 8, 2025  Updated at : ..."
    if words <= 16 and _META_LINE.match(flat) and not _ends(flat):
        return "date line"  # "On July 21, 2025 9:07 am In News by Adaeze Nwankwo"
    if words <= 12 and _is_byline(flat):
        return "byline"
    if _NOTE.match(typewriter(text.strip())) and words <= 40:
        return "editor's note"
    if words <= 45 and _CREDIT.search(flat):
        return "image caption"
    if words <= 25 and _PROVENANCE.match(flat):
        return "provenance line"
    if words <= 24 and _NEWSLETTER.search(flat):
        return "newsletter line"
    if words <= 16 and _SHARE_ROW.search(flat):
        return "share links"
    if words <= 20 and _MEDIA_LABEL.match(flat):
        return "section label"  # "WATCH | Eskom's grid chief on why ...", "VIDEO: ..."
    labelled = not _ends(flat) or bool(_COUNTED.search(flat))
    if (words <= 8 and labelled) or (words <= 16 and len(_SEPARATED.findall(flat)) >= 2):
        return "section label"
    # What the tail rules know of a page's own notes is as true above a story as below it:
    # a sponsor's line, a disclaimer, a row of share links, a caption's credit. (Not its
    # prompts: a first paragraph may open with an imperative, "Get the sun cream out.")
    return tail.page_note(flat) if notes else None


def _is_byline(flat: str) -> bool:
    """ "By Ana Quispe, Lima", "Reported by: ...", "Staff reporter": not "By most measures,
    the system has had a terrible decade." (a byline names; it does not run to a full stop
    after a comma's clause)."""
    if _BYLINE.match(flat):
        return not (_ends(flat) and "," in flat and size(flat) > 6)
    return bool(_STAFF.search(flat)) and not _ends(flat)


def _is_title(text: str, titles: Sequence[str]) -> bool:
    """``text`` is one of the headlines again (``_repeats``), or one with the outlet's name
    after it ("SBP keeps policy rate unchanged - The Indus Chronicle")."""
    if not any(titles):
        return False
    words = _words(text)
    if any(_repeats(words, _title_words(t)) for t in titles if t):
        return True
    if len(words) > SITE_TITLE_WORDS:
        return False  # (the test below searches a headline's length, not a paragraph's)
    named = _SITE_AFTER.search(text)
    return named is not None and _is_title(text[: named.start()], titles)


SITE_TITLE_WORDS = 30  # a headline with the outlet's name after it is at most this long
# The outlet's name after a headline: a dash or bar, then a few capitalised words.
_SITE_AFTER = re.compile(r"\s[-—–|]\s+(?:the\s+)?(?:[A-Z][\w.'’&-]*\s*){1,5}$", re.I)


@lru_cache(maxsize=64)
def _title_words(title: str) -> list[str]:
    # The same few titles are compared with each of a body's first blocks. (Callers only
    # read the list.)
    return _words(title)


def _repeats(a: list[str], b: list[str]) -> bool:
    """Words ``a`` are the headline's ``b`` again: the same, nearly all of them, in any case."""
    if not a or not b:
        return False
    near = len(a) <= len(b) + 3 and _share(a, b) >= 0.8 and _share(b, a) >= 0.8
    return a == b or near


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _share(a: list[str], b: list[str]) -> float:
    inside = set(b)
    return sum(1 for w in a if w in inside) / len(a)


# What sets a longer date line's parts apart: "... / 10:15 AM March 04, 2025", "[ Last Update:"
# (asked first: DATE_LINE's search is the costly one).
_DATE_SEPARATORS = re.compile(r"[|/·•\[(]")
# What a date line may say besides its dates: "Tuesday, 04 March 2025 10:15 AM [ Last Update:
# ... ]", "Philippine Daily Inquirer / 10:15 AM March 04, 2025".
_DATE_WORDS = re.compile(
    r"\b(?:last|updated?|published|posted|modified|on|at|and|am|pm|(?-i:[A-Z]{2,4}))\b"
    r"|\b\d{1,2}[:.]\d{2}\b|[\W_]+",
    re.I,
)


# A blog's meta line: the date first, then its category or author.
_META_LINE = re.compile(
    r"^(?:on|posted on|published on)\s+(?:\w+,?\s+)?(?:\w+\s+\d{1,2}|\d{1,2}\s+\w+),?\s+\d{4}"
    r".{0,60}\b(?:by|in)\s+[A-Z]",
    re.I,
)


def _is_date_line(text: str) -> bool:
    # Every date DATE_LINE reads has a digit: most leading blocks are spared its search.
    match = DATE_LINE.search(text) if _DIGIT.search(text) else None
    if match is None:
        return False
    if len(text) - len(match.group(0)) <= 24:
        return True
    # Several dates, or one after the outlet's name: the rest is labels and separators.
    rest = _DATE_WORDS.sub(" ", DATE_LINE.sub(" ", text)).split()
    separated = bool(_SEPARATED.search(text)) or len(DATE_LINE.findall(text)) > 1
    # What is left names the outlet ("Philippine Daily Inquirer"), not what happened.
    return separated and len(rest) <= 4 and all(w[:1].isupper() for w in rest)


def _ends(text: str) -> bool:
    return bool(ENDS_SENTENCE.search(text))
