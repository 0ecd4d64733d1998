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
    cfg.IntOpt(
        "retention_days",
        default=31,
        min=1,
        help="Days measurements are kept before alarmapi-expirer removes them.",
    ),
]
