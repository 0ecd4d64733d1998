"""The [service_credentials] user's keystoneauth session: how alarmapi calls other
OpenStack services (Gnocchi, Prometheus through Aetos, Octavia) with a token, finding
them in the catalog."""

from __future__ import annotations

from typing import Any

import requests


def pooled_session(pool_size: int) -> requests.Session:
    """A requests session keeping up to ``pool_size`` connections per host open."""
    session = requests.Session()
    transport = requests.adapters.HTTPAdapter(pool_maxsize=max(10, pool_size))
    session.mount("http://", transport)
    session.mount("https://", transport)
    return session


def configured(conf: Any) -> bool:
    """Whether [service_credentials] names a keystone to authenticate with."""
    opts = conf.service_credentials
    return bool(opts.auth_type or opts.auth_url)


def adapter(conf: Any, service_type: str, endpoint_override: str | None = None,
            pool_size: int = 10) -> Any:
    """A keystoneauth1 Adapter for ``service_type`` with the [service_credentials]
    user (the endpoint from the catalog unless ``endpoint_override``)."""
    from keystoneauth1 import adapter as ka_adapter
    from keystoneauth1 import identity, loading

    from alarmapi.conf import service_credentials

    opts = conf.service_credentials
    if opts.auth_type:
        auth = loading.load_auth_from_conf_options(conf, service_credentials.GROUP)
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
