#!/usr/bin/env python3
"""alarmapi against the real Aodh 23 under ../shared/bench/api_load.py, in one run.

Both servers: gunicorn with the same number of sync workers, the same local
PostgreSQL, the same Gnocchi stand-in for create-time validation of gnocchi_*
alarms (../shared/peer/aodh/gnocchi_stub.py, started by start_aodh.sh). The load
runs against Aodh first, then against alarmapi; the table gives each operation's
req/s and p99 for both and the ratio (ours / Aodh's req/s).

    .venv/bin/python bench/api_vs_aodh.py [--concurrency 8] [--scale 1.0] [--workers 4]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import requests
import sqlalchemy as sa

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PEER = SHARED / "peer" / "aodh"
LOAD = SHARED / "bench" / "api_load.py"
BIN = pathlib.Path(sys.executable).parent
PG = "postgresql://postgres@127.0.0.1:5432"
STUB = "http://127.0.0.1:8049"
COUNTS = {"alarms": 2000, "big-project-alarms": 2000, "gets": 2000, "list-filters": 500,
          "state-ops": 1000, "history-gets": 500, "queries": 500}


def wait_ready(url: str, seconds: float = 90) -> None:
    """Poll until the server answers (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def fresh_database(name: str) -> str:
    engine = sa.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return f"{PG}/{name}"


def start_aodh(workers: int) -> str:
    env = dict(os.environ, AODH_WORKERS=str(workers), AODH_PORT="8042")
    venv = pathlib.Path(os.environ.get("PEER_HOME", pathlib.Path.home() /
                                       ".cache/alarmapi-peer")) / "aodh-venv"
    if not (venv / "bin" / "aodh-api").exists():
        subprocess.run(["bash", str(PEER / "install_venvs.sh")], check=True, env=env)
    subprocess.run(["bash", str(PEER / "stop_aodh.sh")], env=env, check=False,
                   capture_output=True)
    subprocess.run(["bash", str(PEER / "start_aodh.sh")], check=True, env=env)
    wait_ready("http://127.0.0.1:8042")
    return "http://127.0.0.1:8042"


def start_alarmapi(workers: int, directory: pathlib.Path) -> tuple[str, subprocess.Popen[bytes]]:
    url = fresh_database("alarmapi_bench")
    config = directory / "alarmapi.conf"
    config.write_text(f"[api]\nauth_mode = noauth\n[database]\nconnection = {url}\n"
                      f"[gnocchi]\nendpoint = {STUB}\n")
    subprocess.run([str(BIN / "alarmapi-dbsync"), "--config-file", str(config)], check=True,
                   capture_output=True)
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", "127.0.0.1:8043", "--workers", str(workers),
         "--worker-class", "sync", "--timeout", "120", "--backlog", "1024",
         "--no-control-socket", "alarmapi.wsgi.api:application"],
        env=dict(os.environ, ALARMAPI_CONFIG_FILE=str(config)),
        stdout=open(directory / "gunicorn.log", "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
    wait_ready("http://127.0.0.1:8043")
    return "http://127.0.0.1:8043", process


def load(url: str, concurrency: int, scale: float, run_id: str) -> dict:
    args = [sys.executable, str(LOAD), "--base-url", url, "--concurrency", str(concurrency),
            "--run-id", run_id]
    for name, count in COUNTS.items():
        args += [f"--{name}", str(max(1, int(count * scale)))]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(aodh: dict, ours: dict) -> str:
    lines = ["| op | Aodh req/s | Aodh p99 ms | alarmapi req/s | alarmapi p99 ms | ratio |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for op, theirs in aodh["ops"].items():
        mine = ours["ops"].get(op, {})
        ratio = (mine.get("rps") or 0) / theirs["rps"] if theirs.get("rps") else float("nan")
        lines.append(f"| {op} | {theirs['rps']} | {theirs['p99_ms']} | {mine.get('rps')} | "
                     f"{mine.get('p99_ms')} | {ratio:.2f}x |")
    lines.append(f"\nerrors: Aodh {aodh['total_errors']}, alarmapi {ours['total_errors']}; "
                 f"wall: Aodh {aodh['wall_s']} s, alarmapi {ours['wall_s']} s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count")
    parser.add_argument("--skip-aodh", action="store_true")
    parser.add_argument("--json", help="write both raw results to this file")
    args = parser.parse_args()
    run = time.strftime("%H%M%S")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        aodh_url = start_aodh(args.workers)  # also starts the Gnocchi stand-in
        try:
            if not args.skip_aodh:
                results["aodh"] = load(aodh_url, args.concurrency, args.scale, f"aodh{run}")
        finally:
            if args.skip_aodh:
                pass
        url, process = start_alarmapi(args.workers, pathlib.Path(tmp))
        try:
            results["alarmapi"] = load(url, args.concurrency, args.scale, f"ours{run}")
        finally:
            process.terminate()
            process.wait(timeout=30)
            subprocess.run(["bash", str(PEER / "stop_aodh.sh")], check=False,
                           capture_output=True)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1))
    if "aodh" in results:
        print(table(results["aodh"], results["alarmapi"]))
    else:
        print(json.dumps(results["alarmapi"]["ops"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
