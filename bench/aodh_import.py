"""Benchmark of ``alarmapi-dbsync --import-aodh``: an Aodh 23 schema (made by the real
aodh-dbsync) holding generated alarms and history is imported on PostgreSQL and on
MariaDB; the import's rows/s are printed, and every alarm and history entry is read back
through both APIs (the real Aodh's and ours) and compared.

    .venv/bin/python -m bench.aodh_import [--alarms 10000] [--history-per-alarm 20]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys
import tempfile
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import databases  # noqa: E402
from tests.integration import aodh_peer, live  # noqa: E402
from tests.integration.test_aodh_import import dbsync, same  # noqa: E402


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Generate, read through Aodh, import, read through alarmapi; the figures."""
    with tempfile.TemporaryDirectory() as tmp, databases.database(backend) as source, \
            databases.database(backend) as target:
        directory = pathlib.Path(tmp)
        config = live.write_config(directory, target)
        with aodh_peer.running(directory, source) as aodh:
            aodh_peer.generate(source, args.alarms, args.history_per_alarm)
            started = time.perf_counter()
            before = aodh_peer.snapshot(aodh, aodh_peer.ADMIN)
            aodh_read = time.perf_counter() - started
        started = time.perf_counter()
        result = dbsync(config, aodh_peer.aodh_url(source))
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(result.stdout[-2000:] + result.stderr)
        summary = result.stdout.strip().splitlines()[-1]
        rate = float(re.search(r"\(([\d,]+) rows/s\)", summary)[1].replace(",", ""))  # type: ignore[index]
        again = dbsync(config, aodh_peer.aodh_url(source))
        with live.server(config) as ours:
            started = time.perf_counter()
            after = aodh_peer.snapshot(ours, aodh_peer.ADMIN)
            ours_read = time.perf_counter() - started
        differences = same(before, after)
        return {
            "backend": backend, "alarms": len(before["alarms"]),
            "history": sum(map(len, before["history"].values())),
            "import_rows_per_s": rate, "import_summary": summary,
            "dbsync_wall_s": round(wall, 2),
            "second_run": again.stdout.strip().splitlines()[-1],
            "differences": len(differences), "first_differences": differences[:5],
            "read_back_s": {"aodh": round(aodh_read, 1), "alarmapi": round(ours_read, 1)},
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alarms", type=int, default=10000)
    parser.add_argument("--history-per-alarm", type=int, default=20)
    parser.add_argument("--backends", default="postgresql,mysql")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-aodh-import.json"))
    args = parser.parse_args()
    results = [run_backend(b, args) for b in args.backends.split(",")]
    for r in results:
        print(f"{r['backend']}: {r['alarms']} alarms, {r['history']} history entries; "
              f"import {r['import_rows_per_s']:,.0f} rows/s (dbsync {r['dbsync_wall_s']} s "
              f"in all); read back through the APIs: Aodh {r['read_back_s']['aodh']} s, "
              f"alarmapi {r['read_back_s']['alarmapi']} s; differences: {r['differences']}")
        print(f"  second run: {r['second_run']}")
    pathlib.Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["differences"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
