"""[service_credentials]: the keystone user alarmapi acts as (as in Aodh): the notifier
redeems the trusts of trust+http(s) actions with it, and with ``[gnocchi] auth_mode =
keystone`` the API and the evaluator call Gnocchi with its token."""

import copy

from keystoneauth1 import loading
from oslo_config import cfg

GROUP = "service_credentials"


def _optional(opt: cfg.Opt) -> cfg.Opt:
    """The plugin marks auth_url required; it only is where trusts are used."""
    opt = copy.deepcopy(opt)
    opt.required = False
    return opt


OPTS: list[cfg.Opt] = [
    *loading.get_session_conf_options(),
    *loading.get_auth_common_conf_options(),
    *(_optional(opt) for opt in loading.get_auth_plugin_conf_options("password")),
    cfg.StrOpt("region_name", help="Region of the endpoints looked up in the catalog."),
    # The endpoint-only auth types of an aodh.conf (service_auth.direct).
    cfg.StrOpt("endpoint", help="With auth_type none, gnocchi-basic or gnocchi-noauth "
               "(no keystone, as an aodh.conf may say): Gnocchi's endpoint. Prometheus and "
               "Octavia are never called there."),
    cfg.StrOpt("user", help="With auth_type gnocchi-basic: the user sent in Gnocchi's "
               "basic auth (default admin)."),
    cfg.StrOpt("interface", default="public",
               choices=("public", "internal", "admin", "publicURL", "internalURL",
                        "adminURL"),
               help="Which endpoint of a service the catalog lookup takes."),
]
