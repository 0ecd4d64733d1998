"""Every option group, for registration and for oslo-config-generator."""

from __future__ import annotations

from oslo_config import cfg
from oslo_middleware import cors, http_proxy_to_wsgi

from alarmapi.conf import (
    api,
    console,
    database,
    default,
    evaluator,
    gnocchi,
    listener,
    metrics,
    notifier,
    octavia,
    prometheus,
    self_metrics,
    service_credentials,
)

_GROUPS = (default, api, console, database, evaluator, gnocchi, listener, metrics, notifier,
           octavia, prometheus, self_metrics, service_credentials)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """The (group, options) pairs oslo-config-generator documents."""
    return [(module.GROUP, list(module.OPTS)) for module in _GROUPS]


def register(conf: cfg.ConfigOpts) -> None:
    """Register every alarmapi option group on ``conf``, and the options of the
    middleware the pipeline decides about (CORS, proxy headers)."""
    for group, options in list_opts():
        conf.register_opts(options, group=None if group == "DEFAULT" else group)
    conf.register_opts(cors.CORS_OPTS, "cors")
    conf.register_opts(http_proxy_to_wsgi.OPTS, "oslo_middleware")


def set_defaults() -> None:
    """Defaults oslo libraries should have in alarmapi (none changed yet)."""
