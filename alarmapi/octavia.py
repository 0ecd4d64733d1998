"""A small, timeout-bound client of the Octavia v2 API: a pool's project and its
members, direct or with the service user's keystone token (catalog ``load-balancer``)."""

from __future__ import annotations

import urllib.parse
from typing import Any

import requests
from keystoneauth1 import exceptions as ka_exceptions

from alarmapi import errors, service_auth
from alarmapi.backends import Backend

#: The catalog's service type of Octavia.
SERVICE_TYPE = "load-balancer"
#: Pages of members followed at most (Octavia pages by its [api_settings] pagination_max_limit).
MAX_PAGES = 100


class OctaviaFailed(Exception):
    """Octavia answered, but not with what was asked for."""


class OctaviaClient:
    """Reads pools and their members with a timeout on every call."""

    def __init__(self, endpoint: str | None, *, timeout: float = 10.0, pool_size: int = 10,
                 adapter: Any | None = None) -> None:
        """``adapter``: a keystoneauth1 Adapter (service type load-balancer) that sends
        the service user's token and, without ``endpoint``, finds Octavia in the catalog."""
        self.endpoint = (endpoint or "").rstrip("/")
        self.timeout = timeout
        self.adapter = adapter
        self._session = service_auth.pooled_session(pool_size)

    def _get(self, path: str, params: dict[str, str] | None = None) -> requests.Response:
        headers = {"Accept": "application/json"}
        if self.adapter is not None:
            try:
                return self.adapter.request(path, "GET", params=params, headers=headers,
                                            timeout=self.timeout, raise_exc=False)
            except ka_exceptions.ClientException as exc:
                raise errors.BackendUnavailable(
                    f"Octavia is unavailable: {exc.__class__.__name__}") from exc
        try:
            return self._session.get(self.endpoint + path, params=params, headers=headers,
                                     timeout=self.timeout)
        except requests.RequestException as exc:
            raise errors.BackendUnavailable(
                f"Octavia is unavailable: {exc.__class__.__name__}") from exc

    def _json(self, path: str, params: dict[str, str] | None = None) -> Any:
        response = self._get(path, params)
        if response.status_code >= 400:
            raise OctaviaFailed(f"Octavia answered {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise OctaviaFailed("Octavia answered no JSON") from exc

    def pool_project(self, pool_id: str) -> str | None:
        """The project of a pool; None when Octavia has no such pool."""
        path = f"/v2.0/lbaas/pools/{urllib.parse.quote(pool_id, safe='')}"
        response = self._get(path)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise OctaviaFailed(f"Octavia answered {response.status_code}")
        try:
            return str(response.json()["pool"]["project_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise OctaviaFailed("Octavia answered no pool") from exc

    def members(self, pool_id: str) -> list[dict[str, Any]]:
        """Every member of a pool, following ``members_links`` pages."""
        path = f"/v2.0/lbaas/pools/{urllib.parse.quote(pool_id, safe='')}/members"
        found: list[dict[str, Any]] = []
        params: dict[str, str] | None = None
        for _ in range(MAX_PAGES):
            body = self._json(path, params)
            page = body.get("members") if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise OctaviaFailed("Octavia answered no member list")
            found.extend(m for m in page if isinstance(m, dict))
            following = [link.get("href") for link in body.get("members_links") or []
                         if isinstance(link, dict) and link.get("rel") == "next"]
            if not following or not page:
                return found
            query = urllib.parse.urlsplit(str(following[0])).query
            params = dict(urllib.parse.parse_qsl(query))
        raise OctaviaFailed(f"more than {MAX_PAGES} pages of members")


#: Where rule checks find the Octavia client.
BACKEND: Backend[OctaviaClient] = Backend("octavia")


def from_config(conf: Any) -> OctaviaClient | None:
    """The client the configuration describes: with the [service_credentials] token
    (to [octavia] endpoint, else the catalog's load-balancer), else to [octavia]
    endpoint unauthenticated; None without either."""
    opts = conf.octavia
    if service_auth.configured(conf):
        adapter = service_auth.adapter(conf, SERVICE_TYPE, opts.endpoint,
                                       opts.parallel_requests)
        return OctaviaClient(opts.endpoint, timeout=opts.timeout, adapter=adapter,
                             pool_size=opts.parallel_requests)
    if opts.endpoint:
        return OctaviaClient(opts.endpoint, timeout=opts.timeout,
                             pool_size=opts.parallel_requests)
    return None
