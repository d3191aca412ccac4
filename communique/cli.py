"""The ``communique`` command: builds settings, store, fetcher and app, and passes them down.

Exit codes: 0 success; 1 a run failed (every source failed, store unreachable, ...);
2 the configuration (or the command line) is invalid.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.errors import CommuniqueError, ConfigError, StoreError

# Nothing heavy is imported here: `--help`, `--version` and argument errors answer at once;
# a command imports what it uses (settings, the store, the pipeline, rich) when it runs.


# The name a spawned process-pool worker runs its parent's script under (multiprocessing's
# spawn and forkserver re-run it as the worker starts, unless it is guarded).
_POOL_WORKER_MAIN = "__mp_main__"
UNGUARDED = (
    "communique: not run again in a process-pool worker: the script that runs communique "
    "in-process re-runs as each worker starts; put its call under "
    '`if __name__ == "__main__":`'
)


def _starting_pool_worker() -> bool:
    """Is this a spawned worker re-running its parent's script as it starts? There the
    script runs as ``__mp_main__`` while ``__main__`` is still the worker's bootstrap
    (elsewhere multiprocessing makes the two names one module, or sets neither)."""
    running = sys.modules.get(_POOL_WORKER_MAIN)
    return running is not None and running is not sys.modules.get("__main__")


def main(argv: Sequence[str] | None = None) -> int:
    if _starting_pool_worker():
        # Running the command here would start pools of pools and write to the store from
        # every worker; returning lets the worker finish starting and do the parent's work.
        print(UNGUARDED, file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from communique import logs
    from communique.settings import load_settings

    try:
        settings = load_settings(args.config)
    except ConfigError as e:
        print(f"communique: configuration error: {e}", file=sys.stderr)
        return 2
    logs.configure(settings.log, verbose=args.verbose)
    if isinstance(getattr(args, "func", None), str):  # a sub-command's own handler
        args.func = _resolve(args.func)
    try:
        return int(_resolve(args.handler)(args, settings))
    except ConfigError as e:
        print(f"communique: configuration error: {e}", file=sys.stderr)
        return 2
    except StoreError as e:
        print(f"communique: store error: {e}", file=sys.stderr)
        return 1
    except CommuniqueError as e:
        print(f"communique: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        if (message := _damaged_sqlite(e, settings.store.url)) is None:
            raise
        print(f"communique: store error: {message}", file=sys.stderr)
        return 1


def _damaged_sqlite(error: Exception, url: str) -> str | None:
    """SQLite found the store file damaged mid-command: the one line that says so."""
    if not url.startswith("sqlite"):
        return None
    import sqlalchemy as sa  # loaded already: the error came from it

    from ingest.store.engine import damaged

    if not isinstance(error, sa.exc.DatabaseError):
        return None
    return str(damaged(sa.make_url(url), error))


def _resolve(handler: str) -> Callable[..., int]:
    """``module:function`` to the function, imported only now."""
    module, _, name = handler.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="communique",
        description="Ingest diplomatic news, normalize and deduplicate it, republish it as feeds.",
    )
    _common_options(parser, None)
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=f"communique.commands:{handler}")
        # Also after the command ("communique sources --config my.toml"); SUPPRESS keeps a
        # value given before the command when none is given after it.
        _common_options(p, argparse.SUPPRESS)
        return p

    command(
        "run",
        "run",
        "run the scheduler and the HTTP server (Ctrl-C or SIGTERM stops)",
    )
    p = command("ingest", "ingest", "fetch every enabled source once now, then exit")
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="only these sources (by name)")
    p = command(
        "worker",
        "worker",
        "fetch and ingest sources on the schedule, without serving feeds (several may share "
        "one PostgreSQL store)",
    )
    p.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        metavar="PORT",
        help="serve /metrics and /healthz (only) on this port of [server] host",
    )
    command(
        "serve",
        "serve",
        "serve the output feeds over HTTP, without fetching (reads the store; holds no state)",
    )
    p = command("export", "export", "write every output feed as static files")
    p.add_argument("dir", type=Path, metavar="DIR")
    command("sources", "show_sources", "show each source's health and next fetch")
    p = command(
        "check",
        "check",
        "fetch one source once and show what would be ingested",
    )
    p.add_argument("source", metavar="SOURCE", help="the source's name (or its URL)")
    p.add_argument("--lines", type=int, default=3, help="body lines to show per story")
    p = command(
        "add",
        "add",
        "find the feed, sitemap or story list a site offers and show it as a source",
    )
    p.set_defaults(handler="communique.add:add")
    p.add_argument("url", metavar="URL", help="a homepage, section page, feed or sitemap")
    p.add_argument("--name", help="the source's name (default: the site's own title)")
    p.add_argument("--write", action="store_true", help="append the source to --config's file")
    p.add_argument("--lines", type=int, default=3, help="body lines to show per story")
    p = command(
        "demo",
        "demo",
        "serve a bundled fixture news site and run everything on it",
    )
    p.add_argument(
        "--port", type=int, default=None, help="HTTP port for communique (default from config)"
    )
    p.add_argument(
        "--once", action="store_true", help="ingest once, print where the feeds are, exit"
    )
    p = command("store", "store_check", "check the store file; recover what can be read")
    p.add_argument("action", choices=["check"], help="check: SQLite's integrity check")
    p.add_argument(
        "--recover", metavar="NEW.db", type=Path, help="copy what can be read into a new store"
    )
    _clusters(command("clusters", "clusters", "list, show, explain, split, merge story clusters"))
    return parser


def _clusters(parser: argparse.ArgumentParser) -> None:
    """``clusters`` and its sub-commands; each sets ``func``, run by ``commands.clusters``."""
    sub = parser.add_subparsers(dest="clusters_command", required=True)
    where = "communique.clusters_cli:"
    p = sub.add_parser("list", help="clusters, most recently changed first")
    p.add_argument("--min-size", type=int, default=1, help="only clusters with this many stories")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=where + "cmd_list")
    p = sub.add_parser("show", help="every story of one cluster")
    p.add_argument("cluster_id", type=int, metavar="ID")
    p.set_defaults(func=where + "cmd_show")
    p = sub.add_parser("split", help="take a story out of its cluster, for good")
    p.add_argument("story_id", type=int, metavar="STORY_ID")
    p.add_argument("--note", help="why, kept with the override")
    p.set_defaults(func=where + "cmd_split")
    p = sub.add_parser("merge", help="join two clusters; the older id survives")
    p.add_argument("cluster_ids", type=int, nargs=2, metavar="ID")
    p.add_argument("--note", help="why, kept with the override")
    p.set_defaults(func=where + "cmd_merge")
    p = sub.add_parser("explain", help="why two stories are, or are not, one story")
    p.add_argument("story_ids", type=int, nargs=2, metavar="STORY_ID")
    p.set_defaults(func=where + "cmd_explain")


def _common_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default: $COMMUNIQUE_CONFIG, else the bundled one)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="log at DEBUG level; ingest lists unchanged sources too",
    )


class _Version(argparse.Action):
    """``--version``, looked up only when asked: reading the installed metadata cost every
    command 20 ms of start-up (cron's ``ingest`` included)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"communique {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def _version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("communique")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def run(argv: Sequence[str] | None = None) -> int:
    """The installed ``communique`` command: ``main``, then a quick exit. The interpreter's
    last garbage collection walks every object the imports made (SQLAlchemy's alone cost
    50 ms): frozen, they are left to the operating system, as is all the rest. Files,
    logs and the store are closed before this returns, and atexit handlers still run."""
    code = main(argv)
    import gc

    gc.freeze()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
