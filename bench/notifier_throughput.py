#!/usr/bin/env python3
"""Notifications per second delivered by alarmapi-notifier to a local webhook receiver
(its own process), with 1 and 2 notifier processes on PostgreSQL.

The notifiers run and idle first; then N notifications (one webhook action each) are
committed in one transaction, as a burst of transitions would be, and the clock runs
until the database shows all N delivered.

    .venv/bin/python bench/notifier_throughput.py [--notifications 5000]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

import requests
import sqlalchemy as sa

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from alarmapi import clock, model  # noqa: E402
from alarmapi.storage.models import delivery_table  # noqa: E402
from alarmapi.storage.sql import SQLConnection, outbox  # noqa: E402
from bench.api_vs_aodh import fresh_database  # noqa: E402
from tests.integration.live import free_port  # noqa: E402

BIN = pathlib.Path(sys.executable).parent
HERE = pathlib.Path(__file__).resolve().parent


def notifications(count: int, receiver: str) -> list[model.Notification]:
    now = clock.utcnow()
    return [model.Notification(str(uuid.uuid4()), "bench", f"alarm-{i}", "low", "ok",
                               "alarm", "Transition to alarm due to 3 samples outside "
                               "threshold, most recent: 97.0",
                               {"type": "threshold", "disposition": "outside",
                                "count": 3, "most_recent": 97.0},
                               [f"{receiver}/hook/{i}"], now) for i in range(count)]


def delivered(storage: SQLConnection) -> int:
    with storage.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(delivery_table).where(
            delivery_table.c.status == "delivered")).scalar_one())


def run(processes: int, count: int, workdir: pathlib.Path, workers: int) -> dict[str, Any]:
    url = fresh_database("alarmapi_bench_notifier")
    storage = SQLConnection(url)
    storage.upgrade()
    port = free_port()
    receiver = subprocess.Popen([sys.executable, str(HERE / "receiver.py"), str(port)])
    base = f"http://127.0.0.1:{port}"
    config = workdir / f"notifier-{processes}.conf"
    config.write_text(f"[database]\nconnection = {url}\n[notifier]\npoll_interval = 0.05\n"
                      f"threads = {workers}\n")
    notifiers = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(base, timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.05)
        notifiers = [subprocess.Popen([str(BIN / "alarmapi-notifier"), "--config-file",
                                       str(config)], stderr=subprocess.DEVNULL)
                     for _ in range(processes)]
        time.sleep(3)  # let them start and idle (benchmark set-up, not a test)
        cpu_before = [_cpu(p.pid) for p in notifiers]
        batch = notifications(count, base)
        with storage.engine.begin() as conn:
            for notification in batch:
                outbox.enqueue(conn, notification)
        started = time.monotonic()
        deadline = started + 600
        while delivered(storage) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        cpu = sum(_cpu(p.pid) for p in notifiers) - sum(cpu_before)
        got = requests.get(base, timeout=5).json()
    finally:
        for p in notifiers:
            p.send_signal(signal.SIGTERM)
        for p in notifiers:
            p.wait(60)
        receiver.terminate()
        receiver.wait(30)
        storage.dispose()
    return {"processes": processes, "workers": workers, "notifications": count,
            "seconds": round(elapsed, 2),
            "per_second": round(count / elapsed, 1),
            "notifier_cpu_s_per_1000": round(cpu / count * 1000, 3),
            "received": got["received"], "distinct_keys": got["keys"]}


def _cpu(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=32,
                        help="[notifier] threads of each notifier process")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for processes in (1, 2):
            result = run(processes, args.notifications, pathlib.Path(tmp), args.workers)
            results.append(result)
            print(json.dumps(result), flush=True)
    print("\n| notifier processes | notifications | seconds | per second | "
          "notifier CPU-s / 1000 | received | distinct keys |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['processes']} | {r['notifications']} | {r['seconds']} | "
              f"{r['per_second']} | {r['notifier_cpu_s_per_1000']} | {r['received']} | "
              f"{r['distinct_keys']} |")


if __name__ == "__main__":
    main()
