"""The terminal's two streams, as rich consoles made on first use.

Most runs never need rich: a cron ``ingest`` whose feeds all answered 304 prints one plain
line, and loading rich's console, progress bar and tables cost such a run ~40 ms of a
~0.6 s whole process (``bench/ingest_speed.py``'s cron-304). Plain lines go out through
``line`` without it; anything else builds the console and hands the call to it.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

# Environment variables under which rich decides for itself whether a stream is a terminal.
_RICH_TERMINAL_ENV = ("FORCE_COLOR", "TTY_INTERACTIVE", "TTY_COMPATIBLE")


class LazyConsole:
    """A rich ``Console(**options)`` built on first use; ``line`` writes plain text
    without it, ``is_terminal`` asks the stream."""

    def __init__(self, *, stderr: bool = False, **options: Any) -> None:
        self._stderr = stderr
        self._options = options

    @functools.cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(stderr=self._stderr, **self._options)

    def _stream(self) -> TextIO:
        return sys.stderr if self._stderr else sys.stdout

    @property
    def is_terminal(self) -> bool:
        if "console" in self.__dict__ or any(k in os.environ for k in _RICH_TERMINAL_ENV):
            return self.console.is_terminal
        return self._stream().isatty()

    def line(self, text: str) -> None:
        """One line of plain text (escaped by the caller, as for ``print``)."""
        if "console" in self.__dict__:
            self.console.print(text)
        else:
            stream = self._stream()
            stream.write(text + "\n")
            stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


# Wide when piped, so tables in logs and CI output don't wrap at 80 columns.
# markup=False: titles, errors and reason phrases come from remote servers, and "[/]" in
# one must print as itself, not crash rich. Every remote string also goes through shown().
out = LazyConsole(highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)
err = LazyConsole(stderr=True, highlight=False, markup=False)
