"""What every HTML page shares: escaping, times, the document shell and its stylesheet.

Pages depend only on the data, so the export writes the bytes the server sends. A relative
time ("3 h ago") is relative to a reference time taken from the data itself (the newest
change in a feed, the latest fetch on the status page), never the clock; the exact UTC time
is in the ``<time datetime>`` and its ``title``, so it shows on hover.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from feeds.render import rfc3339
from feeds.spec import SiteSpec
from ingest.sanitize import xml_safe

# Colours chosen for WCAG AA contrast (4.5:1 or more) on their backgrounds, in both schemes.
CSS = """
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fafafa;--card:#fff;--muted:#4f5660;
--link:#0645ad;--line:#d9dde2;--chip:#e8eef6;--chip-fg:#1d3150;--party:#e9f3ea;
--party-fg:#1d4622;--error:#a00000;--bar:#3467b0;--line2:#b04a00}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--bg:#111417;--card:#1a1e23;
--muted:#aab2bc;--link:#8ab4f8;--line:#343b44;--chip:#26303c;--chip-fg:#d6e4f5;
--party:#223327;--party-fg:#cfe8d3;--error:#ff8f87;--bar:#7fa9e8;--line2:#f2a45f}}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;max-width:56rem;margin:0 auto;padding:1rem;
color:var(--fg);background:var(--bg);overflow-wrap:break-word}
a{color:var(--link)}h1{font-size:1.6rem;line-height:1.25;margin:.4rem 0}
h2{font-size:1.2rem;line-height:1.3;margin:1.4rem 0 .4rem}
.meta{color:var(--muted);font-size:.9rem;margin:.2rem 0}.crumbs{margin:0 0 .6rem}
.subscribe a{margin-right:.8rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;
padding:.8rem 1rem;margin:.8rem 0}
.card h2{margin:.1rem 0 .3rem;font-size:1.15rem}.card h2 a{text-decoration:none}
.card h2 a:hover{text-decoration:underline}.teaser{margin:.4rem 0}
.tags{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.3rem}
.tags li{font-size:.8rem;padding:.05rem .5rem;border-radius:1rem;background:var(--chip);
color:var(--chip-fg)}.tags li.party{background:var(--party);color:var(--party-fg)}
details summary{cursor:pointer;color:var(--link)}
.members{padding-left:1.2rem;margin:.4rem 0}.members li{margin:.2rem 0}
.pager{display:flex;justify-content:space-between;gap:1rem;margin:1.2rem 0}
.body p{margin:.8rem 0}.chart{width:100%;height:auto;display:block;color:var(--fg)}
.chart .bar{fill:var(--bar)}.chart .line2{stroke:var(--line2);fill:none;stroke-width:2}
.chart .grid{stroke:var(--line)}.chart .dot{fill:var(--bar)}.chart text{fill:currentColor}
.spark{width:8rem;height:2rem;color:var(--bar)}.spark .dot{fill:currentColor}
.activity{max-width:44rem}
.legend .k1{color:var(--bar)}.legend .k2{color:var(--line2)}
.timeline{max-width:40rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.error{color:var(--error)}
@media (max-width:40rem){.sources thead{position:absolute;width:1px;height:1px;
overflow:hidden;clip-path:inset(50%)}.sources tr{display:block;padding:.5rem 0;
border-bottom:1px solid var(--line)}.sources th,.sources td{display:block;border:0;
padding:.1rem 0}.sources td[data-label]::before{content:attr(data-label) ": ";
color:var(--muted);font-size:.85rem}}
"""


def e(text: object) -> str:
    """Text for HTML content or a quoted attribute: XML-safe, then escaped."""
    return escape(xml_safe(str(text)))


def exact(dt: datetime) -> str:
    return rfc3339(dt).replace("T", " ").replace("Z", " UTC")


def relative(dt: datetime, ref: datetime) -> str:
    """``dt`` as seen from ``ref``: "just now", "5 min ago", "3 h ago", "in 10 min"."""
    seconds = (ref - dt).total_seconds()
    ahead, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return "now" if ahead else "just now"
    if seconds < 3600:
        span = f"{int(seconds // 60)} min"
    elif seconds < 48 * 3600:
        span = f"{int(seconds // 3600)} h"
    elif seconds < 60 * 86400:
        span = f"{int(seconds // 86400)} days"
    else:
        return f"on {dt:%Y-%m-%d}"
    return f"in {span}" if ahead else f"{span} ago"


def when(dt: datetime | None, ref: datetime | None = None) -> str:
    """A ``<time>`` element: relative to ``ref`` when given (exact time on hover), else exact."""
    if dt is None:
        return "—"
    text = exact(dt) if ref is None else relative(dt, ref)
    return f'<time datetime="{rfc3339(dt)}" title="{exact(dt)}">{e(text)}</time>'


def crumbs(site: SiteSpec, *links: tuple[str, str]) -> str:
    """The way back: the site's front page, then ``(href, text)`` links."""
    parts = [f'<a href="{e(site.base_url)}">{e(site.title)}</a>']
    parts += [f'<a href="{e(href)}">{e(text)}</a>' for href, text in links]
    return f'<nav class="crumbs meta" aria-label="Breadcrumb">{" › ".join(parts)}</nav>'


def document(title: str, head: str, header: str, main: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>{head}<style>{CSS}</style></head>"
        f"<body><header>{header}</header><main>{main}</main></body></html>\n"
    ).encode()
