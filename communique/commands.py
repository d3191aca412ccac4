"""The sub-commands: each builds what it needs from the settings and hands it down."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.console import err, out
from communique.settings import Settings, load_settings
from communique.wiring import context, store
from ingest import pipeline
from ingest.errors import CommuniqueError, ConfigError
from ingest.fetch import HTML_ACCEPT, Fetcher
from ingest.identity import item_key
from ingest.model import Fetched, RawItem, SourceSpec
from ingest.shown import shown
from ingest.store import repair
from ingest.store import sources as source_rows

if TYPE_CHECKING:
    from rich.table import Table


# --- ingest --------------------------------------------------------------------------------


def ingest(args: argparse.Namespace, settings: Settings) -> int:
    specs = _chosen(settings, args.sources)
    engine = store(settings)
    with context(settings, engine) as ctx:
        pipeline.sync(ctx, settings.sources)
        reports = _ingest_with_progress(ctx, specs, settings.schedule.workers)
    _print_reports(reports, every=bool(args.verbose))
    if reports and all(r.outcome == "error" for r in reports):
        err.line("communique: every source failed")
        return 1
    return 0


def _chosen(settings: Settings, names: list[str]) -> list[SourceSpec]:
    if not names:
        return [s for s in settings.sources if s.enabled]
    return [settings.source(name) for name in names]


def _ingest_with_progress(
    ctx: pipeline.Context, specs: list[SourceSpec], workers: int
) -> list[pipeline.SourceReport]:
    if not err.is_terminal:
        return pipeline.ingest_many(ctx, specs, workers)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err.console, transient=True) as bar:
        task = bar.add_task("", total=len(specs))
        return pipeline.ingest_many(
            ctx, specs, workers, progress=lambda r: bar.update(task, advance=1, description=r.name)
        )


_QUIET = ("not-modified", "unchanged")  # outcomes with nothing to report: no row unless -v


def _print_reports(reports: list[pipeline.SourceReport], every: bool = False) -> None:
    """A row per source that did something or failed; the unchanged ones are counted in
    the last line (all rows with ``every``): cron mails what changed, not 500 rows."""
    shown_reports = [r for r in reports if every or r.outcome not in _QUIET]
    quiet = sum(1 for r in reports if r.outcome in _QUIET)
    new = sum(r.new for r in reports)
    failed = sum(1 for r in reports if r.outcome == "error")
    unchanged = f" ({quiet} unchanged)" if quiet else ""
    total = f"{len(reports)} sources{unchanged}, {new} new stories, {failed} failed"
    if shown_reports:
        out.print(_report_table(shown_reports))
    out.line(total)


def _report_table(reports: list[pipeline.SourceReport]) -> Table:
    from rich.table import Table

    table = Table(title="ingest", title_justify="left")
    for name in (
        "source",
        "result",
        "HTTP",
        "items",
        "new",
        "revised",
        "seen",
        "clustered",
        "error",
    ):
        table.add_column(
            name,
            justify="right"
            if name in ("HTTP", "items", "new", "revised", "seen", "clustered")
            else "left",
        )
    for r in reports:
        table.add_row(
            shown(r.name),
            r.outcome,
            str(r.status or "-"),
            str(r.found),
            str(r.new),
            str(r.revised),
            str(r.seen),
            str(r.clustered),
            shown(r.error or ""),  # whole: the table wraps it
        )
    return table


# --- sources -------------------------------------------------------------------------------


def show_sources(args: argparse.Namespace, settings: Settings) -> int:
    engine = store(settings)
    with engine.begin() as conn:
        source_rows.sync_sources(conn, settings.sources, datetime.now(UTC))
        rows = source_rows.health(conn)
    from rich.table import Table

    table = Table()
    for name in ("source", "enabled", "last fetch", "HTTP", "stories", "next fetch", "last error"):
        table.add_column(name)
    for h in rows:
        table.add_row(
            shown(h.name),
            "yes" if h.enabled else "no",
            _when(h.last_fetch_at),
            str(h.last_status or "-"),
            str(h.story_count),
            _when(h.next_fetch_at) if h.enabled else "-",
            shown(h.disabled_reason or h.last_error or ""),
        )
    out.print(table)
    return 0


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"


# --- store check --------------------------------------------------------------------------


def store_check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when the store file is sound (or was recovered), 1 when it is damaged."""
    path = repair.sqlite_path(settings.store.url)
    problems = repair.integrity_problems(path)
    if not problems:
        out.print(f"{path}: ok")
    for line in problems:
        out.print(f"{path}: {shown(line)}")
    if args.recover is None:
        if problems:
            out.print("recover what can be read with: communique store check --recover NEW.db")
        return 1 if problems else 0
    copied = repair.recover(path, f"sqlite:///{args.recover.resolve()}")
    for c in copied:
        lost = f", {c.lost_ranges} damaged stretch(es) skipped" if c.lost_ranges else ""
        out.print(f"  {c.table}: {c.rows} rows{lost}")
    out.print(f"recovered store written to {args.recover}; point [store] url at it")
    return 0


