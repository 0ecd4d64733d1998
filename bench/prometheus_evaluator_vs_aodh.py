#!/usr/bin/env python3
"""prometheus alarms: Aodh 23.0.0's evaluator, then alarmapi's, against the same real
Prometheus (Debian's 2.42) in one run.

Prometheus scrapes an exporter with 100 metrics for each of two projects. Each side
gets N prometheus alarms over 100 distinct queries (``bench_metric_<i> > 50``), half of
them a project's own (scoped to it), half an admin's own (unscoped); its own PostgreSQL
database and API; one evaluator at ``--interval``. After a warm-up cycle, ``--cycles``
cycles are measured: cycle wall time (median), evaluator CPU seconds per 1,000
evaluations (the evaluator's process tree, from /proc), Prometheus CPU seconds per
1,000 evaluations, and Prometheus requests per cycle (its own
prometheus_http_requests_total, by handler).

    .venv/bin/python bench/prometheus_evaluator_vs_aodh.py [--sizes 1000,10000]

Aodh's alarms beyond two are copied in SQL from two created through its API (its
creates slow down with the project's size); alarmapi's are all created through its API.
Aodh reaches Prometheus the way ../shared/bench/aodh_eval does Gnocchi: the
"gnocchi-basic" auth plugin answers every catalog lookup with the configured endpoint.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any

import psycopg
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.api_vs_aodh import fresh_database  # noqa: E402
from tests.integration import live, prometheus_peer  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench" / "aodh_eval"
PEER_HOME = pathlib.Path(os.environ.get("PEER_HOME", pathlib.Path.home() / ".cache/alarmapi-peer"))
AODH_VENV = PEER_HOME / "aodh-venv"
QUERIES = 100
PROJECT = {"X-User-Id": "bench-user", "X-Project-Id": "bench-a", "X-Roles": "member"}
ADMIN = {"X-User-Id": "bench-admin", "X-Project-Id": "bench-admin", "X-Roles": "admin"}
AODH_PORT = 8053


def series() -> dict[str, float]:
    """100 metrics for each of two projects: project bench-a's above 50, the other's not."""
    found = {}
    for i in range(QUERIES):
        found[f'bench_metric_{i}{{project="bench-a"}}'] = 90.0
        found[f'bench_metric_{i}{{project="bench-b"}}'] = 10.0
    return found


def alarm_body(index: int) -> dict[str, Any]:
    return {"name": f"prom-{index:05d}", "type": "prometheus", "prometheus_rule": {
        "query": f"bench_metric_{index % QUERIES}", "threshold": 50,
        "comparison_operator": "gt"}}


def headers_of(index: int) -> dict[str, str]:
    """Even alarms a project's own (scoped), odd ones an admin's own (unscoped)."""
    return PROJECT if index % 2 == 0 else ADMIN


def tree_cpu(pid: int) -> float:
    """utime + stime of a process and its descendants, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += cpu.get(current, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


def prometheus_requests(url: str) -> dict[str, float]:
    """Prometheus's own count of API requests, by handler."""
    counts: dict[str, float] = {}
    for line in requests.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("prometheus_http_requests_total{"):
            labels, value = line.rsplit(" ", 1)
            handler = labels.split('handler="', 1)[1].split('"', 1)[0]
            if handler.startswith("/api/v1/"):
                counts[handler] = counts.get(handler, 0.0) + float(value)
    return counts


def cycle_lines(path: pathlib.Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def measure(name: str, n: int, cycles_file: pathlib.Path, evaluator_pid: int,
            prom_url: str, prom_pid: int, cycles: int, timeout: float) -> dict[str, Any]:
    """Wait for a warm-up cycle, then measure ``cycles`` cycles (bounded in time)."""
    deadline = time.monotonic() + timeout
    while len(cycle_lines(cycles_file)) < 1:
        if time.monotonic() > deadline:
            raise SystemExit(f"{name}: no cycle within {timeout} s")
        time.sleep(0.5)
    seen = len(cycle_lines(cycles_file))
    cpu0, prom0, req0 = tree_cpu(evaluator_pid), tree_cpu(prom_pid), prometheus_requests(prom_url)
    while len(cycle_lines(cycles_file)) < seen + cycles:
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    cpu1, prom1, req1 = tree_cpu(evaluator_pid), tree_cpu(prom_pid), prometheus_requests(prom_url)
    measured = cycle_lines(cycles_file)[seen:seen + cycles]
    if not measured:
        raise SystemExit(f"{name}: no measured cycle within {timeout} s")
    evaluations = sum(int(c.get("evaluated", c.get("alarms", 0))) for c in measured)
    requests_by_handler = {h: (req1.get(h, 0) - req0.get(h, 0)) / len(measured)
                           for h in req1 if req1.get(h, 0) - req0.get(h, 0) > 0}
    result = {
        "side": name, "n": n, "cycles": len(measured),
        "cycle_wall_s_median": round(statistics.median(c["wall_s"] for c in measured), 3),
        "evaluations": evaluations,
        "evaluator_cpu_s_per_1000": round((cpu1 - cpu0) / max(evaluations, 1) * 1000, 4),
        "prometheus_cpu_s_per_1000": round((prom1 - prom0) / max(evaluations, 1) * 1000, 4),
        "prometheus_requests_per_cycle": {h: round(v, 1) for h, v in requests_by_handler.items()},
    }
    print(json.dumps(result), flush=True)
    return result


def run_aodh(n: int, prom_url: str, prom_pid: int, args: argparse.Namespace,
             run: pathlib.Path) -> dict[str, Any]:
    env = dict(os.environ, PEER_HOME=str(PEER_HOME), AODH_EVAL_VENV=str(AODH_VENV),
               AODH_EVAL_RUN=str(run), AODH_EVAL_PORT=str(AODH_PORT),
               AODH_EVAL_DB="aodh_prom_bench", GNOCCHI_ENDPOINT=prom_url,
               EVAL_INTERVAL=str(args.interval))
    fresh_database("aodh_prom_bench")
    stop = ["bash", str(SHARED / "stop_aodh_eval.sh"), "all"]
    try:
        subprocess.run(["bash", str(SHARED / "start_aodh_eval.sh"), "api"], env=env,
                       check=True, capture_output=True)
        url = f"http://127.0.0.1:{AODH_PORT}"
        templates = [requests.post(url + "/v2/alarms", json=alarm_body(i),
                                   headers=headers_of(i), timeout=60).json()["alarm_id"]
                     for i in range(2)]
        clone_aodh(n, templates)
        subprocess.run(["bash", str(SHARED / "start_aodh_eval.sh"), "evaluator", "ev1"],
                       env=env, check=True, capture_output=True)
        pid = int((run / "evaluator-ev1.pid").read_text())
        return measure("aodh", n, run / "cycles-ev1.jsonl", pid, prom_url, prom_pid,
                       args.cycles, args.timeout)
    finally:
        subprocess.run(stop, env=env, capture_output=True)


def clone_aodh(n: int, templates: list[str]) -> None:
    """Copy the two API-created alarms (scoped, unscoped) into N in Aodh's table."""
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=aodh_prom_bench") as conn:
        cur = conn.cursor()
        cur.execute("SELECT * FROM alarm WHERE alarm_id = ANY(%s)", (templates,))
        columns = [d.name for d in cur.description or []]
        rows = {row[columns.index("alarm_id")]: dict(zip(columns, row, strict=True))
                for row in cur.fetchall()}
        copies = []
        for i in range(2, n):
            row = dict(rows[templates[i % 2]])
            rule = dict(row["rule"] if isinstance(row["rule"], dict) else json.loads(row["rule"]))
            rule["query"] = alarm_body(i)["prometheus_rule"]["query"]
            row.update(alarm_id=str(uuid.uuid4()), name=alarm_body(i)["name"],
                       rule=json.dumps(rule))
            for key in ("ok_actions", "alarm_actions", "insufficient_data_actions",
                        "time_constraints"):
                if not isinstance(row[key], str):
                    row[key] = json.dumps(row[key])
            copies.append([row[c] for c in columns])
        marks = ", ".join(["%s"] * len(columns))
        cur.executemany(f"INSERT INTO alarm ({', '.join(columns)}) VALUES ({marks})", copies)


def run_alarmapi(n: int, prom_url: str, prom_pid: int, args: argparse.Namespace,
                 run: pathlib.Path) -> dict[str, Any]:
    db = fresh_database("alarmapi_prom_bench")
    cycles = run / "cycles-alarmapi.jsonl"
    config = live.write_config(run, db, (
        f"[evaluator]\nevaluation_interval = {args.interval}\nbatch_size = 1000\n"
        f"cycle_report_file = {cycles}\n\n[prometheus]\nendpoint = {prom_url}\n"
        "parallel_requests = 8\n\n[api]\nuser_alarm_quota = -1\nproject_alarm_quota = -1\n"))
    with live.server(config, workers=4) as url:
        session = requests.Session()

        def create(i: int) -> None:
            response = session.post(url + "/v2/alarms", json=alarm_body(i),
                                    headers=headers_of(i), timeout=60)
            assert response.status_code == 201, response.text

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(create, range(n)))
        evaluator = subprocess.Popen([str(live.BIN / "alarmapi-evaluator"),
                                      "--config-file", str(config)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            return measure("alarmapi", n, cycles, evaluator.pid, prom_url, prom_pid,
                           args.cycles, args.timeout)
        finally:
            evaluator.send_signal(signal.SIGTERM)
            evaluator.wait(timeout=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-prometheus-evaluator.json"))
    args = parser.parse_args()
    if not (AODH_VENV / "bin" / "aodh-api").exists():
        installer = ROOT.parent / "shared" / "peer" / "aodh" / "install_venvs.sh"
        subprocess.run(["bash", str(installer)], env=dict(os.environ, USE_LOCK="1"),
                       check=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = pathlib.Path(tmp)
        with prometheus_peer.running(directory) as (prom_url, exporter):
            exporter.series = series()
            prometheus_peer.scraped(prom_url, exporter.series)
            prom_pid = int(subprocess.run(["pgrep", "-f", f"storage.tsdb.path={directory}"],
                                          capture_output=True, text=True).stdout.split()[0])
            for n in (int(size) for size in args.sizes.split(",")):
                for side in (run_aodh, run_alarmapi):
                    run = directory / f"{side.__name__}-{n}"
                    run.mkdir()
                    results.append(side(n, prom_url, prom_pid, args, run))
    pathlib.Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print_table(results)
    return 0


def print_table(results: list[dict[str, Any]]) -> None:
    print("| N | side | cycle wall s | evaluator CPU s / 1000 | Prometheus CPU s / 1000 "
          "| requests / cycle |")
    print("| ---: | --- | ---: | ---: | ---: | --- |")
    for r in results:
        requests_shown = ", ".join(f"{h.removeprefix('/api/v1/')} {v:g}"
                                   for h, v in sorted(r["prometheus_requests_per_cycle"].items()))
        print(f"| {r['n']} | {r['side']} | {r['cycle_wall_s_median']} | "
              f"{r['evaluator_cpu_s_per_1000']} | {r['prometheus_cpu_s_per_1000']} | "
              f"{requests_shown} |")
    by = {(r["n"], r["side"]): r for r in results}
    for n in sorted({r["n"] for r in results}):
        aodh, ours = by.get((n, "aodh")), by.get((n, "alarmapi"))
        if aodh and ours:
            ratio = aodh["evaluator_cpu_s_per_1000"] / max(ours["evaluator_cpu_s_per_1000"], 1e-9)
            print(f"N={n}: alarmapi uses {ratio:.1f}x less evaluator CPU per evaluation")


if __name__ == "__main__":
    sys.exit(main())
