"""Run in a process-pool worker by tests/test_pool_workers.py: imports nothing heavy itself."""

from __future__ import annotations

import sys

HEAVY = ("sqlalchemy", "httpx", "feeds", "ingest.store", "ingest.pipeline", "communique.wiring")


def loaded_besides_digest() -> list[str]:
    """The heavy modules a worker holds once it can digest items."""
    import ingest.digest  # noqa: F401  (what a worker's first batch imports)

    return [name for name in HEAVY if name in sys.modules]


def die() -> None:
    """A worker killed mid-task (as the kernel's OOM killer does)."""
    import os

    os._exit(1)
