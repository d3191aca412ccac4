"""``communique clusters ...``: look at story clusters, ask why two stories are or are not
one, and correct them by hand (the arguments are defined in ``communique.cli``).

Splits and merges are recorded as overrides that later ingests respect.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from ingest import dedupe
from ingest.dedupe import DedupeParams
from ingest.errors import StoreError
from ingest.shown import shown
from ingest.store import cluster_views, lsh, overrides
from ingest.store.engine import reading


def _console() -> Console:
    # Plain text: no colour codes when piped, and no wrapping surprises in scripts.
    # Wide when piped, so a table in a log or a pipe doesn't wrap at 80 columns.
    # markup=False: titles and outlets are remote text ("[/]" in a title must not crash).
    return Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)


def cmd_list(args: argparse.Namespace, engine: sa.Engine, settings: Any) -> int:
    with reading(engine) as conn:
        rows = cluster_views.list_clusters(conn, limit=args.limit, min_size=args.min_size)
    table = Table("id", "size", "updated", "outlet", "title", box=None, pad_edge=False)
    for c in rows:
        updated = c.updated_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(str(c.id), str(c.size), updated, shown(c.outlet), shown(c.title))
    console = _console()
    console.print(table)
    console.print(f"{len(rows)} cluster{'s' * (len(rows) != 1)}")
    return 0


def cmd_show(args: argparse.Namespace, engine: sa.Engine, settings: Any) -> int:
    try:
        with reading(engine) as conn:
            members = cluster_views.cluster_members(conn, args.cluster_id)
    except StoreError as e:
        return _fail(str(e))
    table = Table("", "story", "published", "outlet", "title", "url", box=None, pad_edge=False)
    for m in members:
        mark = "*" if m.representative else ""
        published = m.published.strftime("%Y-%m-%d %H:%M")
        table.add_row(
            mark, str(m.story_id), published, shown(m.outlet), shown(m.title), shown(m.url)
        )
    console = _console()
    console.print(f"cluster {args.cluster_id}: {len(members)} stories (* representative)")
    console.print(table)
    return 0


def cmd_split(args: argparse.Namespace, engine: sa.Engine, settings: Any) -> int:
    try:
        with engine.begin() as conn:
            new = overrides.split_story(conn, args.story_id, note=args.note)
    except StoreError as e:
        return _fail(str(e))
    _console().print(f"story {args.story_id} is now alone in cluster {new}")
    return 0


def cmd_merge(args: argparse.Namespace, engine: sa.Engine, settings: Any) -> int:
    a, b = args.cluster_ids
    if a == b:
        return _fail(f"cluster {a} cannot be merged with itself")
    try:
        with engine.begin() as conn:
            keep = overrides.merge_clusters(conn, a, b, note=args.note)
    except StoreError as e:
        return _fail(str(e))
    _console().print(f"clusters {a} and {b} are now cluster {keep}")
    return 0


def cmd_explain(args: argparse.Namespace, engine: sa.Engine, settings: Any) -> int:
    """Why two stories are, or are not, one story: the steps of the pair decision."""
    a, b = args.story_ids
    if a == b:
        return _fail(f"story {a} is one story with itself")
    params = settings.dedupe if settings is not None else DedupeParams()
    with reading(engine) as conn:
        heads = cluster_views.story_heads(conn, [a, b])
        profiles = {p.story_id: p for p in lsh.profiles(conn, [a, b], params)}
    for story_id in (a, b):
        if story_id not in heads:
            return _fail(f"no story {story_id}")
    console = _console()
    for story_id in (a, b):
        h = heads[story_id]
        when = h.published.strftime("%Y-%m-%d %H:%M")
        console.print(f"story {story_id}  {when}  {shown(h.outlet)}  cluster {h.cluster_id}")
        console.print(f"  {shown(h.title)}")
    checks, level = dedupe.explain(profiles[a], profiles[b], params)
    for check in checks:
        console.print(f"{'ok  ' if check.passed else 'NO  '}{check.name}: {shown(check.detail)}")
    verdict = _LEVELS[level] if level else f"kept apart ({checks[-1].name})"
    console.print(f"verdict: {verdict}")
    together = heads[a].cluster_id is not None and heads[a].cluster_id == heads[b].cluster_id
    console.print(
        f"now: {'in one cluster' if together else 'in different clusters'}"
        + (
            ""
            if together == (level is not None)
            else " (a story joins its best match's cluster only when it also matches the"
            " cluster's representative, and clusters merge through stories that match both;"
            " an operator's split or merge holds)"
        )
    )
    return 0


_LEVELS = {3: "one story: the same text", 4: "one story: a copy", 5: "one story: the same event"}


def _fail(message: str) -> int:
    Console(stderr=True, highlight=False, markup=False).print(f"error: {shown(message)}")
    return 1
