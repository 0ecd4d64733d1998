#!/usr/bin/env python3
"""Event alarms: Aodh 23.0.0's aodh-listener + aodh-notifier, then alarmapi-listener +
alarmapi-notifier, on the machine's real RabbitMQ in one run.

Each side: its own PostgreSQL database and API, 1,000 event alarms over 100 projects
(10 each, one per event type, a trait condition, ``repeat_actions`` on, a webhook to a
receiver in its own process), the same ``[listener]`` batch settings, and 20,000
events published as Ceilometer publishes them (oslo.messaging messagingv2, one event a
message), each matching exactly one alarm:

1. throughput: 10,000 events queued while the listener is stopped, then the listener
   started: events/s and listener CPU seconds per 1,000 events (its process tree, from
   /proc), from its first recorded event to its last;
2. latency: 5,000 events at ``--rate`` events/s with everything running: event ->
   webhook latency (publish to receipt) p50/p99, and publish to the transition's
   recorded time;
3. crash: 5,000 events published while the listener runs; after 1,500 are recorded it
   is killed with SIGKILL (its process group) and started again: events lost (never
   recorded) and recorded twice.

    .venv/bin/python bench/listener_vs_aodh.py [--rate 500]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.api_vs_aodh import fresh_database  # noqa: E402
from bench.prometheus_evaluator_vs_aodh import AODH_VENV, PEER_HOME, SHARED, tree_cpu  # noqa: E402
from tests.integration import live  # noqa: E402
from tests.integration.ceilometer import RABBIT, Ceilometer, event  # noqa: E402

PROJECTS = 100
TYPES = 10
AODH_PORT = 8054
#: Recorded events of a phase: the message id is in every transition's reason.
RECORDED = ("SELECT count(*), count(DISTINCT substring(detail from 'Event <id=([^,]+),')) "
            "FROM alarm_history WHERE type = 'state transition' "
            "AND detail LIKE %s")


def project(p: int) -> str:
    return f"bench-p{p:03d}"


def headers(p: int) -> dict[str, str]:
    return {"X-User-Id": f"u{p}", "X-Project-Id": project(p), "X-Roles": "member"}


def alarm_body(k: int, hook: str) -> dict[str, Any]:
    return {"name": f"event-{k}", "type": "event", "repeat_actions": True,
            "alarm_actions": [hook], "event_rule": {
                "event_type": f"bench.type.{k}",
                "query": [{"field": "traits.state", "op": "eq", "value": "error",
                           "type": "string"}]}}


def bench_event(phase: str, i: int) -> dict[str, Any]:
    """Event ``i`` of a phase: project i % 100, type (i // 100) % 10, one alarm's."""
    return event(f"bench.type.{(i // PROJECTS) % TYPES}", project(i % PROJECTS),
                 message_id=f"{phase}-{i:05d}-{uuid.uuid4().hex[:8]}", state="error",
                 sent_at=time.time())


class Side:
    """One side's database and commands."""

    def __init__(self, name: str, db: str, listener: list[str], notifier: list[str],
                 run: pathlib.Path) -> None:
        self.name, self.db, self.run = name, db, run
        self.listener_command, self.notifier_command = listener, notifier
        self.listener: subprocess.Popen[bytes] | None = None
        self.notifier: subprocess.Popen[bytes] | None = None

    def start(self, command: list[str], log: str) -> subprocess.Popen[bytes]:
        with open(self.run / log, "ab") as out:
            return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def start_listener(self) -> None:
        self.listener = self.start(self.listener_command, "listener.log")

    def start_notifier(self) -> None:
        self.notifier = self.start(self.notifier_command, "notifier.log")

    @staticmethod
    def stop(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def recorded_at(self, phase: str) -> dict[str, float]:
        """When the listener recorded each event of a phase (its transition's time)."""
        with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={self.db}") as conn:
            rows = conn.execute(
                "SELECT substring(detail from 'Event <id=([^,]+),'), min(timestamp) "
                "FROM alarm_history WHERE type = 'state transition' AND detail LIKE %s "
                "GROUP BY 1", (f"%Event <id={phase}-%",)).fetchall()
        return {m: when.replace(tzinfo=datetime.UTC).timestamp() for m, when in rows}

    def recorded(self, phase: str) -> tuple[int, int]:
        """(transitions recorded, distinct events among them) of a phase."""
        with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={self.db}") as conn:
            row = conn.execute(RECORDED, (f"%Event <id={phase}-%",)).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)


def until(check: Callable[[], bool], seconds: float, step: float = 0.1) -> bool:
    """Poll ``check`` until it holds or ``seconds`` pass (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def publish(publisher: Ceilometer, phase: str, count: int, rate: float | None) -> float:
    """Publish ``count`` events (paced at ``rate`` a second, or as fast as possible);
    the seconds it took."""
    start = time.monotonic()
    for i in range(count):
        if rate:
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        publisher.publish(bench_event(phase, i))
    return time.monotonic() - start


def machine_busy() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat."""
    ticks = [int(t) for t in pathlib.Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return sum(ticks) - idle, sum(ticks)


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[max(int(len(ordered) * fraction) - 1, 0)]


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).ok
    except requests.RequestException:
        return False


def receiver_events(hook: str, phase: str) -> dict[str, list[float]]:
    found = requests.get(hook + "/events", timeout=30).json()["events"]
    return {k: v for k, v in found.items() if k.startswith(phase + "-")}


def run_side(side: Side, publisher: Ceilometer, hook: str, args: argparse.Namespace
             ) -> dict[str, Any]:
    result: dict[str, Any] = {"side": side.name}
    # each side's events apart (one receiver hears both)
    phases = {phase: f"{side.name}.{phase}" for phase in "WABC"}
    side.start_notifier()
    side.start_listener()
    # warm-up: the listener's queue is bound once one event is recorded
    def warm() -> bool:
        publisher.publish(bench_event(phases["W"], 0))
        return side.recorded(phases["W"])[0] > 0

    if not until(warm, 120, 1.0):
        raise SystemExit(f"{side.name}: the listener never recorded an event")
    side.stop(side.listener)

    # 1. throughput
    n = args.queued
    publish(publisher, phases["A"], n, None)
    side.start_listener()
    assert side.listener is not None and side.notifier is not None
    until(lambda: side.recorded(phases["A"])[0] > 0, 120, 0.05)
    t0, cpu0 = time.monotonic(), tree_cpu(side.listener.pid)
    until(lambda: side.recorded(phases["A"])[1] >= n, args.timeout, 0.1)
    t1, cpu1 = time.monotonic(), tree_cpu(side.listener.pid)
    done = side.recorded(phases["A"])[1]
    result.update(throughput_events=done, events_per_s=round(done / max(t1 - t0, 1e-9), 1),
                  listener_cpu_s_per_1000=round((cpu1 - cpu0) / max(done, 1) * 1000, 4))
    drained = until(lambda: len(receiver_events(hook, phases["A"])) >= done, args.timeout, 0.5)
    result["throughput_notified"] = len(receiver_events(hook, phases["A"]))
    result["notifier_drained"] = drained

    # 2. latency at a steady rate
    m = args.paced
    busy0, cpus0 = machine_busy(), (tree_cpu(side.listener.pid), tree_cpu(side.notifier.pid))
    took = publish(publisher, phases["B"], m, args.rate)
    until(lambda: len(receiver_events(hook, phases["B"])) >= m, args.timeout, 0.5)
    busy1, cpus1 = machine_busy(), (tree_cpu(side.listener.pid), tree_cpu(side.notifier.pid))
    result.update(
        paced_machine_busy=round((busy1[0] - busy0[0]) / max(busy1[1] - busy0[1], 1), 3),
        paced_listener_cpu_s_per_1000=round((cpus1[0] - cpus0[0]) / m * 1000, 4),
        paced_notifier_cpu_s_per_1000=round((cpus1[1] - cpus0[1]) / m * 1000, 4))
    notified = receiver_events(hook, phases["B"])
    latencies = sorted(recv - sent for sent, recv in notified.values())
    result.update(paced_rate=round(m / took, 1), paced_notified=len(latencies))
    if latencies:
        result.update(latency_p50_s=round(statistics.median(latencies), 3),
                      latency_p99_s=round(percentile(latencies, 0.99), 3),
                      latency_max_s=round(latencies[-1], 3))
    recorded = side.recorded_at(phases["B"])
    listened = sorted(recorded[k] - sent for k, (sent, _) in notified.items() if k in recorded)
    if listened:
        result.update(recorded_p50_s=round(statistics.median(listened), 3),
                      recorded_p99_s=round(percentile(listened, 0.99), 3))

    # 3. kill -9 mid-run
    c = args.crash
    background = threading.Thread(target=publish, args=(publisher, phases["C"], c, None))
    background.start()
    until(lambda: side.recorded(phases["C"])[1] >= args.kill_after, args.timeout, 0.05)
    side.stop(side.listener, signal.SIGKILL)
    at_kill = side.recorded(phases["C"])[1]
    background.join()
    side.start_listener()
    last, stamp = [-1], [time.monotonic()]

    def settled() -> bool:
        now = side.recorded(phases["C"])[1]
        if now >= c:
            return True
        if now != last[0]:
            last[0], stamp[0] = now, time.monotonic()
            return False
        return time.monotonic() - stamp[0] > args.quiet

    until(settled, args.timeout, 0.5)
    rows, distinct = side.recorded(phases["C"])
    result.update(crash_killed_at=at_kill, crash_recorded=distinct, crash_lost=c - distinct,
                  crash_recorded_twice=rows - distinct)
    side.stop(side.listener)
    side.stop(side.notifier)
    print(json.dumps(result), flush=True)
    return result


def measured(side: Side, publisher: Ceilometer, hook: str, args: argparse.Namespace
             ) -> dict[str, Any]:
    """``run_side``, the side's processes stopped after (whatever happened)."""
    try:
        return run_side(side, publisher, hook, args)
    finally:
        side.stop(side.listener)
        side.stop(side.notifier)


def create_alarms(url: str, hook: str) -> None:
    session = requests.Session()

    def create(i: int) -> None:
        response = session.post(url + "/v2/alarms", json=alarm_body(i // PROJECTS, hook),
                                headers=headers(i % PROJECTS), timeout=120)
        assert response.status_code == 201, response.text

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(create, range(PROJECTS * TYPES)))


def aodh_conf(run: pathlib.Path, db: str, topic: str, args: argparse.Namespace) -> pathlib.Path:
    conf = run / "aodh-bus.conf"
    conf.write_text(
        f"[DEFAULT]\ntransport_url = {RABBIT}\nnotifier_topic = {topic}.notify\n"
        f"log_file = {run}/aodh.log\n\n[oslo_messaging_notifications]\ndriver = noop\n\n"
        f"[database]\nconnection = postgresql://postgres@127.0.0.1:5432/{db}\n\n"
        f"[listener]\nevent_alarm_topic = {topic}\nworkers = 1\n"
        f"batch_size = {args.batch_size}\nbatch_timeout = 1\n\n"
        f"[notifier]\nworkers = 1\nbatch_size = {args.batch_size}\nbatch_timeout = 1\n")
    return conf


def run_aodh(run: pathlib.Path, hook: str, args: argparse.Namespace) -> dict[str, Any]:
    db = "aodh_listener_bench"
    env = dict(os.environ, PEER_HOME=str(PEER_HOME), AODH_EVAL_VENV=str(AODH_VENV),
               AODH_EVAL_RUN=str(run), AODH_EVAL_PORT=str(AODH_PORT), AODH_EVAL_DB=db)
    fresh_database(db)
    topic = f"alarm.bench.{uuid.uuid4().hex[:8]}"
    publisher = Ceilometer(topic)
    try:
        subprocess.run(["bash", str(SHARED / "start_aodh_eval.sh"), "api"], env=env,
                       check=True, capture_output=True)
        create_alarms(f"http://127.0.0.1:{AODH_PORT}", hook)
        conf = str(aodh_conf(run, db, topic, args))
        side = Side("aodh", db, [str(AODH_VENV / "bin/aodh-listener"), "--config-file", conf],
                    [str(AODH_VENV / "bin/aodh-notifier"), "--config-file", conf], run)
        return measured(side, publisher, hook, args)
    finally:
        publisher.close()
        subprocess.run(["bash", str(SHARED / "stop_aodh_eval.sh"), "all"], env=env,
                       capture_output=True)


def run_alarmapi(run: pathlib.Path, hook: str, args: argparse.Namespace) -> dict[str, Any]:
    db = "alarmapi_listener_bench"
    url = fresh_database(db)
    topic = f"alarm.bench.{uuid.uuid4().hex[:8]}"
    config = live.write_config(run, url, (
        f"[DEFAULT]\ntransport_url = {RABBIT}\n\n[listener]\nevent_alarm_topic = {topic}\n"
        f"batch_size = {args.batch_size}\nbatch_timeout = 1\n\n"
        "[notifier]\ndenied_networks =\n\n"
        "[api]\nuser_alarm_quota = -1\nproject_alarm_quota = -1\n"))
    publisher = Ceilometer(topic)
    try:
        with live.server(config, workers=2) as api:
            create_alarms(api, hook)
        command = [str(live.BIN / "alarmapi-listener"), "--config-file", str(config)]
        side = Side("alarmapi", db, command,
                    [str(live.BIN / "alarmapi-notifier"), "--config-file", str(config)], run)
        return measured(side, publisher, hook, args)
    finally:
        publisher.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--paced", type=int, default=5_000)
    parser.add_argument("--crash", type=int, default=5_000)
    parser.add_argument("--kill-after", type=int, default=1_500)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--quiet", type=float, default=20.0,
                        help="seconds without progress after which a restarted listener "
                        "is taken to have recorded all it ever will")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--sides", default="aodh,alarmapi")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-listener.json"))
    args = parser.parse_args()
    if not (AODH_VENV / "bin" / "aodh-listener").exists():
        installer = ROOT.parent / "shared" / "peer" / "aodh" / "install_venvs.sh"
        subprocess.run(["bash", str(installer)], env=dict(os.environ, USE_LOCK="1"),
                       check=True)
    sides = {"aodh": run_aodh, "alarmapi": run_alarmapi}
    results = []
    port = live.free_port()
    receiver = subprocess.Popen([sys.executable, str(ROOT / "bench" / "receiver.py"),
                                 str(port)])
    hook = f"http://127.0.0.1:{port}"
    try:
        if not until(lambda: answers(hook), 30):
            raise SystemExit("the webhook receiver did not start")
        with tempfile.TemporaryDirectory() as tmp:
            for name in args.sides.split(","):
                run = pathlib.Path(tmp) / name
                run.mkdir()
                results.append(sides[name](run, hook, args))
    finally:
        receiver.terminate()
        receiver.wait(30)
    pathlib.Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print_table(results)
    return 0


def print_table(results: list[dict[str, Any]]) -> None:
    print("| side | events/s | listener CPU s / 1000 events | paced rate | p50 s | p99 s "
          "| lost on kill -9 | recorded twice |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['side']} | {r['events_per_s']} | {r['listener_cpu_s_per_1000']} | "
              f"{r['paced_rate']} | {r.get('latency_p50_s')} | {r.get('latency_p99_s')} | "
              f"{r['crash_lost']} | {r['crash_recorded_twice']} |")
    by = {r["side"]: r for r in results}
    if "aodh" in by and "alarmapi" in by:
        ratio = by["aodh"]["listener_cpu_s_per_1000"] / max(
            by["alarmapi"]["listener_cpu_s_per_1000"], 1e-9)
        print(f"alarmapi records {ratio:.1f}x more events per listener CPU-second than Aodh")


if __name__ == "__main__":
    sys.exit(main())
