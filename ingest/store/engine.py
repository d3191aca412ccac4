"""Opening the store: engine set-up per backend and automatic Alembic migrations."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ingest.errors import StoreError
from ingest.store import locks

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. A store already there opens without importing Alembic (a tenth of a
# second at every start); tests/test_store_migrations.py checks this is Alembic's head.
HEAD = "0008"


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql://...``), ready for use.

    SQLite runs in WAL mode so the HTTP server reads while the scheduler writes, with a busy
    timeout so two writers queue instead of failing.  PostgreSQL URLs are routed to psycopg 3.
    """
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as e:
        raise StoreError(f"store url {url!r} is not a database URL: {e}") from e
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return sa.create_engine(parsed, pool_pre_ping=True, future=True)


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling defers BEGIN; take it over so BEGIN IMMEDIATE
        # and foreign keys behave as on PostgreSQL.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # Each pooled connection keeps its own page cache (2 MB by default) and the ingest
        # threads hold several: 1 MB each cut a cold 500-feed run's peak by 7 MB at the
        # same CPU (bench/ingest_speed.py); the OS keeps the file's pages cached anyway.
        cur.execute("PRAGMA cache_size=-1024")
        cur.close()

    # SQLite has one writer at a time. This process's writers (ingest threads, the daemon's
    # ticks, retention, the CLI) queue on this lock, in order, rather than race the busy
    # timeout while one of them holds SQLite's lock. Reentrant, so a nested write on one
    # thread waits on SQLite's timeout and fails instead of hanging for ever.
    writer = threading.RLock()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        # A writer takes the lock up front (IMMEDIATE), so two writers never deadlock on
        # upgrade; a reader (``reading``) begins DEFERRED and never waits for a writer (WAL).
        begin = conn.get_execution_options().get("sqlite_begin", "BEGIN IMMEDIATE")
        if begin != "BEGIN IMMEDIATE":
            conn.exec_driver_sql(begin)
            return
        writer.acquire()
        conn.info["writer"] = True
        try:
            conn.exec_driver_sql(begin)
        except BaseException:
            _release(conn)
            raise

    def _release(conn):  # type: ignore[no-untyped-def]
        if conn.info.pop("writer", False):
            writer.release()

    sa.event.listen(engine, "commit", _release)
    sa.event.listen(engine, "rollback", _release)
    return engine


def reading(engine: sa.Engine) -> sa.Connection:
    """A connection for reads only: on SQLite it never takes the write lock, so serving
    feeds is not held up by an ingest that is writing."""
    return engine.connect().execution_options(sqlite_begin="BEGIN")


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest migration; run at every start, a no-op when current.

    The revision is read first without the write lock, so a reader (``serve``) starts while
    another process holds that lock for a long write."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        if _revision(engine) == HEAD:
            return
        from alembic import command  # only when there is something to upgrade

        with engine.begin() as conn:
            # Workers started together on a new PostgreSQL store: one migrates, the others
            # wait here and then find it done.
            locks.exclusive(conn, "migrate")
            if locks.shared(conn) and _revision_on(conn) == HEAD:
                return
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except sa.exc.OperationalError as e:
        raise StoreError(f"store {where} unreachable: {e.orig}") from e
    except sa.exc.DatabaseError as e:
        if engine.url.get_backend_name() != "sqlite":
            raise StoreError(f"store {where}: migration failed: {e.orig}") from e
        raise damaged(engine.url, e) from e


def alembic_config() -> AlembicConfig:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _revision(engine: sa.Engine) -> str | None:
    """The store's revision, read as Alembic keeps it (None: a new or foreign database)."""
    with reading(engine) as conn:
        return _revision_on(conn)


def _revision_on(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    return rows[0] if len(rows) == 1 else None


def damaged(url: sa.URL, error: Exception) -> StoreError:
    """The one-line error for a store file SQLite cannot read."""
    cause = getattr(error, "orig", None) or error
    return StoreError(
        f"store file {url.database} is damaged ({cause}); "
        "run `communique store check` to check it and to recover what can be read"
    )


def open_store(url: str) -> sa.Engine:
    """Create the engine for ``url`` and migrate it; the one way the CLI opens a store."""
    engine = create_engine(url)
    migrate(engine)
    return engine
