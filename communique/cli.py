"""The ``communique`` command: builds settings, store, fetcher and app, and passes them down.

Exit codes: 0 success; 1 a run failed (every source failed, store unreachable, ...);
2 the configuration (or the command line) is invalid.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from communique import clusters_cli, logs
from communique.settings import load_settings
from ingest.errors import CommuniqueError, ConfigError, StoreError
from ingest.store.engine import damaged


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings(args.config)
    except ConfigError as e:
        print(f"communique: configuration error: {e}", file=sys.stderr)
        return 2
    logs.configure(settings.log, verbose=args.verbose)
    try:
        return int(args.handler(args, settings))
    except ConfigError as e:
        print(f"communique: configuration error: {e}", file=sys.stderr)
        return 2
    except StoreError as e:
        print(f"communique: store error: {e}", file=sys.stderr)
        return 1
    except sa.exc.DatabaseError as e:  # SQLite found the file damaged mid-command
        if not settings.store.url.startswith("sqlite"):
            raise
        print(f"communique: store error: {damaged(sa.make_url(settings.store.url), e)}",
              file=sys.stderr)  # fmt: skip
        return 1
    except CommuniqueError as e:
        print(f"communique: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="communique",
        description="Ingest diplomatic news, normalize and deduplicate it, republish it as feeds.",
    )
    _common_options(parser, None)
    parser.add_argument("--version", action="version", version=f"communique {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: object, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        # Also after the command ("communique sources --config my.toml"); SUPPRESS keeps a
        # value given before the command when none is given after it.
        _common_options(p, argparse.SUPPRESS)
        return p

    from communique import commands

    command("run", commands.run, "run the scheduler and the HTTP server (Ctrl-C or SIGTERM stops)")
    p = command("ingest", commands.ingest, "fetch every enabled source once now, then exit")
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="only these sources (by name)")
    command("serve", commands.serve, "serve the output feeds over HTTP, without fetching")
    p = command("export", commands.export, "write every output feed as static files")
    p.add_argument("dir", type=Path, metavar="DIR")
    command("sources", commands.show_sources, "show each source's health and next fetch")
    p = command("check", commands.check, "fetch one source once and show what would be ingested")
    p.add_argument("source", metavar="SOURCE", help="the source's name (or its URL)")
    p.add_argument("--lines", type=int, default=3, help="body lines to show per story")
    p = command("demo", commands.demo, "serve a bundled fixture news site and run everything on it")
    p.add_argument(
        "--port", type=int, default=None, help="HTTP port for communique (default from config)"
    )
    p.add_argument(
        "--once", action="store_true", help="ingest once, print where the feeds are, exit"
    )
    p = command("store", commands.store_check, "check the store file; recover what can be read")
    p.add_argument("action", choices=["check"], help="check: SQLite's integrity check")
    p.add_argument(
        "--recover", metavar="NEW.db", type=Path, help="copy what can be read into a new store"
    )
    clusters_cli.register(sub)
    sub.choices["clusters"].set_defaults(handler=commands.clusters)
    return parser


def _common_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default: $COMMUNIQUE_CONFIG, else the bundled one)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="log at DEBUG level"
    )


def _version() -> str:
    try:
        return importlib.metadata.version("communique")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
