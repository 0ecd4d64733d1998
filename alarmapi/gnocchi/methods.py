"""Which aggregation methods Gnocchi's aggregates API reduces across metrics, and how
the others are combined (for the aggregation rule types)."""

from __future__ import annotations

import statistics
from typing import Any

#: The methods Gnocchi 4.7.1's ``aggregate`` operation computes (with or without
#: ``rate:``). The others it lists (last, first, Npct, ...) it refuses to reduce.
REDUCIBLE = ("mean", "median", "std", "min", "max", "sum", "var", "count")


def reducible(method: str) -> bool:
    """Whether Gnocchi's ``aggregate`` operation computes ``method`` across metrics."""
    return method.removeprefix("rate:") in REDUCIBLE


def series_of(measures: Any) -> list[list[Any]]:
    """Every series of a per-metric (not aggregated) aggregates answer: keyed by
    metric id, or by resource id and metric name, then by method."""
    if isinstance(measures, list):
        return [measures]
    if isinstance(measures, dict):
        return [series for value in measures.values() for series in series_of(value)]
    return []


def combined(measures: Any, granularity: float) -> list[float]:
    """A method Gnocchi does not reduce, read per metric: the mean of the metrics'
    values of each period (at the rule's granularity), oldest period first."""
    by_period: dict[str, list[float]] = {}
    for series in series_of(measures):
        for timestamp, period, value in series:
            if float(period) == granularity and value is not None:
                by_period.setdefault(str(timestamp), []).append(float(value))
    return [statistics.fmean(by_period[t]) for t in sorted(by_period)]
