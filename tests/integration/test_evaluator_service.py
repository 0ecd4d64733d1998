"""alarmapi-evaluator as a process: it picks up an alarm, moves it, stops on SIGTERM."""

from __future__ import annotations

import json
import pathlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from alarmapi.metrics.model import Measurement, Metric
from alarmapi.storage.sql import SQLConnection
from tests.conftest import make_api

BIN = pathlib.Path(sys.executable).parent
USER = {"X-User-Id": "u", "X-Project-Id": "p", "X-Roles": "reader,member"}


def hot_alarm(api: Any) -> str:
    """A threshold alarm on metric "temp" of project p, breached above 50."""
    return str(api.post_json("/v2/alarms", {
        "name": "hot", "type": "threshold",
        "threshold_rule": {"meter_name": "temp", "threshold": 50, "comparison_operator": "gt",
                           "period": 60, "evaluation_periods": 1}}, headers=USER).json["alarm_id"])


def wait_for(storage: SQLConnection, alarm_id: str, ready: Callable[[Any], bool],
             seconds: float = 60, step: float = 0.05) -> Any:
    """Poll the stored alarm until ``ready`` holds (bounded); return it."""
    deadline = time.monotonic() + seconds
    alarm = storage.get_alarm(alarm_id)
    while time.monotonic() < deadline and not ready(alarm):
        time.sleep(step)
        alarm = storage.get_alarm(alarm_id)
    return alarm


def test_evaluator_process(tmp_path: pathlib.Path) -> None:
    url = f"sqlite:///{tmp_path}/alarmapi.sqlite"
    api, services = make_api(url)
    alarm_id = hot_alarm(api)
    now_ms = int(time.time() * 1000)
    services.storage.metrics.ingest([Measurement(Metric("p", "temp", {}), now_ms - 5000, 80.0)],
                                    now_ms)
    config = tmp_path / "alarmapi.conf"
    cycles = tmp_path / "cycles.jsonl"
    config.write_text(f"[database]\nconnection = {url}\n[evaluator]\nevaluation_interval = 1\n"
                      f"cycle_report_file = {cycles}\n")
    process = subprocess.Popen([str(BIN / "alarmapi-evaluator"), "--config-file", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    storage = SQLConnection(url)
    try:
        alarm = wait_for(storage, alarm_id, lambda a: a is not None and a.state == "alarm")
        assert alarm is not None and alarm.state == "alarm"
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        storage.dispose()
        services.storage.dispose()
    assert code == 0
    # One JSON line per cycle; the first cycle judged the alarm and moved it.
    records = [json.loads(line) for line in cycles.read_text().splitlines()]
    first = records[0]
    assert first["alarms"] == 1 and first["transitions"] == 1 and first["failed"] == 0
    assert first["end"] >= first["start"] and first["wall_s"] >= 0 and first["cpu_s"] >= 0
    assert first["gnocchi_requests"] == 0 and first["pid"] == process.pid
    assert all(r["transitions"] == 0 for r in records[1:])


def test_breach_reaches_the_alarm_between_cycles(tmp_path: pathlib.Path) -> None:
    """A cycle every hour, yet a breaching measurement moves the alarm within seconds."""
    url = f"sqlite:///{tmp_path}/alarmapi.sqlite"
    api, services = make_api(url)
    alarm_id = hot_alarm(api)
    config = tmp_path / "alarmapi.conf"
    config.write_text(f"[database]\nconnection = {url}\n[evaluator]\n"
                      "evaluation_interval = 3600\n")
    process = subprocess.Popen([str(BIN / "alarmapi-evaluator"), "--config-file", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    storage = SQLConnection(url)
    try:
        first = storage.get_alarm(alarm_id)
        assert first is not None
        # the start-up cycle ran: evaluate_timestamp moved
        wait_for(storage, alarm_id,
                 lambda a: a.evaluate_timestamp != first.evaluate_timestamp, seconds=30)
        body = json.dumps({"name": "temp", "timestamp": int(time.time() * 1000), "value": 80})
        api.post("/v2.0/metrics", body, headers={"X-Auth-Token": "p"},
                 content_type="application/json", status=204)
        alarm = wait_for(storage, alarm_id, lambda a: a is not None and a.state == "alarm",
                         seconds=30)
        assert alarm is not None and alarm.state == "alarm"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        storage.dispose()
        services.storage.dispose()
