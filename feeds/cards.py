"""A story card on a feed page: headline, lead outlet, dateline, time, teaser, parties and
topics, and "Reported by N outlets" opening the other outlets' reports (``<details>``, no
script)."""

from __future__ import annotations

from datetime import datetime

from feeds.page_parts import e, when
from feeds.query import FeedItem
from feeds.spec import SiteSpec
from feeds.urls import absolute, story_path
from ingest.sanitize import summarize
from ingest.tags import country_names


def teaser(item: FeedItem) -> str:
    """Two sentences at most: the stored summary, else the start of the text."""
    return summarize(item.summary or item.body_text)


def outlets(item: FeedItem) -> list[str]:
    """Every outlet that reported the story, the lead first, each once."""
    return list(dict.fromkeys([item.outlet, *(m.outlet for m in item.members)]))


def tags(item: FeedItem) -> str:
    names = country_names()
    chips = [f'<li class="party">{e(names.get(c, c))}</li>' for c in item.countries]
    chips += [f'<li class="topic">{e(t)}</li>' for t in item.topics]
    if not chips:
        return ""
    return f'<ul class="tags" aria-label="Parties and topics">{"".join(chips)}</ul>'


# A card lists this many other reports; the story page lists them all. A feed page of 50
# cards stays well under 200 KB however widely its stories were carried.
CARD_MEMBERS = 8


def coverage(item: FeedItem, ref: datetime, story: str | None) -> str:
    n = len(outlets(item))
    said = f"Reported by {n} outlet{'s' if n != 1 else ''}"
    if not item.members:
        return f'<p class="meta coverage">{said}</p>'
    rows = "".join(
        f'<li><a href="{e(m.url)}">{e(m.title)}</a> — {e(m.outlet)}, {when(m.published, ref)}</li>'
        for m in item.members[:CARD_MEMBERS]
    )
    rest = len(item.members) - CARD_MEMBERS
    if rest > 0 and story:
        rows += f'<li><a href="{e(story)}">{rest} more on the story page</a></li>'
    return (
        f'<details class="coverage"><summary>{said}</summary>'
        f'<ul class="members">{rows}</ul></details>'
    )


def story_link(site: SiteSpec, item: FeedItem) -> str | None:
    return None if item.cluster_id is None else absolute(site, story_path(item.cluster_id))


def card(site: SiteSpec, item: FeedItem, ref: datetime) -> str:
    meta = [e(item.outlet)]
    if item.dateline:
        meta.append(f'<span class="dateline">{e(item.dateline)}</span>')
    meta.append(when(item.published, ref))
    more = story_link(site, item)
    text = teaser(item)
    return (
        f'<article class="card"><h2><a href="{e(item.url)}">{e(item.title)}</a></h2>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        + (f'<p class="teaser">{e(text)}</p>' if text else "")
        + tags(item)
        + coverage(item, ref, more)
        + (f'<p class="meta"><a href="{e(more)}">Full text and coverage</a></p>' if more else "")
        + "</article>"
    )
