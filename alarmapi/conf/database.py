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
    cfg.IntOpt(
        "alarm_histories_delete_batch_size",
        default=0,
        min=0,
        help="History rows alarmapi-expirer deletes per transaction (0: 10,000); "
        "every expired row goes either way, in as many transactions as it takes.",
    ),
]
