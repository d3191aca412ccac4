"""Politeness toward the sites we poll: per-host limits and robots.txt rules, cached."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

# --- politeness ---------------------------------------------------------------------------


class HostGate:
    """Per host: a bound on requests in flight and a minimum gap between their starts."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.concurrency, self.delay = max(1, concurrency), max(0.0, delay)
        self._lock = threading.Lock()
        self._hosts: dict[str, HostState] = {}

    def slot(self, host: str) -> Slot:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = HostState(threading.BoundedSemaphore(self.concurrency))
        return Slot(state, self.delay)


@dataclass(slots=True)
class HostState:
    in_flight: threading.BoundedSemaphore
    next_start: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, delay: float) -> float:
        """Book the next start time; return how long to wait for it."""
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + delay
            return start - now


class Slot:
    def __init__(self, state: HostState, delay: float) -> None:
        self.state, self.delay = state, delay

    def __enter__(self) -> None:
        self.state.in_flight.acquire()
        wait = self.state.reserve(self.delay)
        if wait > 0:
            time.sleep(wait)

    def __exit__(self, *exc: object) -> None:
        self.state.in_flight.release()


# --- robots.txt cache ---------------------------------------------------------------------


class RobotsCache:
    """Parsed robots.txt per scheme+host, each loaded once (per-key lock) and kept a while."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, RobotFileParser]] = {}
        self._loading: dict[str, threading.Lock] = {}

    def allows(self, url: str, load: Any) -> bool:
        return self.rules(url, load).can_fetch(self.token, url)

    def rules(self, url: str, load: Any) -> RobotFileParser:
        """The robots.txt rules of ``url``'s site."""
        parts = urlsplit(url)
        return self._rules(f"{parts.scheme.lower()}://{parts.netloc.lower()}/robots.txt", load)

    def _rules(self, robots_url: str, load: Any) -> RobotFileParser:
        with self._lock:
            key_lock = self._loading.setdefault(robots_url, threading.Lock())
        with key_lock:
            entry = self._entries.get(robots_url)
            if entry and entry[0] > time.monotonic():
                return entry[1]
            rules, ttl = load(robots_url)
            self._entries[robots_url] = (time.monotonic() + ttl, rules)
            return rules
