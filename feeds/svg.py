"""Small inline SVG pictures: a source's sparkline, the hourly activity chart, a story's
coverage timeline.

Each is ``role="img"`` with a text alternative that says what it shows in words, so a screen
reader gets the numbers the picture draws. Colours come from the page's CSS classes, so the
dark scheme applies. Coordinates are rounded to one decimal to keep pages small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feeds.page_parts import e, exact
from feeds.render import rfc3339
from ingest.store.counts import HourCount


def _n(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _svg(width: int, height: int, label: str, inner: str, cls: str) -> str:
    return (
        f'<svg class="{cls}" viewBox="0 0 {width} {height}" role="img" aria-label="{e(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{e(label)}</title>{inner}</svg>'
    )


def sparkline(counts: Sequence[int], label: str) -> str:
    """One value per day as a line, the last day as a dot; flat at the bottom when empty."""
    width, height, pad = 120, 32, 3
    top = max(counts, default=0) or 1
    step = (width - 2 * pad) / max(len(counts) - 1, 1)
    points = [
        (pad + i * step, height - pad - (height - 2 * pad) * c / top) for i, c in enumerate(counts)
    ]
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    x, y = points[-1] if points else (pad, height - pad)
    inner = (
        f'<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        f'<circle class="dot" cx="{_n(x)}" cy="{_n(y)}" r="2.5"/>'
    )
    return _svg(width, height, label, inner, "spark")


def hourly_chart(hours: Sequence[HourCount]) -> str:
    """Stories per hour as bars, new clusters per hour as a line over them."""
    width, height, left, bottom = 480, 160, 28, 20
    plot_w, plot_h = width - left - 4, height - bottom - 8
    top = max((max(h.stories, h.clusters) for h in hours), default=0) or 1
    slot = plot_w / max(len(hours), 1)
    marks, line = [], []
    for i, h in enumerate(hours):
        x = left + i * slot
        bar = plot_h * h.stories / top
        tip = f"{exact(h.hour)}: {h.stories} stories, {h.clusters} new clusters"
        marks.append(
            f'<rect class="bar" x="{_n(x + 0.5)}" y="{_n(8 + plot_h - bar)}" '
            f'width="{_n(max(slot - 1, 0.5))}" height="{_n(bar)}"><title>{e(tip)}</title></rect>'
        )
        line.append(f"{_n(x + slot / 2)},{_n(8 + plot_h - plot_h * h.clusters / top)}")
    ticks = "".join(
        f'<text x="{_n(left + i * slot)}" y="{height - 4}" font-size="13">{h.hour:%H:%M}</text>'
        for i, h in enumerate(hours)
        if h.hour.hour % 12 == 0 and i < len(hours) - 3
    )
    axis = (
        f'<line class="grid" x1="{left}" y1="{8 + plot_h}" x2="{width - 4}" y2="{8 + plot_h}"/>'
        f'<line class="grid" x1="{left}" y1="8" x2="{width - 4}" y2="8"/>'
        f'<text x="0" y="18" font-size="13">{top}</text>'
        f'<text x="0" y="{8 + plot_h}" font-size="13">0</text>'
    )
    stories, made = sum(h.stories for h in hours), sum(h.clusters for h in hours)
    label = (
        f"Stories per hour (bars) and new clusters per hour (line) over the last "
        f"{len(hours)} hours, UTC: {stories} stories, {made} clusters; at most {top} in one hour."
    )
    inner = axis + "".join(marks) + f'<polyline class="line2" points="{" ".join(line)}"/>' + ticks
    return _svg(width, height, label, inner, "chart")


@dataclass(frozen=True, slots=True)
class Report:
    """One outlet's report on the timeline."""

    outlet: str
    published: datetime


TIMELINE_ROWS = 60  # the first reports; the page's list below the picture has every one


def timeline(reports: Sequence[Report]) -> str:
    """One row per report, oldest first: the outlet, and a dot at when it published, on an
    axis from the first report to the last (of the first ``TIMELINE_ROWS``)."""
    rows = sorted(reports, key=lambda r: r.published)[:TIMELINE_ROWS]
    if not rows:
        return ""
    width, left, right, row_h, head = 360, 118, 350, 18, 24
    first, last = rows[0].published, rows[-1].published
    span = (last - first).total_seconds() or 1.0
    height = head + row_h * len(rows) + 4
    marks = []
    for i, r in enumerate(rows):
        y = head + row_h * i + row_h / 2
        x = left + (right - left) * (r.published - first).total_seconds() / span
        name = r.outlet if len(r.outlet) <= 18 else r.outlet[:17] + "…"
        marks.append(
            f'<text x="0" y="{_n(y + 4)}" font-size="11">{e(name)}</text>'
            f'<line class="grid" x1="{left}" y1="{_n(y)}" x2="{right}" y2="{_n(y)}"/>'
            f'<circle class="dot" cx="{_n(x)}" cy="{_n(y)}" r="4" '
            f'data-time="{rfc3339(r.published)}">'
            f"<title>{e(r.outlet)}: {e(exact(r.published))}</title></circle>"
        )
    after = _duration(span) if len(rows) > 1 and last > first else ""
    axis = f'<text x="{left}" y="12" font-size="10">{e(f"{first:%d %b %H:%M} UTC")}</text>' + (
        f'<text x="{right}" y="12" font-size="10" text-anchor="end">+{after}</text>'
        if after
        else ""
    )
    label = (
        f"Coverage timeline: {len(rows)} reports"
        + (f" over {after}" if after else "")
        + f", the first by {rows[0].outlet} at {exact(first)}"
        + (f", the last by {rows[-1].outlet} at {exact(last)}" if len(rows) > 1 else "")
        + "."
    )
    return _svg(width, height, label, axis + "".join(marks), "chart timeline")


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(int(seconds // 60), 1)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h".replace(".0 h", " h")
    return f"{int(seconds // 86400)} days"
