"""[service_credentials]: the keystone user the notifier acts as to redeem the trusts
of trust+http(s) actions (as in Aodh)."""

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
]
