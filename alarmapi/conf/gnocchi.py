"""[gnocchi] options: where Gnocchi is and how alarmapi talks to it."""

from oslo_config import cfg

from alarmapi.conf.backend import backend_opts

GROUP = "gnocchi"

OPTS = [
    *backend_opts(
        "Gnocchi",
        "Base URL of the Gnocchi API (for example http://127.0.0.1:8041). Unset, "
        "Gnocchi is found as Aodh finds it: at the endpoint [service_credentials] names "
        "without keystone (auth_type none or gnocchi-basic, with endpoint and user), "
        "else in the [service_credentials] keystone catalog (service type 'metric'). "
        "Without any of them, gnocchi_* alarms cannot be validated and are refused "
        "with 503.",
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
