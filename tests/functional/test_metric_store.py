"""The metric store on SQLite, PostgreSQL and MariaDB; statistics checked against values
computed here from the measurements posted."""

from __future__ import annotations

import datetime
import json
import random
import statistics as pystats
import time
import urllib.parse

import pytest

from alarmapi.metrics.model import DimensionFilter, Measurement, Metric, MetricQuery
from alarmapi.storage.sql import SQLConnection

T0 = 1_700_000_000_000  # ms; a multiple of 60 s
CPU_A = Metric("t1", "cpu", {"host": "a", "dc": "x"})
CPU_B = Metric("t1", "cpu", {"host": "b", "dc": "x"})
MEM = Metric("t1", "mem", {"host": "a"})
OTHER_TENANT = Metric("t2", "cpu", {"host": "a", "dc": "x"})


@pytest.fixture
def points(storage: SQLConnection) -> dict[str, list[tuple[int, float]]]:
    rng = random.Random(7)
    posted: dict[str, list[tuple[int, float]]] = {}
    batch = []
    for metric in (CPU_A, CPU_B, MEM, OTHER_TENANT):
        # 5 minutes of irregular points, several per minute, crossing period boundaries
        for _ in range(40):
            ts = T0 + rng.randrange(0, 300_000)
            value = round(rng.uniform(0, 100), 3)
            posted.setdefault(metric.id, []).append((ts, value))
            batch.append(Measurement(metric, ts, value, {"k": "v"} if value > 90 else None))
    storage.metrics.ingest(batch[:70], T0)
    storage.metrics.ingest(batch[70:], T0)
    return posted


def expected(points: list[tuple[int, float]], start: int, period_s: int,
             aligned_to: int = 0, end: int | None = None) -> dict[int, dict[str, float]]:
    """Statistics computed here: periods aligned to ``aligned_to`` (the epoch unless
    given), points from ``start`` to ``end`` (inclusive)."""
    buckets: dict[int, list[float]] = {}
    period = period_s * 1000
    for ts, value in points:
        if ts >= start and (end is None or ts <= end):
            bucket = aligned_to + (ts - aligned_to) // period * period
            buckets.setdefault(bucket, []).append(value)
    return {b: {"avg": pystats.fmean(v), "min": min(v), "max": max(v), "sum": sum(v),
                "count": float(len(v))} for b, v in sorted(buckets.items())}


@pytest.mark.parametrize(("start_offset", "end_offset", "period"), [
    (0, None, 60), (17_000, None, 60), (0, None, 120), (17_000, 251_733, 60),
    (29_000, 239_999, 180), (5_000, None, 45), (61_000, 62_000, 60)])
def test_statistics_per_metric_and_merged(storage: SQLConnection, points: dict,
                                          start_offset: int, end_offset: int | None,
                                          period: int) -> None:
    """Whole minutes from rollups, edge minutes from measurements, or all from
    measurements when the period is not whole minutes: always the same figures."""
    start = T0 + start_offset
    end = None if end_offset is None else T0 + end_offset
    names = ["avg", "min", "max", "sum", "count"]
    for ids in ([CPU_A.id], [CPU_A.id, CPU_B.id]):
        rows = storage.metrics.statistics(ids, names, start, end, period)
        want = expected([p for i in ids for p in points[i]], start, period, end=end)
        assert [r.start_ms for r in rows] == list(want)
        for row in rows:
            for name in names:
                assert row.values[name] == pytest.approx(want[row.start_ms][name])


def test_find_metrics_by_dimensions_and_tenant(storage: SQLConnection, points: dict) -> None:
    def ids(query: MetricQuery) -> set[str]:
        return {m[0] for m in storage.metrics.find_metrics(query)}

    assert ids(MetricQuery("t1", "cpu")) == {CPU_A.id, CPU_B.id}
    assert ids(MetricQuery("t1", "cpu", [DimensionFilter("host", ("a",))])) == {CPU_A.id}
    assert ids(MetricQuery("t1", None, [DimensionFilter("host", ("a", "b"))])) == {
        CPU_A.id, CPU_B.id, MEM.id}
    assert ids(MetricQuery("t1", None, [DimensionFilter("dc")])) == {CPU_A.id, CPU_B.id}
    assert ids(MetricQuery("t2")) == {OTHER_TENANT.id}
    assert storage.metrics.metric_names(MetricQuery("t1"), None, None) == ["cpu", "mem"]
    assert storage.metrics.dimension_names(MetricQuery("t1", "cpu"), None, None) == [
        "dc", "host"]
    assert storage.metrics.dimension_values(MetricQuery("t1"), "host", None, None) == [
        "a", "b"]
    first = storage.metrics.find_metrics(MetricQuery("t1"), limit=2)
    rest = storage.metrics.find_metrics(MetricQuery("t1"), offset=first[-1][0])
    assert len(first) == 2 and len(rest) == 1


