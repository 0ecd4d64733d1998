"""Aggregation methods Gnocchi does not reduce across metrics: read per metric and
combined by alarmapi as the mean of each period's values."""

from __future__ import annotations

from alarmapi.gnocchi import methods


def test_which_methods_gnocchi_reduces() -> None:
    assert methods.reducible("mean") and methods.reducible("rate:max")
    assert not methods.reducible("last") and not methods.reducible("95pct")
    assert not methods.reducible("rate:last")


def test_per_metric_series_are_combined_period_by_period() -> None:
    by_metric = {"m1": {"last": [["t1", 60.0, 1.0], ["t2", 60.0, 3.0], ["t2", 300.0, 50.0]]},
                 "m2": {"last": [["t1", 60.0, 5.0]]}}
    assert methods.combined(by_metric, 60) == [3.0, 3.0]
    by_resource = {"r1": {"cpu": {"95pct": [["t1", 60.0, 10.0]]}},
                   "r2": {"cpu": {"95pct": [["t1", 60.0, 20.0], ["t0", 60.0, None]]}}}
    assert methods.combined(by_resource, 60) == [15.0]
    assert methods.combined({}, 60) == []
