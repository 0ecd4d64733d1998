"""[database] options."""

from oslo_config import cfg

GROUP = "database"

OPTS = [
    cfg.StrOpt(
        "connection",
        default="sqlite:///alarmapi.sqlite",
        secret=True,
        help="SQLAlchemy URL of the alarm database: sqlite:///path (the embedded "
        "default), postgresql://user@host/db or mysql+pymysql://user@host/db.",
    ),
    cfg.IntOpt(
        "alarm_history_time_to_live",
        default=-1,
        min=-1,
        help="Seconds alarm history is kept; -1 keeps it for ever.",
    ),
]
