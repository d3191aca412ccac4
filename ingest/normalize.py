"""Normalization: a raw item (and its extracted page) becomes one clean, rich ``Story``.

Pure: every decision is a function of the item, the article, the source spec and ``now``.
The body is cleaned once more here even when extraction already cleaned it, because the
pipeline may hand over the feed's own HTML instead (auto mode, when the feed's text is longer).
"""

from __future__ import annotations

import dataclasses
import hashlib
import html as htmllib
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ingest import diplomacy_model, repeats
from ingest.clean import clean_body, remove_prefix
from ingest.dateline import default_agencies, find_attributions, find_dateline
from ingest.dates import choose_published, clamp_date, has_time, parse_date, source_zone
from ingest.errors import ParseError
from ingest.html_tree import html_to_text
from ingest.language import detect_language, normalize_tag
from ingest.model import Article, Ending, RawItem, SourceSpec, Story
from ingest.parties import acting_in_headline
from ingest.parties import parties as find_parties
from ingest.sanitize import TITLE_CHARS, plain_field, sanitize_html, summarize, xml_safe
from ingest.tags import BLOCS, Mention, Tagger, default_tagger
from ingest.teaser import SUMMARY_ONLY_WORDS
from ingest.urls import canonical_url, link_url, prefer_canonical
from ingest.wordcount import size

_TAGS = re.compile(r"<[^>]+>")
_TITLE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?P<sep>[-|–—:·•]|::)\s+(?P<tail>[^-|–—]{2,60})$")


@dataclass(frozen=True, slots=True)
class _Body:
    html: str
    text: str
    dateline: str | None
    dateline_agency: str | None
    removed: tuple[str, ...]
    ending: Ending


def normalize(
    item: RawItem,
    article: Article | None,
    source: SourceSpec,
    *,
    now: datetime,
    key: str,
    repeated: frozenset[int] = frozenset(),
) -> Story:
    """The Story for ``item``; ParseError naming the cause when there is nothing to keep.
    ``repeated``: the blocks the source ends its other stories with (``ingest.repeats``)."""
    outlet = _outlet(item, article, source)
    title = clean_title(
        item.title or (article.title if article else None), _outlets(item, article, source)
    )
    body = _body(item, article, title, repeated)
    if not item.url and article is None and body.text:
        body = _linkless(body)
    if not title and not body.text:
        raise ParseError("item has no title and no text")
    title = title or _first_words(body.text)
    text_all = f"{title}\n\n{body.text}"
    tagger = default_tagger()
    hits = tagger.topic_hits(text_all)
    tags = _tags(tagger, title, body.text, hits, tagger.capital_of(body.dateline))
    topics = tags.topics
    return Story(
        source=source.name,
        key=key,
        url=_url(item, article, source),
        title=xml_safe(title),
        body_html=body.html,
        body_text=body.text,
        summary=summarize(body.text or html_to_text(item.summary_html or "")),
        published=_published(item, article, now, source_zone(source)),
        first_seen=now,
        outlet=xml_safe(outlet),
        content_hash=content_hash(body.text),
        published_raw=_clean_opt(
            item.published_raw or (article.published_raw if article else None)
        ),
        updated=clamp_date(item.updated, now),
        author=_clean_opt(item.author or (article.author if article else None)),
        language=_language(item, article, source, text_all),
        word_count=len(re.findall(r"\w+", body.text)),
        dateline=body.dateline,
        attributions=_attributions(body),
        countries=stored_parties(tags.parties, topics),
        mentions=tags.mentions,
        organizations=tags.organizations,
        topics=topics,
        # A story the model made diplomacy scores what the model gave it, so that a feed's
        # min_score does not drop what its diplomacy topic lets in.
        score=max(tagger.score(hits, len(tags.mentions)), tags.learned_score, tags.least_score),
        removed=body.removed,
        learned=("diplomacy",) if tags.learned_score else (),
        ending=body.ending,
    )


# --- title ---------------------------------------------------------------------------------


def clean_title(raw: str | None, outlets: tuple[str, ...] = ()) -> str:
    """A title that is already plain text (the readers decode it once, per its type):
    whitespace folded, bidi controls dropped, capped at a word, an outlet suffix removed.
    Nothing is unescaped or stripped here again, so "1 < 2" stays."""
    if not raw:
        return ""
    return plain_field(_strip_outlet(plain_field(raw, 10 * TITLE_CHARS), outlets))


