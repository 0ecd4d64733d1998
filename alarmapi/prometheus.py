"""A small, timeout-bound client of the Prometheus HTTP API's instant queries, direct
or through Aetos with the service user's keystone token."""

from __future__ import annotations

import logging
import os
from typing import Any

import requests
from keystoneauth1 import exceptions as ka_exceptions

from alarmapi import errors, service_auth

LOG = logging.getLogger(__name__)
#: The catalog's service type of Aetos, the keystone-aware Prometheus proxy.
SERVICE_TYPE = "metric-storage"


class QueryFailed(Exception):
    """Prometheus answered, but not with an instant vector or scalar."""


def environment_endpoint(environ: Any = os.environ) -> tuple[str | None, str | None]:
    """Aodh's (python-observabilityclient's) environment: PROMETHEUS_HOST, _PORT,
    _CA_CERT and _ROOT_PATH; https when a CA certificate is named. (url, ca_cert)."""
    host, port = environ.get("PROMETHEUS_HOST"), environ.get("PROMETHEUS_PORT")
    if not host or not port:
        return None, None
    ca_cert = environ.get("PROMETHEUS_CA_CERT") or None
    root = (environ.get("PROMETHEUS_ROOT_PATH") or "").strip("/")
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    url = f"{'https' if ca_cert else 'http'}://{host}:{port}"
    return (f"{url}/{root}" if root else url), ca_cert


def samples(body: Any) -> list[float]:
    """The samples of an instant query's answer: one per series of a vector (in the
    order Prometheus gives them), one for a scalar; QueryFailed for anything else."""
    if not isinstance(body, dict) or body.get("status") != "success":
        raise QueryFailed(f"Prometheus answered {str(body)[:200]}")
    data = body.get("data") or {}
    kind, result = data.get("resultType"), data.get("result") or []
    try:
        if kind == "vector":
            return [float(series["value"][1]) for series in result]
        if kind == "scalar":  # Aodh's client fails on these; a scalar is one sample
            return [float(result[1])]
    except (TypeError, KeyError, IndexError, ValueError) as exc:
        raise QueryFailed(f"malformed {kind} result: {exc}") from exc
    raise QueryFailed(f"the query gives a {kind}, not an instant vector or a scalar")


class PrometheusClient:
    """Sends instant queries (GET <endpoint>/api/v1/query?query=...) with a timeout."""

    def __init__(self, endpoint: str | None, *, timeout: float = 10.0,
                 ca_cert: str | None = None, pool_size: int = 10,
                 adapter: Any | None = None) -> None:
        """``adapter``: a keystoneauth1 Adapter (service type metric-storage) that sends
        the token and finds Aetos in the catalog; ``endpoint`` is then where the
        queries go when the catalog has no such service (Aodh's fallback)."""
        self.endpoint = (endpoint or "").rstrip("/")
        self.timeout = timeout
        self.adapter = adapter
        self._session = service_auth.pooled_session(pool_size)
        if ca_cert:
            self._session.verify = ca_cert

    def _get(self, params: dict[str, str]) -> requests.Response:
        headers = {"Accept": "application/json"}
        if self.adapter is not None:
            try:
                return self.adapter.request("/api/v1/query", "GET", params=params,
                                            headers=headers, timeout=self.timeout,
                                            raise_exc=False)
            except ka_exceptions.EndpointNotFound as exc:
                if not self.endpoint:
                    raise errors.BackendUnavailable(
                        f"no {SERVICE_TYPE} endpoint in the catalog: {exc}") from exc
            except ka_exceptions.ClientException as exc:
                raise errors.BackendUnavailable(
                    f"Prometheus is unavailable: {exc.__class__.__name__}: {exc}") from exc
        try:
            return self._session.get(self.endpoint + "/api/v1/query", params=params,
                                     headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise errors.BackendUnavailable(
                f"Prometheus is unavailable: {exc.__class__.__name__}"
            ) from exc

    def query(self, promql: str) -> list[float]:
        """The samples of one instant query at the current time (no ``time``
        parameter, as Aodh sends it); BackendUnavailable or QueryFailed when there
        is no answer."""
        response = self._get({"query": promql})
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            detail = body.get("error") if isinstance(body, dict) else response.text[:200]
            raise QueryFailed(f"Prometheus answered {response.status_code}: {detail}")
        return samples(body)


def from_config(conf: Any) -> PrometheusClient | None:
    """The client the configuration describes: through keystone when
    [service_credentials] is set (to [prometheus] endpoint, else the catalog's Aetos),
    else to [prometheus] endpoint, else to Aodh's PROMETHEUS_* environment; None
    without any of them."""
    opts = conf.prometheus
    pool = opts.parallel_requests
    url, env_ca_cert = environment_endpoint()
    ca_cert = opts.ca_cert or env_ca_cert
    if service_auth.configured(conf):
        adapter = service_auth.adapter(conf, SERVICE_TYPE, opts.endpoint, pool)
        return PrometheusClient(opts.endpoint or url, timeout=opts.timeout,
                                ca_cert=ca_cert, pool_size=pool, adapter=adapter)
    if opts.endpoint or url:
        return PrometheusClient(opts.endpoint or url, timeout=opts.timeout,
                                ca_cert=ca_cert, pool_size=pool)
    return None
