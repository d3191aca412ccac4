"""Cross-process locks for writers that share one PostgreSQL store.

SQLite needs none of this: it has one writer at a time (and each process queues its own
writers on ``engine``'s lock). On PostgreSQL several workers write at once, and two of
them storing copies of one story would each look up candidates before the other's story
is committed, and each open a cluster. So a writer, before it looks up a story's
candidates, takes a transaction-scoped advisory lock on every band key and the content
hash the lookup will read. Two stories that could match share at least one of those keys
(a candidate is only ever found through one), so the second writer waits until the first
commits and then, in READ COMMITTED, sees its rows. Stories with nothing in common take
different locks and never wait for each other.

The keys are ``(bucket-free band, hash)``: the lookup reads a band in three neighbouring
time buckets, and dropping the bucket from the lock key makes one lock cover all three.
Keys are 32-bit hashes under a namespace taken from the schema, so stores that share one
database (one schema each) never wait on each other's locks; a collision only makes two
unrelated writers wait, never lets two related ones pass.

Cluster rows are locked (``SELECT ... FOR UPDATE``) before a writer changes them, in
``cluster_rows.lock_live``.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

import sqlalchemy as sa

log = logging.getLogger("communique.store")

T = TypeVar("T")

# SQLSTATEs after which a transaction is safe to run again from the start.
RETRYABLE = {
    "40001": "serialization failure",
    "40P01": "deadlock detected",
}
ATTEMPTS = 8


def one_writer(engine: sa.Engine) -> bool:
    """Does the store let one writer in at a time (SQLite), so none of this is needed?"""
    return engine.dialect.name == "sqlite"


def shared(conn: sa.Connection) -> bool:
    """Can other processes write to this store at the same time as we do?"""
    return conn.dialect.name == "postgresql"


def _key(text: str) -> int:
    """A signed 32-bit lock key (PostgreSQL's two-key advisory locks take int4s)."""
    digest = hashlib.blake2b(text.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def band_keys(bands: Iterable[tuple[int, int]], content_hash: str) -> list[int]:
    """The lock keys for a story's (band, hash) pairs and its text, sorted: every writer
    takes its locks in the same order, so two of them never deadlock on these."""
    keys = {_key(f"band:{band}:{h}") for band, h in bands}
    keys.add(_key(f"text:{content_hash}"))
    return sorted(keys)


_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtext(current_schema()), k)"
    " FROM unnest(CAST(%s AS integer[])) AS k"
)


def lock_story(conn: sa.Connection, bands: Iterable[tuple[int, int]], content_hash: str) -> None:
    """Hold, until this transaction ends, the locks of every key a story's candidate
    lookup reads (a no-op where the store has one writer)."""
    if not shared(conn):
        return
    # unnest yields the sorted array in order, so the locks are taken in that order.
    conn.exec_driver_sql(_LOCK, (band_keys(bands, content_hash),))


def exclusive(conn: sa.Connection, name: str) -> None:
    """Hold, until this transaction ends, the store-wide lock called ``name``: for the
    read-then-write steps every worker runs at start (syncing sources from the config,
    registering output feeds), which two workers starting together would otherwise both
    find to do, and the second's inserts fail on a unique key."""
    if shared(conn):
        conn.exec_driver_sql(_LOCK, ([_key(f"step:{name}")],))


def retryable(error: BaseException) -> str | None:
    """Why PostgreSQL rolled a transaction back that may simply be run again, else None."""
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return RETRYABLE.get(code) if isinstance(code, str) else None


def retrying(run: Callable[[], T], what: str) -> T:
    """``run`` (one whole transaction), again when it was rolled back for a reason that
    running it again can cure: a deadlock or serialization failure (after a short random
    pause, so two writers don't collide again), or a lost connection (after a pause that
    doubles each time, for a server restarting; the pool's pre-ping reconnects)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return run()
        except sa.exc.DBAPIError as e:
            reason = retryable(e) or ("connection lost" if e.connection_invalidated else None)
            if reason is None or attempt == ATTEMPTS:
                raise
            if e.connection_invalidated:
                pause = min(0.1 * 2 ** (attempt - 1), 2.0)
            else:
                pause = random.uniform(0, 0.02 * attempt)
            log.info("%s: %s, trying again in %.2fs (attempt %d)", what, reason, pause, attempt + 1)
            time.sleep(pause)
    raise AssertionError("unreachable")
