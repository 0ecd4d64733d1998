"""The HTTP client of the notifier: keep-alive connections, a timeout on every socket
operation, TLS options, no redirects, and the address it connects to checked against
the denied networks after resolution (the connection goes to that checked address,
while TLS verification and the Host header use the URL's name).

Built on http.client rather than a general-purpose library: a delivery is one POST
and its status, and the lighter stack is what lets one notifier deliver hundreds of
notifications per second.
"""

from __future__ import annotations

import collections
import dataclasses
import http.client
import socket
import ssl
import threading
import urllib.parse
from typing import NamedTuple

from alarmapi import destinations

#: Distinct destinations whose idle connections are kept.
MAX_DESTINATIONS = 256


@dataclasses.dataclass(frozen=True)
class TLSOptions:
    """How HTTPS receivers are verified and what the notifier presents to them."""

    verify: bool = True
    ca_bundle: str | None = None
    cert_file: str | None = None
    key_file: str | None = None


@dataclasses.dataclass
class Response:
    """What a receiver answered."""

    status: int
    reason: str
    retry_after: float | None


class Unreachable(Exception):
    """The receiver could not be reached (worth trying again later)."""


class Refused(Exception):
    """The destination may not be called at all."""


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the notifier's own backoff applies


class _Destination(NamedTuple):
    """Where kept-alive connections go: the checked address and how it is spoken to."""

    scheme: str
    address: str
    port: int
    hostname: str
    verify: bool


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a checked address, named by the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(_PinnedHTTP):
    """The same over TLS, verified against the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, address, timeout)
        self.context = context

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


class HTTPClient:
    """POSTs to receivers; thread-safe."""

    def __init__(self, timeout: float, denied: list[destinations.Network],
                 tls: TLSOptions, pool_size: int, user_agent: str) -> None:
        self.timeout = timeout
        self.denied = denied
        self.tls = tls
        self.pool_size = pool_size
        self.user_agent = user_agent
        self._idle: collections.OrderedDict[_Destination, list[_PinnedHTTP]] = (
            collections.OrderedDict())
        self._lock = threading.Lock()
        self._contexts = {True: self._context(True), False: self._context(False)}

    def _context(self, verify: bool) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.tls.ca_bundle if verify else None)
        if not verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.tls.cert_file:
            context.load_cert_chain(self.tls.cert_file, self.tls.key_file or None)
        return context

    def post(self, url: str, body: bytes, headers: dict[str, str], *,
             verify: bool | None = None, check_destination: bool = True) -> Response:
        """POST ``body`` to ``url``; Unreachable or Refused when no answer came."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"{url} is not an http(s) URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = destinations.resolve(parts.hostname, port)
        if not addresses:
            raise Unreachable(f"cannot resolve {parts.hostname}")
        if check_destination:
            try:
                destinations.check_addresses(parts.hostname, addresses, self.denied)
            except destinations.DeniedDestination as exc:
                raise Refused(str(exc)) from exc
        key = _Destination(parts.scheme, str(addresses[0]), port, parts.hostname,
                           self.tls.verify if verify is None else verify)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        all_headers = {"User-Agent": self.user_agent, "Content-Length": str(len(body)),
                       **headers}
        for reused in (True, False):
            connection = self._checkout(key) if reused else self._connect(key)
            if connection is None:
                continue
            try:
                connection.request("POST", target, body=body, headers=all_headers)
                answer = connection.getresponse()
                answer.read()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                if reused and isinstance(exc, (http.client.RemoteDisconnected,
                                               ConnectionResetError, BrokenPipeError)):
                    continue  # a kept-alive connection the receiver had closed
                raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
            if answer.will_close:
                connection.close()
            else:
                self._checkin(key, connection)
            return Response(answer.status, answer.reason or "",
                            _retry_after(answer.getheader("Retry-After")))
        raise AssertionError("unreachable")

    def _connect(self, key: _Destination) -> _PinnedHTTP:
        if key.scheme == "https":
            return _PinnedHTTPS(key.hostname, key.port, key.address, self.timeout,
                                self._contexts[key.verify])
        return _PinnedHTTP(key.hostname, key.port, key.address, self.timeout)

    def _checkout(self, key: _Destination) -> _PinnedHTTP | None:
        with self._lock:
            idle = self._idle.get(key)
            return idle.pop() if idle else None

    def _checkin(self, key: _Destination, connection: _PinnedHTTP) -> None:
        kept = False
        with self._lock:
            idle = self._idle.setdefault(key, [])
            self._idle.move_to_end(key)
            if len(idle) < self.pool_size:
                idle.append(connection)
                kept = True
            while len(self._idle) > MAX_DESTINATIONS:
                _, evicted = self._idle.popitem(last=False)
                for old in evicted:
                    old.close()
        if not kept:
            connection.close()

    def close(self) -> None:
        """Close every kept connection."""
        with self._lock:
            for idle in self._idle.values():
                for connection in idle:
                    connection.close()
            self._idle.clear()
