"""Bounds on one request: a total deadline across its hops, and a decoded-size cap.

The deadline is per thread (httpx is driven synchronously, so every socket operation of a
request happens on the thread that called ``Fetcher.get``); the network backend reads it
before each socket operation.  Decoding is bounded step by step so a compression bomb is
stopped after ``max_bytes``.
"""

from __future__ import annotations

import threading
import time
import zlib
from typing import Any

import httpx

from ingest.errors import FetchError

# --- the deadline -------------------------------------------------------------------------


class Budget:
    """The seconds a request may still spend on the network, across its redirect hops."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


class Deadline(threading.local):
    """The running request's deadline, per thread: httpx is driven synchronously, so every
    socket operation of a request happens on the thread that called ``get``."""

    at: float | None = None

    def running(self, budget: Budget) -> Running:
        return Running(self, budget)

    def remaining(self) -> float | None:
        return None if self.at is None else self.at - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def bound(self, timeout: float | None, exc: type[Exception]) -> float | None:
        """``timeout`` shortened to the deadline; ``exc`` when the deadline has passed."""
        left = self.remaining()
        if left is None:
            return timeout
        if left <= 0:
            raise exc("total deadline exceeded")
        return left if timeout is None else min(timeout, left)


class Running:
    def __init__(self, deadline: Deadline, budget: Budget) -> None:
        self.deadline, self.budget = deadline, budget

    def __enter__(self) -> None:
        self.started = time.monotonic()
        self.outer = self.deadline.at  # robots.txt is fetched inside a request's hop loop
        self.deadline.at = self.started + self.budget.left

    def __exit__(self, *exc: object) -> None:
        self.budget.left -= time.monotonic() - self.started
        self.deadline.at = self.outer


# --- bounded decoding ---------------------------------------------------------------------


class TooLarge(Exception):
    pass


def content_encodings(url: str, response: httpx.Response) -> list[str]:
    raw = response.headers.get("content-encoding", "")
    names = [n.strip().lower() for n in raw.split(",") if n.strip()]
    names = [n for n in names if n != "identity"]
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(url, f"unsupported Content-Encoding: {name}")
    if len(names) > 1:
        raise FetchError(url, f"unsupported stacked Content-Encoding: {raw}")
    return names


class BoundedDecoder:
    """Decodes gzip/deflate without ever holding more than ``limit`` + 1 decoded bytes.

    zlib's ``max_length`` keeps each step bounded, unlike a plain ``decompress`` that would
    inflate a whole 64 KiB chunk of a bomb into hundreds of megabytes first.
    """

    def __init__(self, encodings: list[str], limit: int) -> None:
        self.encoding = encodings[0] if encodings else None
        self.limit = limit
        self.total = 0
        self._zlib = self._new()
        self._started = False

    def _new(self) -> Any:
        if self.encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS | 16)

    def feed(self, data: bytes) -> bytes:
        if self.encoding is None:
            return self._count(data)
        out: list[bytes] = []
        while data:
            data = self._step(data, out)
        return b"".join(out)

    def _step(self, data: bytes, out: list[bytes]) -> bytes:
        try:
            piece = self._zlib.decompress(data, self.limit - self.total + 1)
        except zlib.error:
            # "deflate" is meant to be zlib-wrapped; some servers send raw deflate.
            if self.encoding != "deflate" or self._started:
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            piece = self._zlib.decompress(data, self.limit - self.total + 1)
        self._started = True
        out.append(self._count(piece))
        if self._zlib.eof:  # gzip allows several members back to back
            rest: bytes = self._zlib.unused_data
            self._zlib = self._new()
            return rest if self.encoding != "deflate" else b""
        tail: bytes = self._zlib.unconsumed_tail
        return tail

    def flush(self) -> bytes:
        return self._count(self._zlib.flush()) if self.encoding else b""

    def _count(self, piece: bytes) -> bytes:
        self.total += len(piece)
        if self.total > self.limit:
            raise TooLarge
        return piece


def gunzip(data: bytes, limit: int) -> bytes:
    """A gzip file (a ``.xml.gz`` sitemap, served as it is stored) decoded with the same
    bounded steps as a gzip body: ``TooLarge`` past ``limit`` bytes, ``zlib.error`` when
    it is not gzip."""
    decoder = BoundedDecoder(["gzip"], limit)
    return decoder.feed(data) + decoder.flush()
