"""One daemon per SQLite store: an exclusive ``fcntl`` lock on a file beside the database.

SQLite has one writer at a time and the daemon's leases assume one scheduler per file, so a
second ``communique run`` on the same file must refuse to start rather than race the first.
The kernel drops the lock when the process dies, even by ``kill -9``, so a crash never
leaves a stale lock behind.  PostgreSQL stores take no lock: several workers may share one,
and the leases in the ``sources`` table keep them from fetching a source twice at once.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import make_url

from ingest.errors import StoreError


def lock_path(store_url: str) -> Path | None:
    """The lock file for a SQLite file store, or None when the store needs no lock."""
    url = make_url(store_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    db = Path(url.database).resolve()
    return db.with_name(db.name + ".lock")


class DaemonLock:
    """Held for the life of the daemon; ``acquire`` raises StoreError when another holds it."""

    def __init__(self, store_url: str) -> None:
        self.path = lock_path(store_url)
        self._fd: int | None = None

    def acquire(self) -> DaemonLock:
        if self.path is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = _read_holder(fd)
            os.close(fd)
            raise StoreError(
                f"another communique daemon{holder} is already running on this store "
                f"(lock file {self.path}); stop it first, or give this one another store"
            ) from e
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> DaemonLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
