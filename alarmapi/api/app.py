"""Build the WSGI application: services, the pecan app and the paste pipeline."""

from __future__ import annotations

import importlib
import json
import logging
import os
import pathlib
import uuid
from collections.abc import Callable
from typing import Any

import pecan
import sqlalchemy as sa
import webob
from oslo_config import cfg
from paste import deploy

from alarmapi import errors, gnocchi, octavia, self_metrics
from alarmapi.api import faults, hooks, limits, pecan_speed, policies
from alarmapi.api.context import Services
from alarmapi.api.root import VersionsController
from alarmapi.api.v2.root import V2Controller
from alarmapi.storage import get_connection

LOG = logging.getLogger(__name__)

WSGIApp = Callable[..., Any]
assert pecan_speed  # imported for its effect: memoised controller signatures
#: Services of the apps built in this process, by the key paste hands the factories.
_SERVICES: dict[str, Services] = {}


def build_services(conf: cfg.ConfigOpts) -> Services:
    """Create the storage, policy enforcer and Gnocchi client of a process."""
    return Services(conf, get_connection(conf.database.connection), policies.init(conf),
                    gnocchi.from_config(conf), octavia.from_config(conf))


def _aodh_error(error: errors.AlarmAPIError) -> webob.Response:
    fault = faults.fault_of(error)
    return webob.Response(body=json.dumps(fault.body()).encode(), status=fault.status,
                          content_type="application/json", charset="UTF-8")


def _monasca_error(error: errors.AlarmAPIError) -> webob.Response:
    from alarmapi.api.v2_0.base import error_response

    fault = faults.fault_of(error)
    return error_response(fault.status, fault.message)


def setup_v2(services: Services) -> WSGIApp:
    """The pecan app serving /v2, behind the request limits."""
    app = pecan.make_app(
        V2Controller(),
        hooks=[hooks.ContextHook(services), hooks.BodyShapeHook()],
        force_canonical=False,
        guess_content_type_from_ext=False,
        debug=False,
    )
    return limits.RequestLimits(app, _aodh_error, services.conf.api.max_request_body_size)


def _paste_file(conf: cfg.ConfigOpts) -> str:
    name = conf.api.paste_config
    if os.path.isabs(name):
        return name
    found = conf.find_file(name)
    if found:
        return os.path.abspath(found)
    return str(pathlib.Path(__file__).with_name("api-paste.ini"))


def load_app(conf: cfg.ConfigOpts, services: Services | None = None) -> WSGIApp:
    """The whole WSGI application for ``[api] auth_mode``."""
    key = str(uuid.uuid4())
    _SERVICES[key] = services or build_services(conf)
    return deploy.loadapp(
        "config:" + _paste_file(conf),
        name=f"alarmapi+{conf.api.auth_mode}",
        global_conf={"configkey": key},
    )


def _services(global_conf: dict[str, Any]) -> Services:
    return _SERVICES[global_conf["configkey"]]


def v2_factory(global_conf: dict[str, Any], **local_conf: Any) -> WSGIApp:
    """Paste app factory of /v2."""
    return setup_v2(_services(global_conf))


def v2_0_factory(global_conf: dict[str, Any], **local_conf: Any) -> WSGIApp:
    """Paste app factory of /v2.0 (the Monasca-style metric API)."""
    from alarmapi.api.v2_0.root import V2_0Controller

    services = _services(global_conf)
    app = pecan.make_app(V2_0Controller(), hooks=[hooks.ContextHook(services)],
                         force_canonical=False, guess_content_type_from_ext=False)
    return limits.RequestLimits(app, _monasca_error, services.conf.api.max_request_body_size)


def versions_factory(global_conf: dict[str, Any], **local_conf: Any) -> WSGIApp:
    """Paste app factory of /."""
    return pecan.make_app(VersionsController(), force_canonical=False)


