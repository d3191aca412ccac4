"""A source's lease kept while a long pass works on it.

A pass can outlast its lease: a sitemap's 500 new pages fetched one a second take longer
than the default 300 s, and once the lease expires another worker claims the source and
fetches it again. The pipeline calls back between items (``Context.heartbeat``); every
third of a lease, the keeper extends it for one more lease from now.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ingest.store import sources as source_rows

log = logging.getLogger("communique.daemon")


class LeaseKeeper:
    def __init__(
        self,
        engine: sa.Engine,
        owner: str,
        lease: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine, self.owner, self.lease = engine, owner, lease
        self._monotonic = monotonic
        self._renewed: dict[str, float] = {}  # source → when its lease was last set
        self._lock = threading.Lock()

    def started(self, name: str) -> None:
        """The source was just claimed: its lease runs from now."""
        with self._lock:
            self._renewed[name] = self._monotonic()

    def done(self, name: str) -> None:
        with self._lock:
            self._renewed.pop(name, None)

    def __call__(self, name: str) -> None:
        """Between items of ``name``'s pass: renew its lease when a third of it has gone."""
        now = self._monotonic()
        with self._lock:
            last = self._renewed.get(name)
            if last is None or now - last < self.lease / 3:
                return
            self._renewed[name] = now
        until = datetime.now(UTC) + timedelta(seconds=self.lease)
        try:
            with self.engine.begin() as conn:
                kept = source_rows.renew(conn, name, self.owner, until)
        except sa.exc.DBAPIError as e:  # the pass goes on; the next item tries again
            with self._lock:
                self._renewed[name] = last
            log.warning("source %r: lease not renewed, the store failed: %s", name, e)
            return
        if not kept:
            log.warning("source %r: its lease expired and was taken over during the pass", name)