def _strip_outlet(title: str, outlets: tuple[str, ...]) -> str:
    match = _TITLE_SUFFIX.match(title)
    if not match:
        return title
    tail = match.group("tail").strip()
    known = any(_same_outlet(tail, name) for name in outlets) or _is_agency(tail)
    # "Title | Site" is a site suffix even when we do not know the site; dashes need a name.
    if known or (match.group("sep") == "|" and len(tail.split()) <= 6):
        return match.group("title").strip()
    return title


def _same_outlet(tail: str, name: str) -> bool:
    a, b = _fold(tail), _fold(name)
    return bool(a and b) and (a == b or a in b or b in a)


def _is_agency(tail: str) -> bool:
    match = default_agencies().pattern.fullmatch(tail)
    return match is not None


def _fold(text: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(text.split()).casefold())


def _outlets(item: RawItem, article: Article | None, source: SourceSpec) -> tuple[str, ...]:
    names = (source.outlet, article.site_name if article else None, item.feed_title, source.name)
    return tuple(n for n in names if n)


def _outlet(item: RawItem, article: Article | None, source: SourceSpec) -> str:
    return clean_title(_outlets(item, article, source)[0])


def _first_words(text: str, limit: int = 12) -> str:
    words = text.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


# --- body ----------------------------------------------------------------------------------


def _body(item: RawItem, article: Article | None, title: str, repeated: frozenset[int]) -> _Body:
    raw = article.body_html if article else (item.content_html or item.summary_html or "")
    page_title = article.title if article else None
    known = _feed_paragraphs(item) if article else ()
    cleaned, notes, blocks = (
        clean_body(raw, title, page_title, known=known, repeated=repeated)
        if raw.strip()
        else ("", (), ())
    )
    html = sanitize_html(cleaned)
    text = xml_safe(html_to_text(html))
    found = find_dateline(text)
    if found is not None:
        html = remove_prefix(html, found.text)
        text = text[len(found.text) :].lstrip()
    removed = (*(article.removed if article else ()), *notes)
    return _Body(
        html=html,
        text=text,
        dateline=found.place if found else None,
        dateline_agency=found.agency if found else None,
        removed=tuple(dict.fromkeys(removed)),
        ending=repeats.ending(blocks),
    )


def _feed_paragraphs(item: RawItem) -> tuple[str, ...]:
    """The feed's own full text of the story, by paragraph; () when it gives a summary."""
    text = html_to_text(item.content_html or "")
    if size(text) < SUMMARY_ONLY_WORDS:
        return ()
    return tuple(p for p in text.split("\n\n") if p.strip())


LINKLESS_NOTE = "This item has no link of its own; its link leads to the source's page."


def _linkless(body: _Body) -> _Body:
    """Say so in the item when its link is the source's page, not its own."""
    return dataclasses.replace(
        body,
        html=f"{body.html}<p><em>{LINKLESS_NOTE}</em></p>",
        text=f"{body.text}\n\n{LINKLESS_NOTE}",
    )


