"""A small, timeout-bound HTTP client of the Gnocchi v1 API."""

from __future__ import annotations

import base64
import threading
import time
from typing import Any

import requests

from alarmapi import errors


class GnocchiError(errors.ClientError):
    """Gnocchi refused a request; carries Gnocchi's status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class GnocchiClient:
    """Calls Gnocchi with a mandatory timeout; caches the capabilities."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 10.0,
        user: str | None = "admin",
        capabilities_ttl: float = 3600.0,
        session: requests.Session | None = None,
        pool_size: int = 10,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.capabilities_ttl = capabilities_ttl
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_maxsize=max(10, pool_size))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self._session = session
        self._headers = {"Accept": "application/json"}
        if user:
            token = base64.b64encode(f"{user}:".encode()).decode()
            self._headers["Authorization"] = f"basic {token}"
        self._lock = threading.Lock()
        self._methods: list[str] | None = None
        self._methods_at = 0.0

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request; network failures become BackendUnavailable."""
        headers = dict(self._headers)
        headers.update(kwargs.pop("headers", {}))
        try:
            return self._session.request(
                method, self.endpoint + path, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise errors.BackendUnavailable(
                f"Gnocchi at {self.endpoint} is unavailable: {exc.__class__.__name__}"
            ) from exc

    @staticmethod
    def _message(response: requests.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return response.text.strip() or response.reason
        if isinstance(body, dict):
            description = body.get("description", body)
            if isinstance(description, dict):
                return str(description.get("cause", description))
            return str(description)
        return str(body)

    def aggregation_methods(self) -> list[str]:
        """Gnocchi's aggregation methods, cached for ``capabilities_ttl`` seconds."""
        with self._lock:
            fresh = time.monotonic() - self._methods_at < self.capabilities_ttl
            if self._methods is not None and fresh:
                return self._methods
        response = self.request("GET", "/v1/capabilities/")
        if response.status_code >= 400:
            raise errors.BackendUnavailable(
                f"Gnocchi capabilities unavailable: {self._message(response)}"
            )
        methods = list(response.json().get("aggregation_methods", []))
        with self._lock:
            self._methods, self._methods_at = methods, time.monotonic()
        return methods

    def check_aggregate(self, operations: list[Any], resource_type: str,
                        search: dict[str, Any]) -> None:
        """Ask Gnocchi to run an aggregate; raise GnocchiError when it refuses.

        A 404 (no such metric yet) is accepted, as Aodh accepts it.
        """
        response = self.request(
            "POST",
            "/v1/aggregates?needed_overlap=0&start=-1+day&stop=now",
            json={"operations": operations, "resource_type": resource_type,
                  "search": search},
        )
        if response.status_code >= 400 and response.status_code != 404:
            status = response.status_code if response.status_code < 500 else 503
            raise GnocchiError(status, self._message(response))


def from_config(conf: Any) -> GnocchiClient | None:
    """The client the [gnocchi] options describe; None when no endpoint is set."""
    if not conf.gnocchi.endpoint:
        return None
    return GnocchiClient(
        conf.gnocchi.endpoint,
        timeout=conf.gnocchi.timeout,
        user=conf.gnocchi.user if conf.gnocchi.auth_mode == "basic" else None,
        capabilities_ttl=conf.gnocchi.capabilities_cache_seconds,
        pool_size=conf.gnocchi.parallel_requests,
    )
