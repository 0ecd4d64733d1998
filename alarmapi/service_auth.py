"""The [service_credentials] user's keystoneauth session: how alarmapi calls other
OpenStack services (Gnocchi, Prometheus through Aetos, Octavia) with a token, finding
them in the catalog.

An aodh.conf may instead name Gnocchi directly there, without keystone (``auth_type =
none``, ``gnocchi-basic`` or ``gnocchi-noauth`` with ``endpoint``): Aodh then sends
every service's requests to that one endpoint. alarmapi reads it as Gnocchi's alone
(:func:`direct`); Prometheus and Octavia then need endpoints of their own.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import requests

#: auth_type values that name one endpoint instead of a keystone (keystoneauth's none,
#: gnocchiclient's two plugins).
DIRECT_AUTH_TYPES = ("none", "noauth", "gnocchi-basic", "gnocchi-noauth")


@dataclasses.dataclass(frozen=True)
class Direct:
    """Gnocchi as [service_credentials] names it without keystone."""

    auth_type: str
    endpoint: str
    #: The basic-auth user of ``gnocchi-basic`` (None: no Authorization header).
    user: str | None


def pooled_session(pool_size: int) -> requests.Session:
    """A requests session keeping up to ``pool_size`` connections per host open."""
    session = requests.Session()
    transport = requests.adapters.HTTPAdapter(pool_maxsize=max(10, pool_size))
    session.mount("http://", transport)
    session.mount("https://", transport)
    return session


def configured(conf: Any) -> bool:
    """Whether [service_credentials] names a keystone to authenticate with (not one of
    the endpoint-only auth types, see :func:`direct`)."""
    opts = conf.service_credentials
    if opts.auth_type in DIRECT_AUTH_TYPES:
        return False
    return bool(opts.auth_type or opts.auth_url)


def direct(conf: Any) -> Direct | None:
    """Gnocchi's endpoint when [service_credentials] names it without keystone, as an
    aodh.conf next to a Gnocchi in basic auth does (``auth_type = gnocchi-basic``,
    ``user``, ``endpoint``); None otherwise. An endpoint-only auth type without an
    endpoint names nothing."""
    opts = conf.service_credentials
    if opts.auth_type not in DIRECT_AUTH_TYPES or not opts.endpoint:
        return None
    user = (opts.user or "admin") if opts.auth_type == "gnocchi-basic" else None
    return Direct(opts.auth_type, opts.endpoint, user)


def described(conf: Any) -> str:
    """How [service_credentials] is used, in one line for the start-up log."""
    found = direct(conf)
    if found is not None:
        return (f"[service_credentials] auth_type = {found.auth_type}: Gnocchi at "
                f"{found.endpoint} without keystone (Prometheus and Octavia need their own "
                "endpoints)")
    if configured(conf):
        opts = conf.service_credentials
        return (f"[service_credentials] keystone {opts.auth_url or opts.auth_type}: "
                "service endpoints from its catalog unless set in their sections")
    return "[service_credentials] not set: services only at the endpoints of their sections"


def adapter(conf: Any, service_type: str, endpoint_override: str | None = None,
            pool_size: int = 10) -> Any:
    """A keystoneauth1 Adapter for ``service_type`` with the [service_credentials]
    user (the endpoint from the catalog unless ``endpoint_override``)."""
    from keystoneauth1 import adapter as ka_adapter
    from keystoneauth1 import identity, loading

    from alarmapi.conf import service_credentials

    opts = conf.service_credentials
    if opts.auth_type and opts.auth_type != "password":
        auth = _plugin(conf, opts.auth_type)
    else:  # the password options alone, as Aodh's service_credentials are usually given
        auth = identity.Password(
            auth_url=opts.auth_url, username=opts.username, user_id=opts.user_id,
            password=opts.password, user_domain_id=opts.user_domain_id,
            user_domain_name=opts.user_domain_name, project_id=opts.project_id,
            project_name=opts.project_name, project_domain_id=opts.project_domain_id,
            project_domain_name=opts.project_domain_name)
    session = loading.load_session_from_conf_options(
        conf, service_credentials.GROUP, auth=auth, session=pooled_session(pool_size))
    return ka_adapter.Adapter(session, service_type=service_type,
                              interface=opts.interface.removesuffix("URL"),
                              region_name=opts.region_name,
                              endpoint_override=endpoint_override or None)


def _plugin(conf: Any, auth_type: str) -> Any:
    """The keystoneauth plugin ``auth_type`` built from [service_credentials]; its
    options not registered yet are registered (the ones alarmapi registers itself,
    auth_url among them, are read as they are: keystoneauth's own registration would
    refuse them as duplicates)."""
    from keystoneauth1 import loading

    from alarmapi.conf import service_credentials

    group = service_credentials.GROUP
    loader: Any = loading.get_plugin_loader(auth_type)
    wanted = loading.get_auth_plugin_conf_options(loader)
    known = set(conf[group])
    conf.register_opts([o for o in wanted if o.dest not in known], group=group)
    return loader.load_from_options(**{o.dest: conf[group][o.dest] for o in wanted})
