"""Reading a 50,000-entry news sitemap (the protocol's largest file), plain and gzipped,
against the floor of parsing the same bytes with lxml and doing nothing else.

    .venv/bin/python bench/sitemap.py [--entries 50000] [--repeat 3]

Reports the best of REPEAT runs of ``ingest.sitemap.read_sitemap`` (every entry dated,
half of them within ``max_age``), the floor, and their ratio: what reading an entry costs
beyond the XML parser's own work (dates, URLs, the entries kept).
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.model import Fetched, SourceSpec
from ingest.sitemap import read_sitemap

ENTRY = (
    "<url><loc>https://news.example/world/{n}</loc><news:news><news:publication>"
    "<news:name>Example News</news:name><news:language>en</news:language></news:publication>"
    "<news:publication_date>{when}</news:publication_date>"
    "<news:title>Envoys meet for talks, round {n}</news:title></news:news></url>"
)


def document(entries: int, now: datetime) -> bytes:
    step = timedelta(days=4) / entries  # half the entries within the default two days
    body = "".join(
        ENTRY.format(n=n, when=(now - n * step).isoformat(timespec="seconds"))
        for n in range(entries)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{body}</urlset>"
    ).encode()


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def floor(body: bytes) -> int:
    count = 0
    for _, element in lxml.etree.iterparse(io.BytesIO(body), events=("end",)):
        count += 1
        element.clear()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    now = datetime.now(UTC)
    plain = document(args.entries, now)
    packed = gzip.compress(plain)
    source = SourceSpec(name="bench", url="https://news.example/s.xml", kind="sitemap")

    def read(body: bytes) -> Callable[[], object]:
        fetched = Fetched(source.url, source.url, 200, {}, body)
        return lambda: read_sitemap(source, fetched, now, 64 * 1024 * 1024)

    kept = len(read_sitemap(source, Fetched(source.url, source.url, 200, {}, plain), now,
                            64 * 1024 * 1024).entries)  # fmt: skip
    base = best(lambda: floor(plain), args.repeat)
    print(f"{args.entries} entries, {len(plain) / 1e6:.1f} MB ({len(packed) / 1e6:.1f} MB gzip), "
          f"{kept} within max_age")  # fmt: skip
    print(f"  lxml parse only (floor)  {base * 1000:8.0f} ms")
    for label, body in (("read_sitemap, plain", plain), ("read_sitemap, gzip", packed)):
        took = best(read(body), args.repeat)
        print(f"  {label:<24} {took * 1000:8.0f} ms  ({took / base:.1f}x the floor, "
              f"{took / args.entries * 1e6:.1f} us per entry)")  # fmt: skip


if __name__ == "__main__":
    main()
