#!/usr/bin/env python3
"""The metric store against a real Gnocchi 4.7.1, in one run on this machine.

Ingest: batches of 1,000 measurements posted with 4 concurrent clients, to alarmapi on
PostgreSQL and on SQLite (gunicorn, 4 sync workers) and to Gnocchi (its own runner).
Query: a 1-day, 60 s, avg statistics read over one metric holding all the points
(alarmapi: GET /v2.0/metrics/statistics; Gnocchi: GET /v1/metric/<id>/measures with
granularity 60 and aggregation mean, after its metricd processed the points).

    .venv/bin/python bench/metrics_vs_gnocchi.py [--points 1000000] [--skip-gnocchi]
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from bench.api_vs_aodh import fresh_database, wait_ready  # noqa: E402

BIN = pathlib.Path(sys.executable).parent
BATCH = 1000
DAY_MS = 86_400_000


def batches(points: int, end_ms: int) -> list[list[tuple[int, float]]]:
    """``points`` (timestamp ms, value) pairs spread over the day before ``end_ms``."""
    step = DAY_MS / points
    rows = [(int(end_ms - DAY_MS + i * step), float(i % 100)) for i in range(points)]
    return [rows[i:i + BATCH] for i in range(0, points, BATCH)]


def post_all(jobs: list[Any], send: Any, concurrency: int = 4) -> float:
    """Send every batch with ``concurrency`` clients; return measurements per second."""
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, jobs))
    return sum(len(j) for j in jobs) / (time.perf_counter() - start)


def timed(call: Any, runs: int = 5) -> float:
    """Median wall time of ``call`` in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run_alarmapi(url: str, points: int, directory: pathlib.Path) -> dict[str, float]:
    config = directory / f"{uuid.uuid4().hex}.conf"
    config.write_text(f"[api]\nauth_mode = noauth\n[database]\nconnection = {url}\n"
                      "[metrics]\nmax_age_seconds = 172800\n")
    subprocess.run([str(BIN / "alarmapi-dbsync"), "--config-file", str(config)], check=True,
                   capture_output=True)
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", "127.0.0.1:8044", "--workers", "4",
         "--no-control-socket", "--timeout", "300", "alarmapi.wsgi.api:application"],
        env=dict(os.environ, ALARMAPI_CONFIG_FILE=str(config)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:8044"
    try:
        wait_ready(base)
        end = int(time.time() * 1000) - 1000
        session = requests.Session()
        headers = {"X-Auth-Token": "bench", "Content-Type": "application/json"}

        def send(batch: list[tuple[int, float]]) -> None:
            body = [{"name": "bench.cpu", "dimensions": {"host": "h1"}, "timestamp": ts,
                     "value": v} for ts, v in batch]
            response = requests.post(base + "/v2.0/metrics", json=body, headers=headers,
                                     timeout=300)
            response.raise_for_status()

        rate = post_all(batches(points, end), send)
        start = datetime.datetime.fromtimestamp((end - DAY_MS) / 1000, datetime.UTC)
        query = (f"{base}/v2.0/metrics/statistics?name=bench.cpu&statistics=avg&period=60"
                 f"&start_time={start.strftime('%Y-%m-%dT%H:%M:%SZ')}")

        def read() -> None:
            response = session.get(query, headers=headers, timeout=300)
            response.raise_for_status()
            assert response.json()["elements"][0]["statistics"]

        return {"ingest_per_s": rate, "stats_ms": timed(read)}
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_gnocchi(points: int) -> dict[str, float]:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from tests.integration import gnocchi_peer

    with gnocchi_peer.running() as base:
        auth = gnocchi_peer.AUTH
        policy = f"bench{uuid.uuid4().hex[:8]}"
        requests.post(base + "/v1/archive_policy", auth=auth, timeout=30, json={
            "name": policy, "aggregation_methods": ["mean"],
            "definition": [{"granularity": "60s", "timespan": "2 days"}]}).raise_for_status()
        metric = requests.post(base + "/v1/metric", auth=auth, timeout=30, json={
            "archive_policy_name": policy}).json()["id"]
        end = int(time.time() * 1000) - 1000

        def send(batch: list[tuple[int, float]]) -> None:
            body = [{"timestamp": ts / 1000, "value": v} for ts, v in batch]
            requests.post(f"{base}/v1/metric/{metric}/measures", json=body, auth=auth,
                          timeout=300).raise_for_status()

        rate = post_all(batches(points, end), send)
        start = datetime.datetime.fromtimestamp((end - DAY_MS) / 1000, datetime.UTC)
        query = f"{base}/v1/metric/{metric}/measures"
        params = {"granularity": "60", "aggregation": "mean", "start": start.isoformat()}
        processed = time.perf_counter()
        requests.get(query, params=dict(params, refresh="true"), auth=auth,
                     timeout=900).raise_for_status()
        processing_s = time.perf_counter() - processed
        latency = timed(lambda: requests.get(query, params=params, auth=auth,
                                             timeout=60).raise_for_status())
        return {"ingest_per_s": rate, "stats_ms": latency, "processing_s": processing_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--skip-gnocchi", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = pathlib.Path(tmp)
        results["alarmapi PostgreSQL"] = run_alarmapi(
            fresh_database("alarmapi_mbench"), args.points, directory)
        results["alarmapi SQLite"] = run_alarmapi(
            f"sqlite:///{directory}/bench.sqlite", args.points, directory)
        if not args.skip_gnocchi:
            results["Gnocchi 4.7.1"] = run_gnocchi(args.points)
    print(f"{args.points} points over one day, batches of {BATCH}, 4 concurrent clients\n")
    print("| store | ingest measurements/s | 1-day stats query ms (median of 5) | note |")
    print("| --- | ---: | ---: | --- |")
    for name, r in results.items():
        note = (f"metricd processing of the points: {r['processing_s']:.1f} s"
                if "processing_s" in r else "")
        print(f"| {name} | {r['ingest_per_s']:.0f} | {r['stats_ms']:.1f} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