# --- check ---------------------------------------------------------------------------------


def check(args: argparse.Namespace, settings: Settings) -> int:
    # The digest path (parsing, extraction, cleaning, tagging) runs in this process here,
    # and only here: ``ingest`` and ``run`` leave it to the pool's workers.
    from ingest.listing import read_listing, read_url

    spec = _source_or_url(settings, args.source)
    bare = spec.name == spec.url  # "check URL": whatever the URL turns out to be
    with Fetcher(settings.fetch) as fetcher:
        try:
            accept = HTML_ACCEPT if spec.kind == "html" or bare else None
            fetched = fetcher.get(spec.url, robots=spec.robots, accept=accept)
            if bare:
                spec, parsed = read_url(spec, fetched, fetcher, datetime.now(UTC))
            else:
                parsed = read_listing(spec, fetched, fetcher, datetime.now(UTC))
        except CommuniqueError as e:
            err.print(shown(f"communique: source {spec.name!r}: {e}"))
            return 1
        if spec.name != spec.url:  # "check URL" names the URL once
            out.print(shown(spec.name), style="bold", end=" ")
        out.print(
            shown(f"{fetched.final_url} — HTTP {fetched.status}, "
                  f"{len(fetched.body)} bytes, {len(parsed.items)} items")
        )  # fmt: skip
        for note in (*parsed.notes, *parsed.dropped):
            out.print(f"  note: {shown(note)}")
        failed = 0
        for item in parsed.items:
            page = fetched if item.url == fetched.final_url and spec.kind == "html" else None
            failed += not show_story(fetcher, spec, item, args.lines, page=page)
    return 1 if parsed.items and failed == len(parsed.items) else 0


def show_story(
    fetcher: Fetcher, spec: SourceSpec, item: RawItem, lines: int, page: Fetched | None = None
) -> bool:
    """One story as it would be stored (``check`` and ``add``); False when it would not be.
    ``page``: the item's page, when it was fetched already (``check`` of an article's URL)."""
    from ingest import acts, digest

    key = item_key(item)
    out.print()
    try:
        if page is not None:
            story = digest.digest_item(item, page, spec, key, datetime.now(UTC))
        else:
            story = pipeline.prepare_story(fetcher, spec, item, key, datetime.now(UTC))
    except CommuniqueError as e:
        out.print("✗", style="red", end=" ")
        out.print(shown(f"{getattr(item, 'url', None) or key}: {e}"))
        return False
    out.print(shown(story.title), style="bold")
    fields = {
        "url": story.url,
        "published": f"{story.published.isoformat()}  (raw: {story.published_raw or '-'})",
        "outlet": story.outlet,
        "author": story.author,
        "language": story.language,
        "dateline": story.dateline,
        "sources": ", ".join(story.attributions),
        "parties": ", ".join(story.countries),
        "mentions": ", ".join(story.mentions),
        "orgs": ", ".join(story.organizations),
        "topics": f"{', '.join(story.topics) or '-'}  (diplomacy score {story.score:.2f}"
        + "".join(f"; {tag} by the learned model" for tag in story.learned)
        + ")",
        # The headline's measures, which keep an answer in kind apart from the act it answers.
        "acts": ", ".join(sorted(acts.directed_acts(story.title, story.body_text))),
    }
    for name, value in fields.items():
        out.print(f"  {name + ':':<11}{shown(value or '-')}")
    out.print(f"  words:     {story.word_count}")
    for line in [p for p in story.body_text.split("\n") if p.strip()][:lines]:
        out.print(f"  | {shown(line[:140])}")
    _print_cuts(story.removed)
    return True


