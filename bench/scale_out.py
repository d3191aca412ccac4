"""Scale-out: sources/s and stories/s with 1, 2 and 4 `communique worker` processes on one
PostgreSQL store, against one `communique run` on SQLite, on the same fixture web.

    .venv/bin/python bench/scale_out.py [--feeds 300] [--items 5] [--workers 1 2 4]
                                        [--steady 20] [--pg postgresql://...]

The web (a threaded server in this process, on 127.0.0.1) serves FEEDS RSS feeds of ITEMS
items with their full text; the feeds of one group (feed number modulo 30) carry copies of
the same stories under their own links, so every story is clustered with copies that other
workers store at the same moments. Two phases per setup, each on a fresh store (a schema
of its own on PostgreSQL, dropped after; a temp file for SQLite):

    cold    every item new: from the first request to the last story stored, how many
            sources and stories per second (start-up, the same for all, is left out)
    steady  nothing new, every source due each second: fetches per second over STEADY
            seconds (a claim, a fetch, a record per source: the scheduling overhead)

Each setup's processes are started together, with `[schedule] workers = 8` threads each.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.store.engine import create_engine, open_store  # noqa: E402
from ingest.store.schema import sources, stories  # noqa: E402

PG_URL = os.environ.get("COMMUNIQUE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
GROUPS = 30
THREADS = 8


# --- the fixture web -------------------------------------------------------------------------


def paragraph(seed: str, words: int = 60) -> str:
    rng = random.Random(seed)
    return " ".join(
        "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
        for _ in range(words)
    )


def feed_xml(base: str, i: int, items: int) -> bytes:
    name, group = f"f{i:03d}", i % GROUPS
    entries = []
    for k in range(items):
        html = "".join(f"<p>{paragraph(f'g{group}-k{k}-{p}')}.</p>" for p in range(3))
        entries.append(
            f"<item><title>Story {group}-{k} as {name} tells it</title>"
            f"<link>{base}/{name}/{k}</link><guid isPermaLink='false'>{name}-{k}</guid>"
            f"<pubDate>{1 + k % 27:02d} May 2026 09:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(name)}</title><link>{base}/</link><description>News</description>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


class Web:
    """FEEDS feeds, built once; counts requests and remembers the first and last."""

    def __init__(self, feeds: int, items: int) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.first: float | None = None
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else the client's delayed ACK sets the pace

            def do_GET(self) -> None:
                body = web.bodies.get(self.path)
                with web.lock:
                    web.requests += 1
                    web.first = web.first or time.monotonic()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a worker stopped mid-request hangs up: expected, not news

        self.server = Quiet(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.bodies = {f"/f{i:03d}.xml": feed_xml(self.base, i, items) for i in range(feeds)}
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.requests, self.first = 0, None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- one setup -------------------------------------------------------------------------------


def config(path: Path, url: str, web: Web, interval: float, port: int) -> Path:
    blocks = "".join(
        f'[[sources]]\nname = "{p[1:-4]}"\nurl = "{web.base}{p}"\ninterval = {interval}\n'
        "full_text = false\n"
        for p in web.bodies
    )
    path.write_text(
        f'[store]\nurl = "{url}"\n[server]\nport = {port}\n'
        "[fetch]\nallow_private_networks = true\nper_host_delay = 0\n"
        "per_host_concurrency = 64\ntimeout = 30\n"
        f"[schedule]\nworkers = {THREADS}\ntick = 0.2\njitter = 0\nmin_interval = 1\n"
        'adaptive = false\nlease = 120\n[log]\nlevel = "WARNING"\n'
        f'{blocks}[[feeds]]\nslug = "all"\ntitle = "All"\n'
    )
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cfg: Path, command: str, log: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "communique", "--config", str(cfg), command]
    return subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
        cwd=cfg.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def progress(engine: sa.Engine) -> tuple[int, int, int]:
    """(sources whose first pass is over, stories stored, sources whose pass failed)."""
    with engine.connect() as conn:
        done, failed = conn.execute(
            sa.select(sa.func.count(), sa.func.count(sources.c.last_error)).where(
                sources.c.last_fetch_at.is_not(None), sources.c.lease_owner.is_(None)
            )
        ).one()
        stored = conn.execute(sa.select(sa.func.count()).select_from(stories)).scalar_one()
    return int(done), int(stored), int(failed)


def measure(
    url: str, command: str, processes: int, web: Web, feeds: int, items: int, steady: float
) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="scale-out-"))
    engine = open_store(url)  # migrated here, before the clock starts
    out: dict[str, float] = {}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        # cold: long intervals, so each source is fetched once
        cfg = config(work / "cold.toml", url, web, 3600, free_port())
        web.reset()
        procs = [start(cfg, command, work / f"cold{i}.log") for i in range(processes)]
        deadline = time.monotonic() + 900
        # Done when every source's first pass is over (a pass that failed counts, and its
        # stories are not in the figures: the failures are reported beside them).
        while (state := progress(engine))[0] < feeds:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"{command} x{processes}: no progress; see {work}")
            time.sleep(0.1)
        done = time.monotonic()
        stop(procs)
        took = done - (web.first or done)
        out["cold_s"] = took
        out["cold_sources_s"] = feeds / took
        out["cold_stories_s"] = state[1] / took
        out["failed"] = state[2]
        # steady: every source due each second, nothing new (the bodies are the same, so
        # each pass ends at the body hash)
        with engine.begin() as conn:
            conn.execute(sa.update(sources).values(next_fetch_at=sources.c.last_fetch_at))
        cfg = config(work / "steady.toml", url, web, 1, free_port())
        procs = [start(cfg, command, work / f"steady{i}.log") for i in range(processes)]
        time.sleep(8)  # start-up
        web.reset()
        time.sleep(steady)
        out["steady_sources_s"] = web.requests / steady
    finally:
        stop(procs)  # also on Ctrl-C or a failure
        engine.dispose()
    return out


def pg_schema(base: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    admin.dispose()
    sep = "&" if "?" in base else "?"
    return schema, f"{base}{sep}options=-csearch_path%3D{schema}"


def drop_schema(base: str, schema: str) -> None:
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--steady", type=float, default=20.0, help="seconds of steady state")
    parser.add_argument("--pg", default=PG_URL, help="PostgreSQL URL (a schema is made in it)")
    args = parser.parse_args()
    web = Web(args.feeds, args.items)
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'store.db'}"
            rows.append(("run, SQLite", measure(url, "run", 1, web, args.feeds, args.items,
                                                args.steady)))  # fmt: skip
            print_row(*rows[-1])
        for n in args.workers:
            schema, url = pg_schema(args.pg)
            try:
                result = measure(url, "worker", n, web, args.feeds, args.items, args.steady)
            finally:
                drop_schema(args.pg, schema)
            rows.append((f"{n} worker{'s' if n > 1 else ''}, PostgreSQL", result))
            print_row(*rows[-1])
    finally:
        web.close()
    print(f"\n{os.cpu_count()} cores; {args.feeds} feeds x {args.items} items, "
          f"{GROUPS} groups of copies; {THREADS} fetch threads per process")  # fmt: skip


def print_row(label: str, r: dict[str, float]) -> None:
    if not hasattr(print_row, "header"):
        print(
            f"{'setup':<26}{'cold s':>8}{'sources/s':>11}{'stories/s':>11}{'failed':>8}"
            f"{'steady src/s':>14}"
        )
        print_row.header = True  # type: ignore[attr-defined]
    print(
        f"{label:<26}{r['cold_s']:>8.1f}{r['cold_sources_s']:>11.1f}"
        f"{r['cold_stories_s']:>11.1f}{r['failed']:>8.0f}{r['steady_sources_s']:>14.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
