"""alarmapi-expirer: apply the retention of measurements, alarm history and finished
notifications.

Every expired row goes, in bounded batches (Aodh's expirer stops after its first batch
of 100).
"""

from __future__ import annotations

import datetime
import sys

from oslo_log import log

from alarmapi import clock
from alarmapi import conf as alarmapi_conf
from alarmapi.clock import utcnow
from alarmapi.cmd.fatal import guarded
from alarmapi.storage.sql import SQLConnection, expiry

LOG = log.getLogger(__name__)


@guarded
def main(argv: list[str] | None = None) -> int:
    """Delete expired measurements, history and notifications; print what was removed."""
    conf = alarmapi_conf.for_command(argv)
    storage = SQLConnection(conf.database.connection)
    try:
        cutoff_ms = clock.now_ms() - conf.metrics.retention_days * 86_400_000
        measurements = expiry.expire_measurements(storage.engine, cutoff_ms)
        history = 0
        ttl = conf.database.alarm_history_time_to_live
        if ttl > 0:
            history = expiry.expire_history(
                storage.engine, utcnow() - datetime.timedelta(seconds=ttl),
                batch=conf.database.alarm_histories_delete_batch_size or 10_000)
        notifications = 0
        ttl = conf.notifier.delivery_time_to_live
        if ttl > 0:
            notifications = storage.outbox.purge(utcnow() - datetime.timedelta(seconds=ttl))
        events = storage.forget_events(
            utcnow() - datetime.timedelta(seconds=conf.listener.deduplication_window))
    finally:
        storage.dispose()
    summary = (f"expired {measurements} measurements, {history} history records, "
               f"{notifications} notifications and {events} event ids")
    LOG.info(summary)
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
