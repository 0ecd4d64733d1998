"""Print the table of bench/gnocchi_evaluator_vs_aodh.sh: Aodh 23 beside alarmapi per size.

    python bench/gnocchi_evaluator_table.py bench/results-gnocchi-evaluator 1000 10000
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any

SIDES = ("aodh", "alarmapi")
PER_1000 = ("evaluator", "gnocchi-api", "api", "postgres", "machine")


def load(folder: pathlib.Path, side: str, size: str) -> dict[str, Any] | None:
    """The harness output of one side at one size, None when that run is missing."""
    path = folder / f"{side}-n{size}.json"
    return json.loads(path.read_text()) if path.exists() else None


def figures(result: dict[str, Any]) -> dict[str, Any]:
    """The steady-window figures compared."""
    steady = result.get("steady") or {}
    cycles = steady.get("cycles") or {}
    per = steady.get("cpu_s_per_1000_evals") or {}
    row: dict[str, Any] = {
        "cycle wall s (median, min-max)": (
            f"{cycles.get('wall_s_median')} ({cycles.get('wall_s_min')}-"
            f"{cycles.get('wall_s_max')})" if cycles else "-"),
        "cycles in window": cycles.get("cycles", "-"),
        "alarms per cycle": ", ".join(map(str, cycles.get("alarms_per_cycle", []))) or "-",
        "evaluations/s": steady.get("evals_per_s", "-"),
        "evaluator CPU s per 1,000 (in-cycle)": cycles.get("evaluator_cpu_s_per_1000_evals",
                                                          "-"),
        "settle s": result.get("settle_s", "-"),
    }
    for name in PER_1000:
        row[f"{name} CPU s per 1,000 (window)"] = per.get(name, "-")
    return row


def advantage(key: str, aodh: Any, ours: Any) -> str:
    """How many times better alarmapi's figure is (CPU: lower, evaluations/s: higher)."""
    if not (isinstance(aodh, int | float) and isinstance(ours, int | float)) or "CPU" not in \
            key and key != "evaluations/s" or not aodh or not ours:
        return ""
    return f"{(ours / aodh if key == 'evaluations/s' else aodh / ours):.1f}x"


def main(argv: list[str]) -> int:
    """Print one markdown table per size."""
    folder = pathlib.Path(argv[1])
    for size in argv[2:]:
        results = {side: load(folder, side, size) for side in SIDES}
        print(f"\n### N = {size}\n")
        print("| | Aodh 23 | alarmapi | alarmapi better by |")
        print("| --- | ---: | ---: | ---: |")
        rows = {side: figures(r) if r else {} for side, r in results.items()}
        for key in figures({}):
            aodh, ours = rows["aodh"].get(key, "-"), rows["alarmapi"].get(key, "-")
            print(f"| {key} | {aodh} | {ours} | {advantage(key, aodh, ours)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
