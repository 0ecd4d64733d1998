"""Backtest speed: a week of one-a-minute data, a threshold alarm backtested over it at
the evaluator's cadence (60 s: 10,000 moments), against the evaluator itself walking
the same moments (one cycle per moment, as a backtest without the shared long reads
would cost), on each database.

    .venv/bin/python -m bench.backtest [--backends sqlite,postgresql,mysql] [--walk 500]

The walk is timed over its first ``--walk`` moments and its rate extrapolated (walking
all 10,000 takes minutes); no other system ships a backtest to compare with
(prometheus/prometheus#1154; Grafana's is behind an experimental flag).
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alarmapi import clock, history, model  # noqa: E402
from alarmapi.evaluator import backtest  # noqa: E402
from alarmapi.evaluator.service import Evaluator  # noqa: E402
from alarmapi.metrics.model import Measurement, Metric  # noqa: E402
from alarmapi.storage.sql import SQLConnection  # noqa: E402
from tests import databases  # noqa: E402

MOMENTS = backtest.MAX_STEPS
STEP_S = 60


def _alarm(now: datetime.datetime) -> model.Alarm:
    return model.Alarm(
        alarm_id="bench-backtest", name="cpu-high", type="threshold", project_id="p",
        user_id="u", description="", timestamp=now, state_timestamp=now,
        rule={"meter_name": "cpu", "threshold": 90.0, "comparison_operator": "gt",
              "statistic": "avg", "period": 60, "evaluation_periods": 3, "query": []})


def _fill(storage: SQLConnection, start: datetime.datetime) -> int:
    """One measurement a minute over the range: calm, with a hot hour every 6 hours."""
    start_ms = int(start.replace(tzinfo=datetime.UTC).timestamp() * 1000)
    metric = Metric("p", "cpu", {})
    rows = [Measurement(metric, start_ms + i * 60_000 - 30_000,
                        95.0 if (i // 60) % 6 == 5 else 20.0 + i % 7)
                    for i in range(MOMENTS + 3)]
    for i in range(0, len(rows), 5000):
        storage.metrics.ingest(rows[i:i + 5000], clock.now_ms())
    return len(rows)


def run(backend: str, walk: int) -> dict[str, float]:
    """The figures on one backend."""
    with databases.database(backend) as url:
        storage = SQLConnection(url)
        storage.upgrade()
        end = clock.utcnow().replace(second=0, microsecond=0)
        start = end - datetime.timedelta(seconds=STEP_S * (MOMENTS - 1))
        _fill(storage, start)
        alarm = _alarm(end)
        began = time.perf_counter()
        result = backtest.run(alarm, storage.metrics, start, end, STEP_S)
        took = time.perf_counter() - began
        storage.create_alarm(alarm, history.record(
            alarm, model.ChangeType.CREATION, {}, user_id="u", project_id="p", timestamp=end))
        walker = {"now": start}
        evaluator = Evaluator(storage, clock=lambda: walker["now"])
        began = time.perf_counter()
        for k in range(walk):
            walker["now"] = start + datetime.timedelta(seconds=STEP_S * k)
            evaluator.run_cycle()
        walked = (time.perf_counter() - began) / walk * MOMENTS
        storage.dispose()
    return {"moments": result.evaluations, "transitions": len(result.transitions),
            "backtest_s": took, "walk_s_estimated": walked, "ratio": walked / took}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql,mysql")
    parser.add_argument("--walk", type=int, default=500)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        figures = run(backend, args.walk)
        print(f"{backend:10} {figures['moments']:6.0f} moments, {figures['transitions']:4.0f} "
              f"transitions: backtest {figures['backtest_s']:.2f} s; the evaluator walking "
              f"them ~{figures['walk_s_estimated']:.0f} s ({figures['ratio']:.0f}x)")


if __name__ == "__main__":
    main()