@dataclass(frozen=True, slots=True)
class _Tags:
    parties: tuple[str, ...]
    mentions: tuple[str, ...]
    organizations: tuple[str, ...]
    hits: dict[str, int]
    diplomacy: bool  # by the rules, or by ``diplomacy_model`` where the story is between states
    learned_score: float  # the model's probability where it made the story diplomacy, else 0
    least_score: float = 0.0  # where the headline made it diplomacy: as the topics would

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics matched, with "diplomacy" decided from them and the parties."""
        names = set(self.hits) - {"diplomacy"}
        if self.diplomacy:
            names.add("diplomacy")
        return tuple(sorted(names))


_LEISURE = frozenset(["sport", "entertainment"])


def stored_parties(parties: tuple[str, ...], topics: tuple[str, ...]) -> tuple[str, ...]:
    """The parties as stored. Parties are parties to relations between states: a lone state
    in a story that is not diplomacy is that state's own affairs (its election, budget,
    storm), which has none. Two or more keep theirs (aid sent, a border shared), except in
    sport and entertainment: a match between national teams is a sports result, which the
    definition of parties names as having none."""
    if "diplomacy" in topics:
        return parties
    if _LEISURE & set(topics):
        return ()  # a match or a film festival between two countries: no relations of states
    return parties if len(parties) > 1 else ()


def _tags(
    tagger: Tagger, title: str, text: str, hits: dict[str, int], dateline_home: str | None = None
) -> _Tags:
    """Countries named, blocs named, and the states (or the EU) that are parties."""
    body_countries = tagger.mentions(text, named=[dateline_home] if dateline_home else ())
    named = {m.code for m in body_countries}  # an ambiguous "Chad" heads a story about Chad
    title_countries = tagger.mentions(title, context=named, named=named)
    title_bodies, body_bodies = tagger.bodies(title), tagger.bodies(text)

    def with_eu(countries: list[Mention], bodies: list[Mention]) -> list[Mention]:
        eu = [m for m in bodies if m.code == "EU"]
        return sorted(countries + eu, key=lambda m: m.start)

    parties = find_parties(
        title,
        text,
        with_eu(title_countries, title_bodies),
        with_eu(body_countries, body_bodies),
        political=tagger.political(hits),
        dateline_home=dateline_home,
    )
    # A party is a country the story names, if only by its capital's dateline ("LILONGWE —
    # The government signed ...").
    named_parties = {code for code in parties if code != "EU"}
    mentions = tuple(sorted({m.code for m in title_countries + body_countries} | named_parties))
    organizations = tuple(sorted({m.code for m in title_bodies + body_bodies}))
    others = (*mentions, *organizations)
    bloc_in_title = any(m.code in BLOCS for m in title_bodies)
    diplomacy = tagger.diplomatic(hits, parties, others, bloc_in_title)
    # The model is asked only where it can count: the rules said no, and the story is
    # between states at all. Where the party rules found no state acting, the states named
    # stand in: the model reads the story's acts in words the party rules do not know either.
    learned = 0.0
    between = not diplomacy and tagger.between_states(hits, parties or mentions, others)
    if between and diplomacy_model.is_diplomacy(title, text):
        diplomacy, learned = True, round(diplomacy_model.probability(title, text), 3)
    # Two states acting on each other in the headline are relations between states, in
    # words no topic lists ("Chinese, Egyptian air forces conclude joint training"); such
    # a story scores as the least of those the topics call diplomacy.
    acting = acting_in_headline(title, title_countries) & set(parties)
    if not diplomacy and not hits and len(acting) >= 2:
        least = tagger.least_diplomatic(len(mentions))
        return _Tags(parties, mentions, organizations, hits, True, 0.0, least)
    return _Tags(parties, mentions, organizations, hits, diplomacy, learned)


def _attributions(body: _Body) -> tuple[str, ...]:
    found = find_attributions(body.text)
    if body.dateline_agency and body.dateline_agency not in found:
        return (body.dateline_agency, *found)
    return found


def content_hash(text: str) -> str:
    """sha256 of the text with case and whitespace folded: equal text, equal hash."""
    folded = " ".join(text.split()).casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


# --- the rest ------------------------------------------------------------------------------


def _url(item: RawItem, article: Article | None, source: SourceSpec) -> str:
    # An item without a link (RSS allows it) points at its source rather than being lost;
    # its identity is then its content hash (ingest.identity).
    page = item.url or (article.url if article else None) or item.feed_link or source.url
    try:
        if article is not None:
            return _linked(page, article.canonical_url)
        return link_url(page)
    except ValueError as e:
        raise ParseError(f"item link is not a web URL: {e}") from e


def _linked(page: str, declared: str | None) -> str:
    """The link for a story: the page the outlet published (trailing slash and all), or the
    canonical URL it declares when that is another page we trust (``prefer_canonical``)."""
    chosen = prefer_canonical(page, declared)
    if declared is None or canonical_url(page) == chosen:
        return link_url(page)
    return link_url(declared, base=page)


def _published(
    item: RawItem, article: Article | None, now: datetime, zone: tzinfo | None
) -> datetime:
    """The feed's or listing's date, unless it gives only the day and the page a time."""
    # The reader's own parse first; with a source zone, the raw text read in that zone.
    listed = [item.published, parse_date(item.published_raw)]
    if zone is not None:
        listed.insert(0, parse_date(item.published_raw, zone))
    page_raw = article.published_raw if article else None
    return choose_published(
        listed,
        now,
        listed_precise=item.published_raw is None or has_time(item.published_raw),
        page=parse_date(page_raw, zone),
        page_precise=has_time(page_raw),
    )


def _language(item: RawItem, article: Article | None, source: SourceSpec, text: str) -> str | None:
    declared = (source.language, item.language, article.language if article else None)
    for tag in declared:
        code = normalize_tag(tag)
        if code:
            return code
    return detect_language(text)


def _clean_opt(value: str | None) -> str | None:
    if not value:
        return None
    text = xml_safe(" ".join(htmllib.unescape(value).split()))
    return text or None
