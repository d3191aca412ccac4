"""A damaged SQLite store: find out, and copy what can still be read into a new one.

``communique store check`` runs SQLite's own integrity check; ``--recover NEW`` makes a
fresh store at the current schema and copies every row that can be read, table by table
in dependency order, skipping the damaged parts. Derived data (the LSH index) is copied
like the rest; rows whose page is lost are counted and reported, not guessed.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ingest.errors import StoreError
from ingest.store.engine import open_store
from ingest.store.schema import metadata

CHUNK = 500


@dataclass(frozen=True, slots=True)
class Copied:
    table: str
    rows: int
    lost_ranges: int  # stretches of rows that could not be read


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise StoreError(f"store check and recovery are for SQLite files; {url!r} is not one")
    return Path(parsed.database)


def integrity_problems(path: Path, limit: int = 20) -> list[str]:
    """SQLite's integrity check on ``path``: [] when the file is sound."""
    if not path.exists():
        raise StoreError(f"store file {path} does not exist")
    try:
        with closing(_read_only(path)) as conn:
            rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({limit})")]
    except sqlite3.DatabaseError as e:
        return [f"cannot be read at all: {e}"]
    return [] if rows == ["ok"] else rows


def recover(path: Path, target_url: str) -> list[Copied]:
    """Copy what can be read from the store file ``path`` into a new store at
    ``target_url``, which must not exist yet."""
    target = sqlite_path(target_url)
    if target.exists():
        raise StoreError(f"{target} exists already; recovery writes a new store")
    engine = open_store(target_url)
    try:
        with closing(_read_only(path)) as src, engine.connect() as dst:
            # Rows whose parent was lost are kept: foreign keys off for the copy (this must
            # be said outside a transaction, so on the driver's connection).
            dst.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            with dst.begin():
                return [_copy_table(src, dst, table) for table in metadata.sorted_tables]
    finally:
        engine.dispose()


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _copy_table(src: sqlite3.Connection, dst: sa.Connection, table: sa.Table) -> Copied:
    try:
        have = {r[1] for r in src.execute(f'PRAGMA table_info("{table.name}")')}
    except sqlite3.DatabaseError:
        return Copied(table.name, 0, 1)
    columns = [c.name for c in table.columns if c.name in have]
    if not columns:
        return Copied(table.name, 0, 0)
    rows, lost = 0, 0
    # The values are copied as SQLite stored them, so the statement is the driver's own.
    names = ", ".join(f'"{c}"' for c in columns)
    insert = (
        f'INSERT OR IGNORE INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    )
    for batch, failed in _batches(src, table, columns):
        lost += failed
        if batch:
            dst.exec_driver_sql(insert, batch)
            rows += len(batch)
    return Copied(table.name, rows, lost)


def _batches(src: sqlite3.Connection, table: sa.Table, columns: list[str]):  # type: ignore[no-untyped-def]
    """Rows in rowid order, CHUNK at a time; a chunk that fails is retried row by row, and
    a row that fails is skipped. Tables without rowid are read in one pass, as far as it goes."""
    cols = ", ".join(f'"{c}"' for c in columns)
    if not table.dialect_options["sqlite"].get("with_rowid", True):
        yield from _one_pass(src, f'SELECT {cols} FROM "{table.name}"')
        return
    try:
        top = src.execute(f'SELECT max(rowid) FROM "{table.name}"').fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = 10**7  # the index is gone: probe a generous range
    start = 0
    while start <= top:
        query = f'SELECT {cols} FROM "{table.name}" WHERE rowid > ? AND rowid <= ?'
        try:
            yield src.execute(query, (start, start + CHUNK)).fetchall(), 0
        except sqlite3.DatabaseError:
            yield from _row_by_row(src, query, start)
        start += CHUNK


def _row_by_row(src: sqlite3.Connection, query: str, start: int):  # type: ignore[no-untyped-def]
    failed = 0
    for rowid in range(start + 1, start + CHUNK + 1):
        try:
            yield src.execute(query, (rowid - 1, rowid)).fetchall(), 0
        except sqlite3.DatabaseError:
            failed += 1
    yield [], 1 if failed else 0


def _one_pass(src: sqlite3.Connection, query: str):  # type: ignore[no-untyped-def]
    rows: list[tuple[object, ...]] = []
    try:
        for row in src.execute(query):
            rows.append(row)
            if len(rows) >= CHUNK:
                yield rows, 0
                rows = []
    except sqlite3.DatabaseError:
        yield rows, 1
        return
    yield rows, 0
