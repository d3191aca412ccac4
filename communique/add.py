"""``communique add URL``: find the way into a site, show it, and (``--write``) add it to the
config file with its comments and layout kept (tomlkit lives here and nowhere else)."""

from __future__ import annotations

import argparse
import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomlkit
from tomlkit.items import AoT, Comment, Table, Whitespace

from communique.commands import show_story
from communique.console import err, out
from communique.settings import DEFAULT_CONFIG, Settings, load_settings
from ingest.discover import Option, discover
from ingest.errors import CommuniqueError, ConfigError
from ingest.fetch import Fetcher
from ingest.model import SourceSpec
from ingest.shown import shown
from ingest.urls import canonical_url

SHOWN_STORIES = 5
Trivial = (Whitespace, Comment)


class AddRefused(CommuniqueError):
    """The config file already has the source, or cannot take it."""


def add(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 with a source found (and written, with ``--write``), 1 when none was."""
    target = _config_path(settings) if args.write else None
    with Fetcher(settings.fetch) as fetcher:
        options = discover(fetcher, args.url, datetime.now(UTC))
        _print_options(args.url, options)
        best = options[0] if options and options[0].items else None
        if best is None or best.parsed is None:
            err.print(shown(f"communique add: no feed, sitemap or story list found at {args.url}"))
            return 1
        spec = _named(best, args.name)
        out.print("\nthe best, as a source:\n")
        out.print(source_toml(spec).rstrip() + "\n")
        out.print(f"the first {SHOWN_STORIES} stories it would ingest:")
        shown_items = best.parsed.items[:SHOWN_STORIES]
        stored = sum(show_story(fetcher, spec, item, args.lines) for item in shown_items)
    if not stored:
        err.print("communique add: none of its stories could be read; not added")
        return 1
    if target is not None:
        note = append_source(target, spec)
        out.print(f"\nadded to {target}" + (f" ({note})" if note else ""))
        out.print(f"`communique ingest {spec.name!r}` fetches it now")
    return 0


def _config_path(settings: Settings) -> Path:
    path = Path(settings.path)
    if not settings.path or path.resolve() == DEFAULT_CONFIG:
        raise AddRefused(
            "--write needs your config file: give --config PATH (or set $COMMUNIQUE_CONFIG); "
            "the bundled default is not edited"
        )
    return path


def _print_options(url: str, options: list[Option]) -> None:
    out.print(shown(f"ways into {url}, best first:"))
    for n, option in enumerate(options, 1):
        spec = option.spec
        mark = f"{n}." if option.items else "✗"
        out.print(shown(f"  {mark:<3}{spec.kind:<8}{spec.url}  ({option.how})"))
        if option.error:
            out.print(shown(f"        {option.error}"))
        elif option.parsed is not None:
            newest = option.newest.strftime("%Y-%m-%d %H:%M UTC") if option.newest else "undated"
            text = f"{option.full:.0%} with full text" if spec.kind == "feed" else "text from pages"
            out.print(f"        {option.items} stories, newest {newest}, {text}")
            for note in option.parsed.dropped[:3]:
                out.print(shown(f"        note: {note}"))
    if not options:
        out.print("  (nothing)")


def _named(option: Option, name: str | None) -> SourceSpec:
    title = option.parsed.title if option.parsed else None
    chosen = name or (" ".join(title.split())[:80] if title else None)
    return SourceSpec(
        name=chosen or urlsplit(option.spec.url).hostname or option.spec.url,
        url=option.spec.url,
        kind=option.spec.kind,
        scrape=option.spec.scrape,
    )


# --- the config file ----------------------------------------------------------------------


def source_table(spec: SourceSpec) -> Table:
    table = tomlkit.table()
    table["name"] = spec.name
    table["url"] = spec.url
    if spec.kind != "feed":
        table["kind"] = spec.kind
    last = table
    if spec.scrape is not None:
        scrape = tomlkit.table()
        for key in ("item", "link", "title", "date", "summary"):
            value = getattr(spec.scrape, key)
            if value is not None:
                scrape[key] = value
        table["scrape"] = last = scrape
    last.add(tomlkit.nl())  # a blank line before whatever follows in the file
    return table


def source_toml(spec: SourceSpec) -> str:
    sources = tomlkit.aot()
    sources.append(source_table(spec))
    doc = tomlkit.document()
    doc["sources"] = sources
    return tomlkit.dumps(doc)


def append_source(path: Path, spec: SourceSpec) -> str | None:
    """Append ``spec`` to the file's ``[[sources]]``, keeping every comment and line as it
    was; the file is replaced only once the result loads as a valid configuration.
    Returns a note for the operator, or None."""
    text = path.read_text(encoding="utf-8")
    doc = tomlkit.parse(text)
    existing = doc.get("sources")
    if existing is not None and not isinstance(existing, AoT):
        raise AddRefused(f"{path}: sources is not written as [[sources]] tables; add it by hand")
    _refuse_duplicate(path, existing or [], spec)
    note = None
    if existing is None:
        doc.add(tomlkit.nl())
        doc.append("sources", tomlkit.aot())
        note = "the file had no [[sources]]: the bundled starter sources no longer apply"
    sources = doc["sources"]
    assert isinstance(sources, AoT)
    table = source_table(spec)
    if len(sources):
        # Comments that close the last source introduce what follows it in the file
        # ("# output feeds" above [[feeds]]): they stay after the new source.
        _deepest(table).value.body.extend(_closing_comments(_deepest(sources[-1])))
    sources.append(table)
    _replace_checked(path, tomlkit.dumps(doc))
    return note


def _deepest(table: Table) -> Table:
    """The table whose body ends where ``table`` ends in the file (its last sub-table)."""
    keyed = [item for key, item in table.value.body if key is not None]
    if keyed and isinstance(keyed[-1], Table) and table.value.body[-1][1] is keyed[-1]:
        return _deepest(keyed[-1])
    return table


def _closing_comments(table: Table) -> list[tuple[None, Any]]:
    """Take the comment lines (and what follows them) off the end of ``table``'s body."""
    body = table.value.body
    start = len(body)
    while start and body[start - 1][0] is None and isinstance(body[start - 1][1], Trivial):
        start -= 1
    first = next((i for i in range(start, len(body)) if isinstance(body[i][1], Comment)), None)
    if first is None:
        return []
    taken = body[first:]
    del body[first:]
    return taken  # type: ignore[return-value]


def _refuse_duplicate(path: Path, existing: Any, spec: SourceSpec) -> None:
    for n, table in enumerate(existing):
        if table.get("name") == spec.name:
            raise AddRefused(f"{path}: sources[{n}] is already named {spec.name!r}; "
                             "choose another name with --name")  # fmt: skip
        url = str(table.get("url", ""))
        with contextlib.suppress(ValueError):
            if url and canonical_url(url) == canonical_url(spec.url):
                raise AddRefused(f"{path}: sources[{n}] ({table.get('name')!r}) already "
                                 f"reads {url}")  # fmt: skip


def _replace_checked(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.add-tmp")
    temp.write_text(text, encoding="utf-8")
    try:
        load_settings(temp)
    except ConfigError as e:
        temp.unlink()
        raise AddRefused(f"{path} not changed: with the new source it would not load: {e}") from e
    with contextlib.suppress(OSError):
        os.chmod(temp, path.stat().st_mode)
    os.replace(temp, path)
