"""Worker processes die with the process that started them, however it dies.

A ``kill -9`` of the daemon gives it no chance to stop its pool: Python's forkserver, its
resource tracker and the workers were left running, reparented to init, each holding
memory. Workers are therefore started with ``spawn`` as direct children of the daemon and
ask the kernel (``PR_SET_PDEATHSIG``) for SIGKILL when their parent goes; where the kernel
has no such call, a thread polls for the parent instead.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
POLL_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """Run first in a child process: end it when ``parent`` is gone."""
    if sys.platform.startswith("linux") and _pdeathsig():
        if os.getppid() != parent:  # the parent died before the call took effect
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()


def _pdeathsig() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def pool_worker_start(parent: int) -> None:
    """A process-pool worker's initializer: it dies with ``parent`` and ignores SIGINT and
    SIGTERM (the parent decides when it stops, after in-flight items are stored). Kept here,
    away from the wiring, so that a spawned worker imports only what digesting needs."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