def metrics_factory(global_conf: dict[str, Any], **local_conf: Any) -> WSGIApp:
    """Paste app factory of /metrics: the service's own metrics, Prometheus exposition."""
    services = _services(global_conf)
    outbox = self_metrics.OutboxCollector(services.storage.outbox.backlog)

    def metrics(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            body, content_type = self_metrics.exposition([outbox])
        except sa.exc.SQLAlchemyError:  # the outbox unreadable: the rest still counts
            body, content_type = self_metrics.exposition()
        response = webob.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response(environ, start_response)

    return metrics


def console_factory(global_conf: dict[str, Any], **local_conf: Any) -> WSGIApp:
    """Paste app factory of /console: the web console."""
    from alarmapi.console.app import factory

    return factory(_services(global_conf).conf)


def favicon_factory(global_conf: dict[str, Any], **local_conf: Any) -> WSGIApp:
    """Paste app factory of /favicon.ico: the console's icon, where browsers look."""
    from alarmapi.console.app import FAVICON

    body = FAVICON.read_bytes()

    def favicon(environ: dict[str, Any], start_response: Any) -> Any:
        response = webob.Response(body=body, content_type="image/x-icon")
        response.cache_control = "public, max-age=86400"
        return response(environ, start_response)

    return favicon


def healthcheck_factory(global_conf: dict[str, Any], **local_conf: Any) -> WSGIApp:
    """Paste app factory of /healthcheck: 200 when the database answers, else 503."""
    services = _services(global_conf)

    def healthcheck(environ: dict[str, Any], start_response: Any) -> Any:
        response = webob.Response(content_type="text/plain", charset="UTF-8")
        try:
            engine = getattr(services.storage, "engine", None)
            if engine is not None:
                with engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            response.status = 503
            response.text = "database unavailable"
        return response(environ, start_response)

    return healthcheck


def _is_noop(name: str, conf: cfg.ConfigOpts) -> bool:
    """Whether a middleware would do nothing with this configuration.

    CORS without an allowed origin and proxy-header parsing left disabled only cost
    time on every request, so they are left out of the pipeline.
    """
    if name == "oslo_middleware.cors:CORS":
        return not conf.cors.allowed_origin
    if name == "oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI":
        return not conf.oslo_middleware.enable_proxy_headers_parsing
    return False


def oslo_filter_factory(global_conf: dict[str, Any], middleware: str,
                        **local_conf: Any) -> Callable[[WSGIApp], WSGIApp]:
    """Paste filter factory for oslo-style middleware, handed our ConfigOpts."""
    module_name, _, class_name = middleware.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    conf = _services(global_conf).conf
    if _is_noop(middleware, conf):
        return lambda app: app
    if module_name.startswith("oslo_middleware"):
        # oslo.middleware takes a ConfigOpts itself (a dict would make it fall back
        # to the global cfg.CONF); keystonemiddleware takes it as oslo_config_config.
        return lambda app: cls(app, conf)
    options = dict(local_conf, oslo_config_config=conf)
    if module_name.startswith("keystonemiddleware"):
        return lambda app: identity_guard(cls(app, options))
    return lambda app: cls(app, options)


def identity_guard(app: WSGIApp) -> WSGIApp:
    """Answer 503 in Aodh's error shape when token validation itself fails (Keystone
    unreachable or misconfigured: no endpoint for the interface), never a bare 500."""
    from keystoneauth1 import exceptions as ksa_exceptions

    def guarded(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return app(environ, start_response)
        except ksa_exceptions.ClientException as error:
            LOG.error("token validation failed: %s", error)
            fault = faults.Fault(503, f"The identity service cannot validate the token: {error}")
            return fault.response()(environ, start_response)

    return guarded


def urlmap_factory(loader: Any, global_conf: dict[str, Any], **local_conf: str) -> WSGIApp:
    """A composite that sends each path prefix to its own app (longest first)."""
    apps = sorted(((prefix.rstrip("/"), loader.get_app(name, global_conf=global_conf))
                   for prefix, name in local_conf.items()), key=lambda item: -len(item[0]))

    def urlmap(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "") or "/"
        for prefix, app in apps:
            if not prefix:
                if path == "/":
                    return app(environ, start_response)
                continue
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix):]
                return app(environ, start_response)
        return webob.exc.HTTPNotFound()(environ, start_response)

    return self_metrics.RequestMetrics(urlmap)
