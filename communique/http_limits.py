"""uvicorn's httptools protocol with limits on the request head, which it lacks.

httptools buffers a header line of any length, so one client sending a 128 MiB header
grows the server by that much and stalls the other requests while it is parsed. Here a
request head is refused with 431 past ``MAX_HEAD_BYTES`` or ``MAX_HEADERS`` fields, and
with 408 when it has not arrived whole within ``HEAD_TIMEOUT`` seconds (a slow drip).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 32 * 1024
MAX_HEADERS = 100
HEAD_TIMEOUT = 10.0
_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """Refuses oversized or slow request heads before httptools buffers them."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._refused = False
        self._head_timer: asyncio.TimerHandle | None = None
        self._begin_head()

    def _begin_head(self) -> None:
        self._in_head, self._head_bytes, self._header_count = True, 0, 0
        if self._head_timer is None:
            loop = asyncio.get_running_loop()
            self._head_timer = loop.call_later(HEAD_TIMEOUT, self._refuse, 408)

    def _end_head(self) -> None:
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._end_head()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(431)
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._begin_head()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > MAX_HEADERS:
            self._refuse(431)
            return
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._end_head()
        if not self._refused:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def _refuse(self, status: int) -> None:
        if self._refused:
            return
        self._refused = True
        self._end_head()
        reason = _REASONS[status]
        head: list[Any] = [b"HTTP/1.1 %d %s\r\n" % (status, reason)]
        head += [b"content-type: text/plain; charset=utf-8\r\n", b"connection: close\r\n"]
        head += [b"content-length: %d\r\n\r\n%s" % (len(reason), reason)]
        if not self.transport.is_closing():
            self.transport.write(b"".join(head))
            self.transport.close()