def _print_cuts(notes: tuple[str, ...]) -> None:
    """What cleaning cut, grouped: before the story, after it, and boilerplate between."""
    from ingest import lead, tail

    groups = {"cut at start": lead.START, "cut at end": tail.END}
    for label, prefix in groups.items():
        for note in (n for n in notes if n.startswith(prefix)):
            out.print(f"  {label + ':':<14}{shown(note.removeprefix(prefix).strip())}")
    for note in (n for n in notes if not n.startswith(tuple(groups.values()))):
        out.print(f"  {'cut:':<14}{shown(note)}")


def _source_or_url(settings: Settings, name: str) -> SourceSpec:
    try:
        return settings.source(name)
    except ConfigError as e:
        if name.startswith(("http://", "https://")):
            return SourceSpec(name=name, url=name)
        raise UnknownSource(str(e).removeprefix("sources: ")) from e


class UnknownSource(CommuniqueError):
    """A command named a source the configuration does not have."""


def _demo_site(site_cls: Any, workdir: Path, preferred: int) -> Any:
    """The demo web on the port it had last time (else ``preferred``), so the URLs of its
    stories stay the same across restarts and a second run stores nothing twice."""
    saved = workdir / "site-port"
    try:
        port = int(saved.read_text())
    except (OSError, ValueError):
        port = preferred
    try:
        site = site_cls(port=port).start()
    except OSError:  # taken by something else: any free port, remembered from now on
        site = site_cls(port=0).start()
    saved.write_text(site.base_url.rsplit(":", 1)[1])
    return site


# --- output --------------------------------------------------------------------------------


def export(args: argparse.Namespace, settings: Settings) -> int:
    from feeds.export import export_all

    engine = store(settings)
    paths = export_all(engine, settings.feeds, settings.site(), args.dir)
    for path in paths:
        out.print(str(path))
    out.print(f"{len(paths)} files written to {args.dir}")
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    from communique.daemon import Daemon

    engine = store(settings, writes=False)
    err.print(f"serving {settings.base_url} on {settings.server.host}:{settings.server.port}")
    Daemon(settings, engine).serve(fetching=False)
    return 0


def worker(args: argparse.Namespace, settings: Settings) -> int:
    from communique.daemon import Daemon

    engine = store(settings)
    where = f" (metrics on port {args.metrics_port})" if args.metrics_port is not None else ""
    err.print(f"worker polling {sum(s.enabled for s in settings.sources)} sources{where}")
    Daemon(settings, engine).work(args.metrics_port)
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    from communique.daemon import Daemon

    engine = store(settings)
    err.print(f"serving {settings.base_url} on {settings.server.host}:{settings.server.port}"
              f" and polling {sum(s.enabled for s in settings.sources)} sources")  # fmt: skip
    Daemon(settings, engine).serve(fetching=True)
    return 0


def clusters(args: argparse.Namespace, settings: Settings) -> int:
    if not hasattr(args, "func"):
        what = "list, show, explain, split, merge"
        err.print(f"communique clusters: say what to do ({what}); see --help")
        return 2
    return int(args.func(args, store(settings), settings))


# --- demo ----------------------------------------------------------------------------------


def demo(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the bundled fixture site, ingest it once, then run the daemon on it."""
    from communique.daemon import Daemon
    from communique.demo import DemoSite, demo_config

    workdir = Path("data") / "demo"
    workdir.mkdir(parents=True, exist_ok=True)
    port = args.port or settings.server.port
    with _demo_site(DemoSite, workdir, port + 1) as site:
        config = workdir / "communique.toml"
        store_url = f"sqlite:///{(workdir / 'demo.db').resolve()}"
        config.write_text(demo_config(site.base_url, store_url, settings.server.host, port))
        demo_settings = load_settings(config)
        err.print(f"demo news site at {site.base_url}/ ; config written to {config}")
        engine = store(demo_settings)
        daemon = Daemon(demo_settings, engine)  # its /metrics count this first pass too
        with context(demo_settings, engine, on_report=daemon.metrics.record) as ctx:
            pipeline.sync(ctx, demo_settings.sources)
            _print_reports(pipeline.ingest_many(ctx, list(demo_settings.sources)))
        base = demo_settings.base_url
        for feed in demo_settings.feeds:
            page = f"{base}feeds/{feed.slug}"
            out.print(f"  {feed.title}: {page}.atom  .rss  .json  ({page}/)")
        if args.once:
            return 0
        out.print(f"serving on {base} — Ctrl-C stops")
        daemon.serve(fetching=True)
    return 0
