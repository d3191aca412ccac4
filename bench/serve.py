"""Requests/s of our feed server next to nginx serving the same bytes from disk.

    .venv/bin/python bench/serve.py [--seconds 10] [--connections 50]

Builds a store with 100 stories, serves its Atom feed with FeedApp under uvicorn (httptools,
no access log, one process) and the exported bytes with nginx (one worker), and runs wrk
against each on 127.0.0.1: the 200 path, and the 304 path (If-None-Match with each server's
own ETag). Prints req/s and our/nginx ratios; goals: >= 50% on 200, >= 25% on 304.
Needs wrk and nginx (Debian packages wrk, nginx).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from feeds.export import export_all
from feeds.spec import FeedSpec, SiteSpec
from ingest.store.engine import open_store
from ingest.store.schema import sources, stories

FEED = FeedSpec("bench", "Benchmark feed", group="article", limit=100)
NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{ application/atom+xml atom; }}
    etag on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ add_header Cache-Control "public, max-age=300"; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_store(url: str, n: int = 100) -> sa.Engine:
    engine = open_store(url)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        src = conn.execute(sa.insert(sources).values(name="wire", url="https://wire.example/rss"))
        sid = src.inserted_primary_key[0]
        rows = [_story(sid, i, t0 + timedelta(minutes=i)) for i in range(n)]
        conn.execute(sa.insert(stories), rows)
    return engine


def _story(source_id: int, i: int, when: datetime) -> dict[str, object]:
    body = " ".join(f"Paragraph {j} of report {i} on the talks." for j in range(12))
    return {
        "source_id": source_id,
        "item_key": f"k{i}",
        "article_key": f"k{i}",
        "url": f"https://wire.example/news/{i}",
        "title": f"Foreign ministers meet for round {i} of talks",
        "summary": body[:200],
        "body_html": f"<p>{body}</p>",
        "body_text": body,
        "published_at": when,
        "first_seen_at": when,
        "outlet": "Wire",
        "language": "en",
        "attributions": [],
        "countries": ["CH"],
        "topics": ["talks"],
        "content_hash": f"h{i}",
        "raw_hash": f"h{i}",
    }


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def etag_of(url: str) -> str:
    with urllib.request.urlopen(url) as r:
        return str(r.headers["ETag"])


def wrk(url: str, seconds: int, connections: int, headers: list[str]) -> float:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"wrk saw {bad[1]} error responses from {url}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]


def serve_ours(store_url: str, port: int) -> None:
    """The child process: our app under uvicorn, as `communique serve` runs it."""
    import uvicorn

    from feeds.app import create_app

    site = SiteSpec(base_url=f"http://127.0.0.1:{port}/")
    app = create_app(open_store(store_url), [FEED], site)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="off",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--serve", nargs=2, metavar=("STORE_URL", "PORT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve_ours(args.serve[0], int(args.serve[1]))
        return
    for program in ("wrk", "nginx"):
        if shutil.which(program) is None:
            raise SystemExit(f"{program} is not installed (Debian package {program})")
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # nginx workers started by root run as nobody and must read it
        run(Path(tmp), args.seconds, args.connections)


def run(tmp: Path, seconds: int, connections: int) -> None:
    store_url = f"sqlite:///{tmp / 'bench.db'}"
    ours_port, nginx_port = free_port(), free_port()
    engine = make_store(store_url)
    site = SiteSpec(base_url=f"http://127.0.0.1:{ours_port}/")
    export_all(engine, [FEED], site, tmp / "www")
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(dir=tmp, port=nginx_port, root=tmp / "www"))
    ours = subprocess.Popen([sys.executable, __file__, "--serve", store_url, str(ours_port)])
    nginx = subprocess.Popen(
        ["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-g", "daemon off;"]
    )
    try:
        results = measure(ours_port, nginx_port, seconds, connections)
    finally:
        ours.terminate()
        nginx.terminate()
        ours.wait(10)
        nginx.wait(10)
    report(results, (tmp / "www" / "bench.atom").stat().st_size, connections)


def measure(ours_port: int, nginx_port: int, seconds: int, connections: int) -> dict[str, float]:
    urls = {
        "ours": f"http://127.0.0.1:{ours_port}/feeds/bench.atom",
        "nginx": f"http://127.0.0.1:{nginx_port}/bench.atom",
    }
    for url in urls.values():
        wait_for(url)
    ours_body = urllib.request.urlopen(urls["ours"]).read()
    if ours_body != urllib.request.urlopen(urls["nginx"]).read():
        raise SystemExit("nginx and our server do not serve the same bytes")
    results = {}
    for name, url in urls.items():
        results[f"{name} 200"] = wrk(url, seconds, connections, [])
        results[f"{name} 304"] = wrk(url, seconds, connections, [f"If-None-Match: {etag_of(url)}"])
    return results


def report(results: dict[str, float], size: int, connections: int) -> None:
    print(f"100-item Atom feed, {size} bytes; wrk -t2 -c{connections} on 127.0.0.1")
    for path, goal in (("200", 0.50), ("304", 0.25)):
        ours, nginx = results[f"ours {path}"], results[f"nginx {path}"]
        ratio = ours / nginx
        verdict = "ok" if ratio >= goal else "BELOW GOAL"
        print(
            f"{path}: ours {ours:9.0f} req/s  nginx {nginx:9.0f} req/s  "
            f"ratio {ratio:6.1%}  (goal {goal:.0%}: {verdict})"
        )


if __name__ == "__main__":
    main()
