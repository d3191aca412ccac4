"""The shape of the code, checked from its imports (docs: ../shared/docs/ARCHITECTURE.md).

1. Dependencies point one way: ingest ← feeds ← communique; ``ingest`` never imports
   ``feeds`` or ``communique``, ``feeds`` never imports ``communique``.
2. Each third-party library lives behind one module of ours.
3. Pipeline leaves never touch the store.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "feeds", "communique")

# library → the modules allowed to import it
LIBRARY_HOMES = {
    "feedparser": {"ingest/parse.py"},
    "feedgen": {"feeds/render.py"},
    "apscheduler": {"communique/daemon.py"},
    "httpx": {"ingest/fetch/client.py", "ingest/fetch/limits.py", "ingest/fetch/network.py"},
    "httpcore": {"ingest/fetch/network.py"},
    "trafilatura": {"ingest/extract.py"},
    "nh3": {"ingest/sanitize.py"},
    "tomlkit": {"communique/add.py"},
    "uvicorn": {"communique/daemon.py", "communique/http_limits.py"},
}
LEAVES = (
    "fetch",
    "parse",
    "scrape",
    "extract",
    "clean",
    "normalize",
    "dedupe",
    "urls",
    "identity",
    "dates",
    "dateline",
    "tags",
    "language",
    "sanitize",
    "schedule",
)


def _modules() -> list[Path]:
    return [
        p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts
    ]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # "from communique import daemon" imports the module communique.daemon
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_there_is_code_to_check() -> None:
    assert len(_modules()) > 10


@pytest.mark.parametrize("path", _modules(), ids=_rel)
def test_dependencies_point_one_way(path: Path) -> None:
    top = _rel(path).split("/")[0]
    forbidden = {"ingest": ("feeds", "communique"), "feeds": ("communique",)}.get(top, ())
    bad = [m for m in _imports(path) if m.split(".")[0] in forbidden]
    assert not bad, f"{_rel(path)} imports {bad}: {top} must not depend on {forbidden}"


@pytest.mark.parametrize("library", sorted(LIBRARY_HOMES))
def test_each_library_lives_behind_one_module(library: str) -> None:
    users = {_rel(p) for p in _modules() if any(m.split(".")[0] == library for m in _imports(p))}
    assert users <= LIBRARY_HOMES[library], (
        f"{library} is imported by {sorted(users - LIBRARY_HOMES[library])}; "
        f"only {sorted(LIBRARY_HOMES[library])} may"
    )


def _leaf_files() -> list[Path]:
    ingest = ROOT / "ingest"
    files = [ingest / f"{x}.py" for x in LEAVES] + [ingest / x for x in LEAVES]
    return sorted(p for f in files if f.exists() for p in ([f] if f.is_file() else f.glob("*.py")))


@pytest.mark.parametrize("path", _leaf_files(), ids=_rel)
def test_leaves_do_not_touch_the_store(path: Path) -> None:
    bad = [m for m in _imports(path) if m.startswith(("ingest.store", "sqlalchemy"))]
    assert not bad, f"{_rel(path)} imports {bad}; leaves never touch the store"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_itself_through_others() -> None:
    """No import cycles, deferred imports inside functions included: a cycle hides in a
    function-level import just as well, and makes the modules one module in all but name."""
    paths = {_module_name(p): p for p in _modules()}
    graph = {
        name: {m for m in _imports(path) if m in paths and m != name}
        for name, path in paths.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, f"import cycles: {cycles}"
