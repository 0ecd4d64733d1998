"""gnocchi_* alarms evaluated against a real Gnocchi 4.7.1: data in Gnocchi, verdicts
out, for the three rule types (two metrics for by_metrics, which Aodh cannot read)."""

from __future__ import annotations

import datetime
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from alarmapi.evaluator.gnocchi import GnocchiSource
from alarmapi.gnocchi import GnocchiClient
from tests.fakes import leaf
from tests.integration import gnocchi_peer

AUTH = gnocchi_peer.AUTH


@pytest.fixture(scope="module")
def gnocchi() -> Iterator[dict[str, Any]]:
    """A resource with two metrics holding 95, 96 in the last two minutes."""
    with gnocchi_peer.running() as url:
        policy = f"alarmapi{uuid.uuid4().hex[:8]}"
        requests.post(url + "/v1/archive_policy", auth=AUTH, timeout=30, json={
            "name": policy, "aggregation_methods": ["mean", "max", "last"],
            "definition": [{"granularity": "60s", "timespan": "1 day"}]}).raise_for_status()
        resource_id = str(uuid.uuid4())
        created = requests.post(url + "/v1/resource/generic", auth=AUTH, timeout=30, json={
            "id": resource_id, "user_id": "u", "project_id": "p",
            "metrics": {"cpu": {"archive_policy_name": policy},
                        "mem": {"archive_policy_name": policy}}})
        created.raise_for_status()
        metrics = created.json()["metrics"]
        now = datetime.datetime.now(datetime.UTC)
        for name, values in (("cpu", (95.0, 96.0)), ("mem", (97.0, 98.0))):
            body = [{"timestamp": (now - datetime.timedelta(seconds=s)).isoformat(),
                     "value": v} for s, v in zip((100, 40), values, strict=True)]
            requests.post(f"{url}/v1/metric/{metrics[name]}/measures", json=body, auth=AUTH,
                          timeout=30).raise_for_status()
        for name in ("cpu", "mem"):  # wait until metricd processed them (bounded)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not requests.get(
                    f"{url}/v1/metric/{metrics[name]}/measures", auth=AUTH, timeout=30).json():
                time.sleep(0.5)
        yield {"url": url, "resource_id": resource_id, "metrics": metrics}


def verdict(gnocchi: dict[str, Any], rule_type: str, **rule: Any) -> Any:
    source = GnocchiSource(GnocchiClient(gnocchi["url"], timeout=10))
    base = {"threshold": 90, "comparison_operator": "gt", "granularity": 60,
            "evaluation_periods": 1, "aggregation_method": "mean"}
    return source.evaluate(leaf(rule_type, dict(base, **rule)),
                           datetime.datetime.now(datetime.UTC).replace(tzinfo=None))


def test_resources_threshold(gnocchi: dict[str, Any]) -> None:
    assert verdict(gnocchi, "gnocchi_resources_threshold", metric="cpu",
                   resource_id=gnocchi["resource_id"], resource_type="generic").state == "alarm"
    assert verdict(gnocchi, "gnocchi_resources_threshold", metric="cpu", threshold=99,
                   resource_id=gnocchi["resource_id"], resource_type="generic").state == "ok"
    assert verdict(gnocchi, "gnocchi_resources_threshold", metric="cpu",
                   resource_id=str(uuid.uuid4()),
                   resource_type="generic").state == "insufficient data"


def test_by_metrics_with_two_metrics(gnocchi: dict[str, Any]) -> None:
    ids = [gnocchi["metrics"]["cpu"], gnocchi["metrics"]["mem"]]
    result = verdict(gnocchi, "gnocchi_aggregation_by_metrics_threshold", metrics=ids,
                     aggregation_method="max")
    assert result.state == "alarm"
    assert result.reason_data["most_recent"] in (97.0, 98.0)


def test_by_resources(gnocchi: dict[str, Any]) -> None:
    query = json.dumps({"=": {"id": gnocchi["resource_id"]}})
    assert verdict(gnocchi, "gnocchi_aggregation_by_resources_threshold", metric="cpu",
                   query=query, resource_type="generic").state == "alarm"


def test_unreachable_gnocchi_gives_no_verdict() -> None:
    source = GnocchiSource(GnocchiClient("http://127.0.0.1:9", timeout=2))
    result = source.evaluate(leaf("gnocchi_resources_threshold", {
        "metric": "cpu", "resource_id": "r", "resource_type": "generic", "threshold": 1,
        "aggregation_method": "mean"}),
        datetime.datetime.now(datetime.UTC).replace(tzinfo=None))
    assert result.state is None


def test_parallel_prefetch_gives_the_sequential_verdicts(gnocchi: dict[str, Any]) -> None:
    base = {"threshold": 96, "comparison_operator": "gt", "granularity": 60,
            "evaluation_periods": 1, "aggregation_method": "max"}
    leaves = [
        ("gnocchi_resources_threshold", dict(base, metric="cpu", resource_type="generic",
                                              resource_id=gnocchi["resource_id"])),
        ("gnocchi_resources_threshold", dict(base, metric="mem", resource_type="generic",
                                              resource_id=gnocchi["resource_id"])),
        ("gnocchi_resources_threshold", dict(base, metric="cpu", resource_type="generic",
                                              resource_id=str(uuid.uuid4()))),
        ("gnocchi_aggregation_by_metrics_threshold",
         dict(base, metrics=[gnocchi["metrics"]["cpu"], gnocchi["metrics"]["mem"]])),
        ("gnocchi_aggregation_by_resources_threshold", dict(
            base, metric="cpu", resource_type="generic",
            query=json.dumps({"=": {"id": gnocchi["resource_id"]}}))),
    ]
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    sequential = GnocchiSource(GnocchiClient(gnocchi["url"], timeout=10))
    parallel = GnocchiSource(GnocchiClient(gnocchi["url"], timeout=10, pool_size=4),
                             parallel=4)
    parallel.prefetch([leaf(t, r) for t, r in leaves], now)
    assert parallel.requests == len(leaves)
    expected = [sequential.evaluate(leaf(t, r), now) for t, r in leaves]
    got = [parallel.evaluate(leaf(t, r), now) for t, r in leaves]
    parallel.close()
    assert [(e.state, e.reason_data) for e in got] == [(e.state, e.reason_data)
                                                       for e in expected]
    assert [e.state for e in got] == ["ok", "alarm", "insufficient data", "alarm", "ok"]
    assert parallel.requests == len(leaves)  # evaluate() sent nothing more


def test_methods_gnocchi_does_not_reduce_are_combined_per_period(
        gnocchi: dict[str, Any]) -> None:
    """last of cpu (96) and mem (98): the mean of the metrics' last values, 97."""
    ids = [gnocchi["metrics"]["cpu"], gnocchi["metrics"]["mem"]]
    result = verdict(gnocchi, "gnocchi_aggregation_by_metrics_threshold", metrics=ids,
                     aggregation_method="last", threshold=96.5)
    assert result.state == "alarm" and result.reason_data["most_recent"] == 97.0
    result = verdict(gnocchi, "gnocchi_aggregation_by_metrics_threshold", metrics=ids,
                     aggregation_method="last", threshold=97.5)
    assert result.state == "ok"
    query = json.dumps({"=": {"id": gnocchi["resource_id"]}})
    result = verdict(gnocchi, "gnocchi_aggregation_by_resources_threshold", metric="cpu",
                     query=query, resource_type="generic", aggregation_method="last",
                     threshold=95.5)
    assert result.state == "alarm" and result.reason_data["most_recent"] == 96.0
