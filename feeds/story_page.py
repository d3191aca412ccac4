"""/stories/<cluster id>/: one story as communique knows it.

The representative's full clean text (from its plain text, escaped paragraph by paragraph:
the page loads nothing from the outlets' hosts), its dateline and wire attributions, every
outlet's report on a coverage timeline, and the feeds that carry the story.
"""

from __future__ import annotations

from collections.abc import Sequence

from feeds.cards import outlets, tags
from feeds.page_parts import crumbs, document, e, when
from feeds.query import FeedItem
from feeds.spec import FeedSpec, SiteSpec
from feeds.svg import Report, timeline
from feeds.urls import absolute, page_path, story_path


def _paragraphs(item: FeedItem) -> str:
    text = item.body_text or item.summary
    return "".join(f"<p>{e(p)}</p>" for p in text.split("\n\n") if p.strip())


def _members(item: FeedItem) -> str:
    lead = (
        f'<li><a href="{e(item.url)}">{e(item.title)}</a> — {e(item.outlet)}, '
        f"{when(item.published)} (shown above)</li>"
    )
    rows = "".join(
        f'<li><a href="{e(m.url)}">{e(m.title)}</a> — {e(m.outlet)}, {when(m.published)}</li>'
        for m in item.members
    )
    return f'<ol class="members">{lead}{rows}</ol>'


def _byline(item: FeedItem) -> str:
    parts = [e(item.outlet)]
    if item.author:
        parts.append(f"by {e(item.author)}")
    if item.dateline:
        parts.append(f'<span class="dateline">{e(item.dateline)}</span>')
    parts.append(when(item.published))
    line = f'<p class="meta">{" · ".join(parts)}</p>'
    if item.attributions:
        line += f'<p class="meta">Wire: {e(", ".join(item.attributions))}</p>'
    return line


def story_page(
    site: SiteSpec, item: FeedItem, cluster_id: int, in_feeds: Sequence[FeedSpec]
) -> bytes:
    reports = [Report(item.outlet, item.published)]
    reports += [Report(m.outlet, m.published) for m in item.members]
    n = len(outlets(item))
    feeds = "".join(
        f'<li><a href="{e(absolute(site, page_path(f.slug)))}">{e(f.title)}</a></li>'
        for f in in_feeds
    )
    canonical = absolute(site, story_path(item.cluster_id or cluster_id))
    main = (
        f"<article><h1>{e(item.title)}</h1>{_byline(item)}{tags(item)}"
        f'<p><a href="{e(item.url)}">Read it at {e(item.outlet)}</a></p>'
        f'<div class="body">{_paragraphs(item)}</div></article>'
        f'<section aria-labelledby="coverage"><h2 id="coverage">Coverage: '
        f"{n} outlet{'s' if n != 1 else ''}</h2>{timeline(reports)}{_members(item)}</section>"
        '<section aria-labelledby="in-feeds"><h2 id="in-feeds">In feeds</h2>'
        + (f"<ul>{feeds}</ul>" if feeds else "<p>No feed carries this story now.</p>")
        + "</section>"
    )
    head = f'<link rel="canonical" href="{e(canonical)}">'
    return document(f"{item.title} — {site.title}", head, crumbs(site), main)
