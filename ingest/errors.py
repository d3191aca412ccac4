"""The one exception hierarchy of communique.

Every error that crosses a module boundary is a ``CommuniqueError``.  Leaves raise the
specific subclass and wrap the library's exception with ``raise ... from e`` so the
cause stays visible; the pipeline catches ``CommuniqueError`` at the source boundary
and records it on the source's row, so one broken source never stops a run.
"""

from __future__ import annotations


class CommuniqueError(Exception):
    """Root of all errors raised on purpose by communique."""


class ConfigError(CommuniqueError):
    """The configuration is invalid; the message names the key path."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key


class FetchError(CommuniqueError):
    """A URL could not be fetched: network, HTTP status, limits or a refused address.

    ``retry_after`` is the server's Retry-After (429/503) in seconds, already capped.
    """

    def __init__(
        self,
        url: str,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url
        self.status = status
        self.retry_after = retry_after


class ParseError(CommuniqueError):
    """Fetched bytes are not a feed or listing page we can read."""


class ExtractError(CommuniqueError):
    """An article page gave no usable article text."""


class StoreError(CommuniqueError):
    """The store is unreachable, locked by another daemon, or its schema is wrong."""
