"""[gnocchi] options: where Gnocchi is and how alarmapi talks to it."""

from oslo_config import cfg

from alarmapi.conf.backend import backend_opts

GROUP = "gnocchi"

OPTS = [
    *backend_opts(
        "Gnocchi",
        "Base URL of the Gnocchi API (for example http://127.0.0.1:8041). "
        "With auth_mode = keystone it may be left unset: the endpoint of service type "
        "'metric' is then taken from the catalog. Without either, gnocchi_* alarms "
        "cannot be validated and are refused with 503.",
        "one per distinct rule data of a batch of alarms"),
    cfg.StrOpt(
        "auth_mode",
        default="basic",
        choices=[("basic", "Gnocchi's basic auth with the user below"), ("noauth", "no auth"),
                 ("keystone", "a token of the [service_credentials] user (keystoneauth)")],
        help="How to authenticate to Gnocchi.",
    ),
    cfg.StrOpt("user", default="admin", help="User name sent with basic auth."),
    cfg.IntOpt(
        "capabilities_cache_seconds",
        default=3600,
        min=0,
        help="How long Gnocchi's list of aggregation methods is cached.",
    ),
]
