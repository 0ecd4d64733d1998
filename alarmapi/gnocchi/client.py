"""A small, timeout-bound HTTP client of the Gnocchi v1 API: basic auth, no auth, or a
keystoneauth session (keystone tokens, the endpoint from the catalog)."""

from __future__ import annotations

import base64
import threading
import time
import urllib.parse
from typing import Any

import requests
from keystoneauth1 import exceptions as ka_exceptions

from alarmapi import errors, service_auth
from alarmapi.backends import Backend
from alarmapi.service_auth import pooled_session

#: The catalog's service type of Gnocchi.
SERVICE_TYPE = "metric"


class GnocchiError(errors.ClientError):
    """Gnocchi refused a request; carries Gnocchi's status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class GnocchiClient:
    """Calls Gnocchi with a mandatory timeout; caches the capabilities."""

    def __init__(
        self,
        endpoint: str | None,
        *,
        timeout: float = 10.0,
        user: str | None = "admin",
        capabilities_ttl: float = 3600.0,
        session: requests.Session | None = None,
        pool_size: int = 10,
        adapter: Any | None = None,
    ) -> None:
        """``adapter``: a keystoneauth1 Adapter (service type metric) that authenticates
        the requests and, without ``endpoint``, finds Gnocchi in the catalog."""
        self.endpoint = (endpoint or "").rstrip("/")
        self.adapter = adapter
        self.timeout = timeout
        self.capabilities_ttl = capabilities_ttl
        self._session = session or pooled_session(pool_size)
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
        if self.adapter is not None:
            try:
                return self.adapter.request(path, method, headers=headers, timeout=self.timeout,
                                            raise_exc=False, **kwargs)
            except ka_exceptions.ClientException as exc:
                raise errors.BackendUnavailable(
                    f"Gnocchi is unavailable: {exc.__class__.__name__}: {exc}") from exc
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

    def _found(self, path: str) -> dict[str, Any] | None:
        """The JSON object at ``path``; None on a 404."""
        response = self.request("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            status = response.status_code if response.status_code < 500 else 503
            raise GnocchiError(status, self._message(response))
        body = response.json()
        return body if isinstance(body, dict) else {}

    def resource_project(self, resource_type: str, resource_id: str) -> str | None:
        """The project a resource belongs to ("" when it names none); None when Gnocchi
        has no such resource."""
        path = (f"/v1/resource/{urllib.parse.quote(resource_type, safe='')}/"
                f"{urllib.parse.quote(resource_id, safe='')}")
        body = self._found(path)
        if body is None:
            return None
        return str(body.get("project_id") or body.get("created_by_project_id") or "")

    def metric_project(self, metric_id: str) -> str | None:
        """The project a metric belongs to (its resource's, else its creator's; "" when
        neither names one); None when Gnocchi has no such metric."""
        body = self._found(f"/v1/metric/{urllib.parse.quote(metric_id, safe='')}")
        if body is None:
            return None
        resource = body.get("resource")  # Gnocchi 4.7 embeds the metric's resource
        if isinstance(resource, dict):
            return str(resource.get("project_id") or resource.get("created_by_project_id")
                       or "")
        if body.get("resource_id"):
            return self.resource_project("generic", str(body["resource_id"])) or ""
        if body.get("created_by_project_id"):
            return str(body["created_by_project_id"])
        return str(body.get("creator") or "").partition(":")[2]  # "user:project"

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


#: Where rule checks find the Gnocchi client.
BACKEND: Backend[GnocchiClient] = Backend("gnocchi")


def from_config(conf: Any) -> GnocchiClient | None:
    """The client of the Gnocchi the configuration names, resolved as Aodh finds it
    for an aodh.conf: ``[gnocchi]`` when it names one (its endpoint, or auth_mode
    keystone), else the endpoint ``[service_credentials]`` names without keystone
    (auth_type none or gnocchi-basic), else the keystone catalog's ``metric`` service;
    None when nothing names a Gnocchi."""
    opts = conf.gnocchi
    ttl = opts.capabilities_cache_seconds
    if opts.auth_mode == "keystone":
        return GnocchiClient(
            opts.endpoint, timeout=opts.timeout, user=None, capabilities_ttl=ttl,
            adapter=service_auth.adapter(conf, SERVICE_TYPE, opts.endpoint,
                                         opts.parallel_requests))
    if opts.endpoint:
        return GnocchiClient(opts.endpoint, timeout=opts.timeout,
                             user=opts.user if opts.auth_mode == "basic" else None,
                             capabilities_ttl=ttl, pool_size=opts.parallel_requests)
    named = service_auth.direct(conf)
    if named is not None:
        return GnocchiClient(named.endpoint, timeout=opts.timeout, user=named.user,
                             capabilities_ttl=ttl, pool_size=opts.parallel_requests)
    if service_auth.configured(conf):
        return GnocchiClient(
            None, timeout=opts.timeout, user=None, capabilities_ttl=ttl,
            adapter=service_auth.adapter(conf, SERVICE_TYPE, None, opts.parallel_requests))
    return None
