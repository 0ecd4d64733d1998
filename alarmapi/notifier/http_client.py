"""The HTTP client of the notifier: keep-alive pools, a timeout on every call, TLS
options, no redirects, and the address it connects to checked against the denied
networks after resolution (the connection goes to that checked address)."""

from __future__ import annotations

import collections
import dataclasses
import threading
import urllib.parse

import urllib3

from alarmapi import destinations

#: Distinct destinations whose connections are kept open.
MAX_POOLS = 256


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


class HTTPClient:
    """POSTs to receivers; thread-safe."""

    def __init__(self, timeout: float, denied: list[destinations.Network],
                 tls: TLSOptions, pool_size: int, user_agent: str) -> None:
        self.timeout = urllib3.Timeout(total=timeout)
        self.denied = denied
        self.tls = tls
        self.pool_size = pool_size
        self.user_agent = user_agent
        self._pools: collections.OrderedDict[tuple[object, ...], urllib3.HTTPConnectionPool] = (
            collections.OrderedDict())
        self._lock = threading.Lock()

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
        pool = self._pool(parts.scheme, str(addresses[0]), port, parts.hostname,
                          self.tls.verify if verify is None else verify)
        host_header = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            host_header += f":{parts.port}"
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        all_headers = {"Host": host_header, "User-Agent": self.user_agent, **headers}
        try:
            answer = pool.urlopen("POST", target, body=body, headers=all_headers,
                                  redirect=False, retries=False, assert_same_host=False,
                                  timeout=self.timeout)
        except urllib3.exceptions.HTTPError as exc:
            raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
        return Response(answer.status, answer.reason or "",
                        _retry_after(answer.headers.get("Retry-After")))

    def _pool(self, scheme: str, address: str, port: int, hostname: str, verify: bool
              ) -> urllib3.HTTPConnectionPool:
        key = (scheme, address, port, hostname, verify)
        with self._lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            pool = self._new_pool(scheme, address, port, hostname, verify)
            self._pools[key] = pool
            if len(self._pools) > MAX_POOLS:
                _, evicted = self._pools.popitem(last=False)
                evicted.close()
            return pool

    def _new_pool(self, scheme: str, address: str, port: int, hostname: str, verify: bool
                  ) -> urllib3.HTTPConnectionPool:
        common = {"maxsize": self.pool_size, "block": False, "timeout": self.timeout}
        if scheme == "http":
            return urllib3.HTTPConnectionPool(address, port, **common)  # type: ignore[arg-type]
        return urllib3.HTTPSConnectionPool(
            address, port, server_hostname=hostname,
            assert_hostname=hostname if verify else False,
            cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE",
            ca_certs=self.tls.ca_bundle if verify else None,
            cert_file=self.tls.cert_file or None, key_file=self.tls.key_file or None,
            **common)  # type: ignore[arg-type]

    def close(self) -> None:
        """Close every kept connection."""
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()
