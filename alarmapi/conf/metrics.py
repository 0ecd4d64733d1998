"""[metrics] options of the built-in metric store."""

from oslo_config import cfg

GROUP = "metrics"

OPTS = [
    cfg.IntOpt(
        "max_future_seconds",
        default=600,
        min=0,
        help="How far in the future a posted measurement's timestamp may be.",
    ),
    cfg.IntOpt(
        "max_age_seconds",
        default=14 * 86400,
        min=60,
        help="How old a posted measurement may be; older ones are refused with 422.",
    ),
    cfg.ListOpt(
        "legacy_user_agents",
        default=["python-monascaclient"],
        help="User-Agent headers (exact) of clients that get the 2014 shape of the "
        "v2.0 API: bare lists instead of {links, elements}, measurements as "
        "[id, timestamp, value]. python-monascaclient 1.0.1 sends "
        "'python-monascaclient'.",
    ),
    cfg.IntOpt(
        "retention_days",
        default=31,
        min=1,
        help="Days measurements are kept before alarmapi-expirer removes them.",
    ),
]
