"""Remote text made safe to show an operator: in logs, terminal tables, the status page.

Two rules, one home: credentials in URLs (``user:password@``) are never shown, and control
characters (terminal escape sequences, bells, carriage returns, NUL) never reach a terminal
or a log line, where they could clear the screen, retitle the window or forge a log entry.
"""

from __future__ import annotations

import re

_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]+@")
_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, "clear screen"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # the rest of C0 and C1, ESC included
)


def quote(text: str, limit: int = 60) -> str:
    """``text`` on one line in quotes, cut at ``limit`` characters: how a note of what was
    cut names the text it cut."""
    flat = " ".join(text.split())
    return f"'{flat if len(flat) <= limit else flat[: limit - 1].rstrip() + '…'}'"


def redact(text: str) -> str:
    """``text`` with the user-info of every URL in it replaced by ``***``."""
    return _CREDENTIALS.sub(r"\1***@", text)


def shown(text: str) -> str:
    """``text`` as an operator may see it, on one line: no credentials, no control
    characters, no line breaks (a remote line break would forge a log entry)."""
    return redact(_CONTROLS.sub("", text).replace("\n", " "))
