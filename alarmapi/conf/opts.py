"""Every option group, for registration and for oslo-config-generator."""

from __future__ import annotations

from oslo_config import cfg

from alarmapi.conf import api, database, gnocchi

_GROUPS = (api, database, gnocchi)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """The (group, options) pairs oslo-config-generator documents."""
    return [(module.GROUP, list(module.OPTS)) for module in _GROUPS]


def register(conf: cfg.ConfigOpts) -> None:
    """Register every alarmapi option group on ``conf``."""
    for group, options in list_opts():
        conf.register_opts(options, group=group)


def set_defaults() -> None:
    """Defaults oslo libraries should have in alarmapi (none changed yet)."""
