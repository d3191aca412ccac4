"""Helpers for the daemon tests: generated feeds with full content, temp configs, waiting."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = [
    "minister",
    "talks",
    "summit",
    "ceasefire",
    "treaty",
    "sanctions",
    "delegation",
    "embassy",
    "envoy",
    "border",
    "trade",
    "agreement",
    "council",
    "security",
    "parliament",
    "election",
    "vote",
    "coalition",
    "president",
    "premier",
    "spokesman",
    "statement",
    "negotiations",
    "accord",
    "tariffs",
    "export",
    "import",
    "grain",
    "energy",
    "pipeline",
    "nuclear",
    "inspection",
    "reactor",
    "aid",
    "refugees",
    "humanitarian",
    "corridor",
    "prisoners",
    "exchange",
    "troops",
    "withdrawal",
    "monitoring",
    "mission",
    "observers",
    "resolution",
    "veto",
    "assembly",
    "charter",
    "court",
    "ruling",
    "appeal",
    "investment",
    "loan",
    "debt",
    "budget",
    "inflation",
    "currency",
    "reserves",
    "harbour",
    "fisheries",
    "quota",
    "climate",
    "emissions",
    "pledge",
    "finance",
    "forum",
    "delegates",
    "capital",
    "province",
    "governor",
    "mayor",
    "protest",
    "strike",
    "union",
    "workers",
    "farmers",
    "students",
    "archive",
    "museum",
    "festival",
    "bridge",
    "railway",
]
COUNTRIES = [
    "France",
    "Japan",
    "Brazil",
    "Kenya",
    "Canada",
    "Norway",
    "Chile",
    "India",
    "Egypt",
    "Turkey",
    "Vietnam",
    "Poland",
    "Ghana",
    "Peru",
    "Mexico",
    "Spain",
    "Italy",
    "Qatar",
    "Oman",
    "Nepal",
]


def article(seed: str, paragraphs: int = 4) -> tuple[str, str]:
    """A distinct headline and an HTML body of a few paragraphs, stable for ``seed``."""
    rng = random.Random(seed)
    a, b = rng.sample(COUNTRIES, 2)
    title = f"{a} and {b} {rng.choice(WORDS)} {rng.choice(WORDS)} {seed}"
    body = []
    for _ in range(paragraphs):
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 60))]
        body.append(f"<p>{a} {' '.join(words)} {b} {seed}.</p>")
    return title, "".join(body)


@dataclass(frozen=True)
class Item:
    guid: str
    link: str
    title: str
    html: str
    day: int = 1  # of May 2026, for pubDate


def items_for(base: str, feed: str, count: int, start: int = 0) -> list[Item]:
    out = []
    for i in range(start, start + count):
        guid = f"{feed}-{i}"
        title, html = article(guid)
        out.append(Item(guid, f"{base}/{feed}/{i}", title, html, 1 + i % 28))
    return out


def rss(base: str, title: str, items: Sequence[Item]) -> str:
    entries = "".join(
        f"<item><title>{escape(it.title)}</title><link>{escape(it.link)}</link>"
        f'<guid isPermaLink="false">{escape(it.guid)}</guid>'
        f"<pubDate>{it.day:02d} May 2026 09:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[{it.html}]]></content:encoded></item>"
        for it in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>{base}/</link>"
        f"<description>News</description>{entries}</channel></rss>"
    )


def write_config(
    path: Path,
    store_url: str,
    sources: Sequence[tuple[str, str]],
    *,
    port: int = 0,
    workers: int = 4,
    tick: float = 0.1,
    interval: str = "15m",
    extra: str = "",
) -> Path:
    """A config for the fixture site: private addresses allowed, no per-host delay."""
    blocks = "".join(
        f'[[sources]]\nname = "{name}"\nurl = "{url}"\ninterval = "{interval}"\nfull_text = false\n'
        for name, url in sources
    )
    path.write_text(
        f"""
[store]
url = "{store_url}"
[server]
port = {port or 8080}
[fetch]
allow_private_networks = true
per_host_delay = 0
per_host_concurrency = 8
timeout = 10
[schedule]
workers = {workers}
tick = {tick}
jitter = 0
min_interval = 1
lease = "5m"
[log]
level = "INFO"
{extra}
{blocks}
[[feeds]]
slug = "all"
title = "All stories"
"""
    )
    return path


def wait_for(condition: Callable[[], object], timeout: float = 15.0, step: float = 0.05) -> object:
    """Poll ``condition`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout}s: {condition}")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
