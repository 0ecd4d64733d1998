"""[gnocchi] options: where Gnocchi is and how alarmapi talks to it."""

from oslo_config import cfg

GROUP = "gnocchi"

OPTS = [
    cfg.URIOpt(
        "endpoint",
        schemes=["http", "https"],
        help="Base URL of the Gnocchi API (for example http://127.0.0.1:8041). "
        "With auth_mode = keystone it may be left unset: the endpoint of service type "
        "'metric' is then taken from the catalog. Without either, gnocchi_* alarms "
        "cannot be validated and are refused with 503.",
    ),
    cfg.StrOpt(
        "auth_mode",
        default="basic",
        choices=[("basic", "Gnocchi's basic auth with the user below"), ("noauth", "no auth"),
                 ("keystone", "a token of the [service_credentials] user (keystoneauth)")],
        help="How to authenticate to Gnocchi.",
    ),
    cfg.StrOpt("user", default="admin", help="User name sent with basic auth."),
    cfg.FloatOpt(
        "timeout", default=10.0, min=0.1, max=300, help="Seconds before a Gnocchi call fails."
    ),
    cfg.IntOpt(
        "parallel_requests",
        default=8,
        min=1,
        max=64,
        help="Gnocchi requests the evaluator sends at the same time (one per distinct "
        "rule data of a batch of alarms); 1 sends them one after the other.",
    ),
    cfg.IntOpt(
        "capabilities_cache_seconds",
        default=3600,
        min=0,
        help="How long Gnocchi's list of aggregation methods is cached.",
    ),
]
