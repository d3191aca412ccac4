"""The lazy consoles: plain lines without rich, anything else through it."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout


def test_a_plain_line_does_not_load_rich() -> None:
    got = _run(
        "import sys\n"
        "from communique.console import err, out\n"
        "out.line('100 sources (100 unchanged), 0 new stories, 0 failed')\n"
        "print(err.is_terminal, out.is_terminal, 'rich' in sys.modules)\n"
    )
    assert got.splitlines() == [
        "100 sources (100 unchanged), 0 new stories, 0 failed",
        "False False False",
    ]


def test_a_table_loads_rich_and_lines_keep_their_order() -> None:
    got = _run(
        "from rich.table import Table\n"
        "from communique.console import out\n"
        "out.line('before')\n"
        "t = Table(title='ingest')\n"
        "t.add_column('source')\n"
        "t.add_row('[/]x')\n"  # markup off: a remote string prints as itself
        "out.print(t)\n"
        "out.line('after')\n"
    )
    lines = got.splitlines()
    assert lines[0] == "before" and lines[-1] == "after"
    assert any("[/]x" in line for line in lines)
