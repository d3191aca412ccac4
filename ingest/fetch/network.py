"""The guarded network backend: addresses are checked on the resolved IP at connect time.

A name that resolves to a loopback or private address (DNS rebinding) is refused as well
as a literal one, and we connect to the address we checked, never resolving twice.  Every
socket operation is also bounded by the running request's deadline (``limits.Deadline``).
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from ingest.fetch.limits import Deadline

# --- the guarded network backend ----------------------------------------------------------


class AddressRefused(httpcore.ConnectError):
    """A connection to a loopback, private or otherwise non-public address was refused."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        named = address if host == address else f"{host} ({address})"
        super().__init__(
            f"refused to connect to {named}: {kind} address "
            "(set [fetch] allow_private_networks = true to allow)"
        )


def address_refusal(address: str) -> str | None:
    """Why we refuse to connect to ``address``, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks each address, and connects to a checked one (never re-resolves)."""

    def __init__(self, allow_private: bool, deadline: Deadline) -> None:
        self.allow_private = allow_private
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self.deadline.bound(timeout, httpcore.ConnectTimeout)
        addresses = self._allowed(host, _resolve(host, port))
        last: OSError | None = None
        for family, sockaddr in addresses:
            try:
                sock = _connect(family, sockaddr, timeout, socket_options or ())
            except TimeoutError as e:
                raise httpcore.ConnectTimeout(str(e)) from e
            except OSError as e:
                last = e
                continue
            return DeadlineStream(sock, self.deadline)
        raise httpcore.ConnectError(describe_os_error(last)) from last

    def _allowed(self, host: str, addresses: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
        if self.allow_private:
            return addresses
        allowed, refused = [], None
        for family, sockaddr in addresses:
            kind = address_refusal(sockaddr[0])
            if kind is None:
                allowed.append((family, sockaddr))
            elif refused is None:
                refused = AddressRefused(host, sockaddr[0], kind)
        if not allowed and refused is not None:
            raise refused
        return allowed

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _resolve(host: str, port: int) -> list[tuple[int, Any]]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise httpcore.ConnectError("name not resolved") from e
    return [(family, sockaddr) for family, _, _, _, sockaddr in infos]


def _connect(
    family: int, sockaddr: Any, timeout: float | None, options: Iterable[Any]
) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        for option in options:
            sock.setsockopt(*option)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class DeadlineStream(httpcore.NetworkStream):
    """A socket whose every operation is also bounded by the running request's deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self.sock = sock
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        bound = self.deadline.bound(timeout, httpcore.ReadTimeout)
        # settimeout too: on a socket closed meanwhile it fails with EBADF, which must reach
        # the caller as a read error of this request, not as an unexpected OSError.
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            self.sock.settimeout(bound)
            return self.sock.recv(max_bytes)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        while buffer:
            bound = self.deadline.bound(timeout, httpcore.WriteTimeout)
            with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
                self.sock.settimeout(bound)
                sent = self.sock.send(buffer)
            buffer = buffer[sent:]

    def close(self) -> None:
        self.sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self.sock.settimeout(self.deadline.bound(timeout, httpcore.ConnectTimeout))
        try:
            with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
                wrapped = ssl_context.wrap_socket(self.sock, server_hostname=server_hostname)
        except BaseException:
            self.sock.close()
            raise
        return DeadlineStream(wrapped, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self.sock, ssl.SSLSocket):
            return self.sock._sslobj  # type: ignore[attr-defined]
        extras = {
            "client_addr": self.sock.getsockname,
            "server_addr": self.sock.getpeername,
            "socket": lambda: self.sock,
            "is_readable": lambda: _is_readable(self.sock),
        }
        getter = extras.get(info)
        return getter() if getter else None


def _is_readable(sock: socket.socket) -> bool:
    """True when an idle pooled connection has data or EOF waiting: the server closed it."""
    if sock.fileno() < 0:
        return True
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


@contextmanager
def _mapped(timeout_exc: type[Exception], error_exc: type[Exception]) -> Iterator[None]:
    try:
        yield
    except TimeoutError as e:
        raise timeout_exc(str(e) or "timed out") from e
    except OSError as e:
        raise error_exc(describe_os_error(e)) from e


def describe_os_error(error: OSError | None) -> str:
    """A short, stable cause for a socket or TLS error (httpcore's pool drops the chain)."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError):
        return "connection reset by peer"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS: certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS: {error.reason or error}"
    return f"network error: {error}"


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over our network backend.

    httpx 0.28 has no public parameter for httpcore's ``network_backend``, so the pool it
    builds is replaced by one built the same way with ours.
    """

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
