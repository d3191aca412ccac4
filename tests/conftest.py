"""Shared test fixtures: a real HTTP server on 127.0.0.1, real SQLite files, real PostgreSQL.

Tests that need an outside program (PostgreSQL, newsboat, Chromium) call ``require``: on a
user's machine without it they skip with the reason shown; in CI (``COMMUNIQUE_STRICT=1``,
set by ``.ci/run``) its absence fails the test instead.
"""

from __future__ import annotations

import gzip
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.quiet_http import QuietServer

SHARED = Path(__file__).resolve().parents[2] / "shared"
STRICT = os.environ.get("COMMUNIQUE_STRICT") == "1"
PG_URL = os.environ.get("COMMUNIQUE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def require(available: bool, reason: str) -> None:
    """Skip (on a user's machine) or fail (in CI) when a real component is missing."""
    if available:
        return
    if STRICT:
        pytest.fail(f"{reason} (COMMUNIQUE_STRICT=1: missing components fail in CI)")
    pytest.skip(reason)


def require_program(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed")
    assert path is not None
    return path


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping (or failing in CI) where the checkout lacks it."""
    path = SHARED.joinpath(*parts)
    require(path.exists(), f"{path} is absent (../shared is not beside this checkout)")
    return path


# --- a real HTTP server --------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Optional: compute the answer from the request (method, path, request headers).
    handler: Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]] | None = None


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


class FixtureSite:
    """A threaded HTTP server on 127.0.0.1 serving routes set by the test.

    ``site.add("/feed.xml", body, headers={"Content-Type": ...})``; ``site.url("/feed.xml")``
    gives the absolute URL; ``site.requests`` records every request. Conditional GET is
    answered when a route has an ETag or Last-Modified header; gzip when asked for.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site._answer(self, head=False)

            def do_HEAD(self) -> None:
                site._answer(self, head=True)

            def log_message(self, *args: object) -> None:
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        handler: Callable[..., tuple[int, dict[str, str], bytes]] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = dict(headers or {})
        if content_type:
            hdrs["Content-Type"] = content_type
        self.routes[path] = Route(data, status, hdrs, handler)

    def _answer(self, req: BaseHTTPRequestHandler, head: bool) -> None:
        self.requests.append(Request(req.command, req.path, dict(req.headers.items())))
        route = self.routes.get(req.path) or self.routes.get(req.path.split("?")[0])
        if route is None:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        elif route.handler is not None:
            status, headers, body = route.handler(req)
        else:
            status, headers, body = route.status, dict(route.headers), route.body
            etag, lm = headers.get("ETag"), headers.get("Last-Modified")
            if (etag and req.headers.get("If-None-Match") == etag) or (
                lm and not etag and req.headers.get("If-Modified-Since") == lm
            ):
                status, body = 304, b""
        gzip_ok = "gzip" in req.headers.get("Accept-Encoding", "")
        if body and gzip_ok and status == 200 and "Content-Encoding" not in headers:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        req.send_response(status)
        for name, value in headers.items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        if not head:
            req.wfile.write(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    s = FixtureSite()
    yield s
    s.close()


# --- stores --------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def _pg_available() -> bool:
    try:
        engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    require(_pg_available(), f"PostgreSQL is not reachable at {PG_URL}")
    import uuid

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs a test once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session", autouse=True)
def _no_stray_processes() -> Iterator[None]:
    """The suite (each xdist worker, for its own tests) ends with no process it started
    still running: daemons, their workers, servers and browsers all stop with their tests."""
    yield
    if not Path("/proc").is_dir():
        return
    from tests.proc_support import cmdline, left_behind

    def left_running() -> set[int]:
        return left_behind(os.getpid())

    deadline = time.monotonic() + 10  # a process stopped at the very end may still be exiting
    while (left := left_running()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        names = {p: cmdline(p) for p in sorted(left)}
        pytest.fail(f"processes started by the tests are still running: {names}")
