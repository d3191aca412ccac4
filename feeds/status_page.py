"""/ (and /status): the operator's page. Every output feed with its subscribe links; the
last two days' stories and new clusters per hour and the lag behind schedule; then every
source with a sparkline of its stories per day, its errors, interval and next fetch.

Everything is "as of" the latest fetch the store records (``StatusData.as_of``), not the
clock, so the page is the same bytes from the server and from the export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feeds.page_parts import document, e, when
from feeds.pages import alternates, subscribe
from feeds.spec import FeedSpec, SiteSpec
from feeds.svg import hourly_chart, sparkline
from feeds.urls import absolute, page_path
from ingest.shown import redact, shown
from ingest.store.counts import HourCount
from ingest.store.sources import SourceHealth

DAYS = 30
HOURS = 48


@dataclass(frozen=True, slots=True)
class StatusData:
    health: Sequence[SourceHealth]
    per_day: dict[str, list[int]]  # source name → stories first seen per day, oldest first
    hours: Sequence[HourCount]
    lag_s: float  # how long the most overdue source has waited for a worker
    as_of: datetime | None  # the latest fetch; None before the first


def _span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h".replace(".0 h", " h")
    return f"{seconds / 86400:.1f} days".replace(".0 days", " days")


def _errors(s: SourceHealth, ref: datetime | None) -> str:
    if s.disabled_reason:
        return f'<span class="error">disabled: {e(shown(s.disabled_reason))}</span>'
    if not s.last_error:
        return "—"
    text = f'<span class="error">{e(shown(s.last_error))}</span> ({when(s.last_error_at, ref)})'
    if s.error_count == 0:
        return text + "<br>fetched fine since"
    if s.failing_since:
        since = f"failing since {when(s.failing_since, ref)}"
    elif s.last_success_at:  # a run that began before the store recorded its start
        since = f"failing since after the last success, {when(s.last_success_at, ref)}"
    else:
        since = "failing since the first fetch: never fetched well"
    runs = f"{s.error_count} failed fetch{'es' if s.error_count != 1 else ''} in a row"
    return f"{text}<br>{since}; {runs}"


def _row(s: SourceHealth, days: list[int], ref: datetime | None) -> str:
    total = sum(days)
    label = (
        f"{s.name}: {total} stories in the last {DAYS} days, at most {max(days, default=0)} "
        f"a day, {days[-1] if days else 0} on the last day"
    )
    name = f'<a href="{e(redact(s.url))}">{e(s.name)}</a>' + ("" if s.enabled else " (off)")
    cells = [  # labelled, for the phone layout where each row is a block
        ("Stories per day", sparkline(days, label)),
        ("Last success", when(s.last_success_at, ref)),
        ("Errors", _errors(s, ref)),
        ("Interval", f"every {_span(s.interval_s)}"),
        ("Next fetch", when(s.next_fetch_at, ref)),
        ("Stories", str(s.story_count)),
    ]
    tds = "".join(f'<td data-label="{k}">{v}</td>' for k, v in cells)
    return f'<tr><th scope="row">{name}</th>{tds}</tr>'


def _activity(data: StatusData) -> str:
    if data.as_of is None:
        return (
            '<section aria-labelledby="activity"><h2 id="activity">Last two days</h2>'
            "<p>No fetch recorded yet.</p></section>"
        )
    stories = sum(h.stories for h in data.hours)
    made = sum(h.clusters for h in data.hours)
    lag = (
        "no source is waiting past its time"
        if data.lag_s <= 0
        else f"the most overdue source has waited {_span(data.lag_s)}"
    )
    return (
        '<section aria-labelledby="activity"><h2 id="activity">Last two days</h2>'
        f"<p>{stories} stories and {made} new clusters in the last {HOURS} hours; "
        f"lag behind schedule: {lag}.</p>"
        '<p class="meta legend"><span class="k1">■</span> stories per hour · '
        '<span class="k2">━</span> new clusters per hour (UTC)</p>'
        f'<div class="activity">{hourly_chart(data.hours)}</div></section>'
    )


def status_page(site: SiteSpec, feeds: Sequence[FeedSpec], data: StatusData) -> bytes:
    head = "".join(alternates(site, f) for f in feeds)
    head += f'<link rel="alternate" type="text/x-opml" href="{e(absolute(site, "feeds.opml"))}">'
    feed_list = "".join(
        f'<li><a href="{e(absolute(site, page_path(f.slug)))}">{e(f.title)}</a>'
        + (f" — {e(f.description)}" if f.description else "")
        + f"{subscribe(site, f)}</li>"
        for f in feeds
    )
    zeros = [0] * DAYS
    rows = "".join(_row(s, data.per_day.get(s.name, zeros), data.as_of) for s in data.health)
    main = (
        f"<h1>{e(site.title)}</h1>"
        + f'<p class="meta">As of the latest fetch: {when(data.as_of)}</p>'
        + f"<h2>Feeds</h2><ul>{feed_list}</ul>"
        + f'<p>All feeds as <a href="{e(absolute(site, "feeds.opml"))}">OPML</a>.</p>'
        + _activity(data)
        + '<section aria-labelledby="sources"><h2 id="sources">Sources</h2>'
        + '<table class="sources"><thead><tr><th scope="col">Source</th>'
        + f'<th scope="col">Stories per day, last {DAYS} days</th><th scope="col">Last success</th>'
        + '<th scope="col">Errors</th><th scope="col">Interval</th><th scope="col">Next fetch</th>'
        + f'<th scope="col">Stories</th></tr></thead><tbody>{rows}</tbody></table></section>'
    )
    return document(site.title, head, "", main)
