"""The one reader of wall time.

Everything else is handed the time, or a :data:`Clock` to call: storage receives
times and never reads them; the daemons, the notifier and its plugins take a clock
(tests and backtests replay time by handing another one).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

#: A source of the current time as naive UTC (how alarms are stored, as in Aodh).
Clock = Callable[[], datetime.datetime]


def utcnow() -> datetime.datetime:
    """Return the current UTC time as a naive datetime, as Aodh stores it."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def now_ms() -> int:
    """The current time in milliseconds since the epoch (the metric store's unit)."""
    return int(time.time() * 1000)


def epoch_s() -> float:
    """The current time in seconds since the epoch."""
    return time.time()