def test_measurements_in_order_and_paged(storage: SQLConnection, points: dict) -> None:
    everything = storage.metrics.measurements([CPU_A.id], T0, None)
    assert [(ts, v) for _, ts, v, _ in everything] == sorted(points[CPU_A.id])
    page = storage.metrics.measurements([CPU_A.id], T0, None, limit=15)
    after = (page[-1][1], page[-1][0])
    rest = storage.metrics.measurements([CPU_A.id], T0, None, after=after)
    assert [m[0] for m in page + rest] == [m[0] for m in everything]
    assert all((meta == {"k": "v"}) == (value > 90) for _, _, value, meta in everything)


def test_identity_is_stored_once(storage: SQLConnection, points: dict) -> None:
    fresh = SQLConnection(storage.url)  # another process knows no metric yet
    fresh.metrics.ingest([Measurement(CPU_A, T0 + 400_000, 1.0)], T0)
    fresh.dispose()
    assert len(storage.metrics.find_metrics(MetricQuery("t1", "cpu"))) == 2


def test_window_statistics_for_threshold_rules_in_one_read(storage: SQLConnection,
                                                          points: dict) -> None:
    from alarmapi.metrics.windows import window_for_rule
    from alarmapi.rule_shapes import ThresholdShape

    end = T0 + 290_000
    rules = [
        ({"meter_name": "cpu", "statistic": "max", "period": 60, "evaluation_periods": 3,
          "query": [{"field": "host", "op": "eq", "value": "a"},
                    {"field": "project_id", "op": "eq", "value": "t1"}]}, [CPU_A.id]),
        ({"meter_name": "cpu", "statistic": "avg", "period": 120, "evaluation_periods": 2,
          "query": [{"field": "dc", "op": "eq", "value": "x"}]}, [CPU_A.id, CPU_B.id]),
        ({"meter_name": "nothing", "statistic": "count", "period": 60,
          "evaluation_periods": 1, "query": []}, []),
    ]
    windows = [window_for_rule(ThresholdShape.from_stored(dict(rule, threshold=0)), "t1", end)
               for rule, _ in rules]
    answers = storage.metrics.window_statistics(windows)
    for (rule, ids), window, answer in zip(rules, windows, answers, strict=True):
        inside = [p for i in ids for p in points[i] if window.start_ms <= p[0] < end]
        want = expected(inside, window.start_ms, rule["period"], aligned_to=window.start_ms)
        assert [b for b, _ in answer] == list(want)
        for bucket, value in answer:
            assert value == pytest.approx(want[bucket][rule["statistic"]])


def test_group_by_and_merge_through_the_api_on_each_backend(storage: SQLConnection) -> None:
    """The API's grouping over the storage of each backend, checked against values
    computed here."""
    from tests.conftest import make_api

    api, services = make_api(storage.url)
    rng = random.Random(3)
    now = int(time.time() * 1000) // 60_000 * 60_000 - 600_000
    posted: dict[str, list[tuple[int, float]]] = {"a": [], "b": []}
    body = []
    for host in ("a", "b"):
        for _ in range(60):
            ts, value = now + rng.randrange(0, 540_000), round(rng.uniform(0, 10), 2)
            posted[host].append((ts, value))
            body.append({"name": "load", "dimensions": {"host": host}, "timestamp": ts,
                         "value": value})
    api.post("/v2.0/metrics", json.dumps(body), headers={"X-Auth-Token": "g"},
             content_type="application/json", status=204)
    start = datetime.datetime.fromtimestamp(now / 1000, datetime.UTC).isoformat()
    base = (f"/v2.0/metrics/statistics?name=load&statistics=avg,max,count&period=120"
            f"&start_time={urllib.parse.quote(start)}")
    grouped = api.get(base + "&group_by=host", headers={"X-Auth-Token": "g"}).json
    merged = api.get(base + "&merge_metrics=true", headers={"X-Auth-Token": "g"}).json
    for element, points in zip(grouped["elements"], (posted["a"], posted["b"]), strict=True):
        want = expected(points, now, 120)
        assert [row[3] for row in element["statistics"]] == [w["count"] for w in want.values()]
        assert [row[1] for row in element["statistics"]] == pytest.approx(
            [w["avg"] for w in want.values()])
    want = expected(posted["a"] + posted["b"], now, 120)
    (element,) = merged["elements"]
    assert [row[2] for row in element["statistics"]] == [w["max"] for w in want.values()]
    services.storage.dispose()
