#!/usr/bin/env python3
"""Evaluator figures on the built-in metric store (PostgreSQL).

* cycle time and CPU seconds per 1,000 evaluations for N threshold alarms (default
  10,000, each on its own metric with data);
* breach-to-state: the time from a breaching measurement's commit to the alarm's state
  change, with alarmapi-evaluator running (cycle every hour: the signal path).

    .venv/bin/python bench/evaluator_threshold.py [--alarms 10000]
"""

from __future__ import annotations

import argparse
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from alarmapi import clock, history, model  # noqa: E402
from alarmapi.evaluator.service import Evaluator  # noqa: E402
from alarmapi.metrics.model import Measurement, Metric  # noqa: E402
from alarmapi.storage.sql import SQLConnection  # noqa: E402
from bench.api_vs_aodh import fresh_database  # noqa: E402

BIN = pathlib.Path(sys.executable).parent


def make_alarm(n: int, projects: int) -> model.Alarm:
    now = clock.utcnow()
    rule = {"meter_name": "cpu", "threshold": 50.0, "comparison_operator": "gt",
            "statistic": "avg", "period": 60, "evaluation_periods": 3, "exclude_outliers": False,
            "query": [{"field": "host", "op": "eq", "type": "", "value": f"h{n}"}]}
    return model.Alarm(alarm_id=str(uuid.uuid4()), name=f"a{n}", type="threshold", rule=rule,
                       project_id=f"p{n % projects}", user_id="u", description="",
                       timestamp=now, state_timestamp=now,
                       alarm_actions=["http://127.0.0.1:9/x"])


def populate(storage: SQLConnection, count: int) -> list[model.Alarm]:
    alarms = [make_alarm(n, 100) for n in range(count)]
    for alarm in alarms:
        storage.create_alarm(alarm, history.record(
            alarm, model.ChangeType.CREATION, {}, user_id="u", project_id=alarm.project_id,
            timestamp=alarm.timestamp))
    now_ms = int(time.time() * 1000)
    batch = [Measurement(Metric(a.project_id or "", "cpu", {"host": a.rule["query"][0]["value"]}),
                         now_ms - k * 60_000 - 1000, 70.0 if n % 2 else 20.0)
             for n, a in enumerate(alarms) for k in range(3)]
    for start in range(0, len(batch), 5000):
        storage.metrics.ingest(batch[start:start + 5000], clock.now_ms())
    return alarms


def breach_to_state(url: str, directory: pathlib.Path, interval: int, tries: int = 10,
                    offset: int = 0) -> list[float]:
    """Breach-to-state latencies with the daemon cycling every ``interval`` seconds
    (3600: only the signal path acts; 1: a full cycle is always under way)."""
    storage = SQLConnection(url)
    config = directory / "evaluator.conf"
    config.write_text(f"[database]\nconnection = {url}\n[evaluator]\n"
                      f"evaluation_interval = {interval}\n")
    process = subprocess.Popen([str(BIN / "alarmapi-evaluator"), "--config-file", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    latencies = []
    try:
        time.sleep(3)  # let the first full cycle (at start) finish before measuring
        for n in range(tries):
            alarm = make_alarm(1_000_000 + offset + n, 1)
            alarm.rule["evaluation_periods"] = 1
            storage.create_alarm(alarm, history.record(
                alarm, model.ChangeType.CREATION, {}, user_id="u", project_id="p0",
                timestamp=alarm.timestamp))
            metric = Metric("p0", "cpu", {"host": f"h{1_000_000 + offset + n}"})
            start = time.monotonic()
            storage.metrics.ingest([Measurement(metric, clock.now_ms(), 99.0)], clock.now_ms())
            deadline = start + 30
            while time.monotonic() < deadline:
                current = storage.get_alarm(alarm.alarm_id)
                if current is not None and current.state == "alarm":
                    latencies.append(time.monotonic() - start)
                    break
                time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        storage.dispose()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=10_000)
    args = parser.parse_args()
    url = fresh_database("alarmapi_ebench")
    storage = SQLConnection(url)
    storage.upgrade()
    populate(storage, args.alarms)
    rows = []
    for label in ("first cycle (transitions)", "second cycle (steady)"):
        cpu, wall = time.process_time(), time.perf_counter()
        report = Evaluator(storage).run_cycle()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows.append((label, report.evaluated, report.transitions, wall,
                     cpu / max(report.evaluated, 1) * 1000))
    storage.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        between = breach_to_state(url, pathlib.Path(tmp), interval=3600)
        during = breach_to_state(url, pathlib.Path(tmp), interval=1, offset=100)
    print(f"{args.alarms} threshold alarms on PostgreSQL, one metric each, 3 periods of data\n")
    print("| cycle | evaluated | transitions | wall s | evaluator CPU s per 1,000 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, evaluated, transitions, wall, per_k in rows:
        print(f"| {label} | {evaluated} | {transitions} | {wall:.2f} | {per_k:.3f} |")
    for label, latencies in (("one-hour cycle: signals between cycles", between),
                             ("1 s cycle: full cycles always under way", during)):
        if latencies:
            print(f"\nbreach-to-state ({label}, {len(latencies)} breaches): "
                  f"median {statistics.median(latencies) * 1000:.0f} ms, "
                  f"max {max(latencies) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
