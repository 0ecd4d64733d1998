"""Expired measurements and history go, every one of them, in bounded batches."""

from __future__ import annotations

import datetime

from alarmapi import clock, history, model
from alarmapi.metrics.model import Measurement, Metric
from alarmapi.storage.base import HistoryFilter
from alarmapi.storage.sql import SQLConnection, expiry
from tests.functional.test_storage import creation, make_alarm

T0 = 1_700_000_000_000


def test_measurements_expire_in_batches(storage: SQLConnection) -> None:
    metric = Metric("t", "m", {})
    storage.metrics.ingest([Measurement(metric, T0 + i, float(i)) for i in range(250)], T0)
    assert expiry.expire_measurements(storage.engine, T0 + 200, batch=30) == 200
    left = storage.metrics.measurements([metric.id], 0, None)
    assert [ts - T0 for _, ts, _, _ in left] == list(range(200, 250))


def test_history_expires_in_batches(storage: SQLConnection) -> None:
    alarm = make_alarm(1)
    storage.create_alarm(alarm, creation(alarm))
    old = alarm.timestamp
    for n in range(120):
        change = history.record(alarm, model.ChangeType.STATE_TRANSITION, {"n": n},
                                user_id="u", project_id="p",
                                timestamp=old + datetime.timedelta(seconds=n + 1))
        storage.set_state(alarm.alarm_id, "ok", "r", change.timestamp, change)
    cutoff = old + datetime.timedelta(seconds=101)
    assert expiry.expire_history(storage.engine, cutoff, batch=25) == 101
    remaining = storage.get_alarm_changes(HistoryFilter(alarm_id=alarm.alarm_id))
    assert len(remaining) == 20 and min(c.timestamp for c in remaining) >= cutoff


def test_expirer_command(tmp_path: object) -> None:
    import pathlib
    import subprocess
    import sys

    directory = pathlib.Path(str(tmp_path))
    url = f"sqlite:///{directory}/a.sqlite"
    storage = SQLConnection(url)
    storage.upgrade()
    metric = Metric("t", "m", {})
    storage.metrics.ingest([Measurement(metric, 1_000_000_000_000, 1.0),
                            Measurement(metric, 4_000_000_000_000, 2.0)], 0)
    import datetime

    from alarmapi import model
    from alarmapi.storage.sql import outbox

    with storage.engine.begin() as conn:
        for days in (40, 1):  # the default keeps finished notifications 30 days
            when = clock.utcnow() - datetime.timedelta(days=days)
            outbox.enqueue(conn, model.Notification("a", "p", "n", "low", "ok", "alarm",
                                                    "r", {}, [], when))
    storage.dispose()
    config = directory / "alarmapi.conf"
    config.write_text(f"[database]\nconnection = {url}\n[metrics]\nretention_days = 1\n")
    binary = pathlib.Path(sys.executable).parent / "alarmapi-expirer"
    out = subprocess.run([str(binary), "--config-file", str(config)], check=True,
                         capture_output=True, text=True).stdout
    assert ("expired 1 measurements, 0 history records, 1 notifications and 0 event ids"
            in out)
