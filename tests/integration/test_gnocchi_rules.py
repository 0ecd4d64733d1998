"""gnocchi_* alarms validated against a real Gnocchi 4.7.1 by a live alarmapi."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.integration import gnocchi_peer, live

USER = {"X-User-Id": "user-a", "X-Project-Id": "proj-a", "X-Roles": "reader,member"}


@pytest.fixture(scope="module")
def gnocchi_url() -> Iterator[str]:
    with gnocchi_peer.running() as url:
        yield url


@pytest.fixture(scope="module")
def alarmapi_url(tmp_path_factory: pytest.TempPathFactory, gnocchi_url: str) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("gnocchi")
    config = live.write_config(directory, f"sqlite:///{directory}/alarmapi.sqlite",
                               f"[gnocchi]\nendpoint = {gnocchi_url}\n")
    with live.server(config) as url:
        yield url


@pytest.fixture(scope="module")
def unreachable_gnocchi_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("nognocchi")
    config = live.write_config(
        directory, f"sqlite:///{directory}/alarmapi.sqlite",
        f"[gnocchi]\nendpoint = http://127.0.0.1:{live.free_port()}\ntimeout = 2\n")
    with live.server(config) as url:
        yield url


def post(url: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(url + "/v2/alarms", json=body, headers=USER, timeout=30)


def rule(alarm_type: str, **fields: Any) -> dict[str, Any]:
    return {"name": alarm_type, "type": alarm_type, f"{alarm_type}_rule": fields}


def test_aggregation_methods_come_from_gnocchi(alarmapi_url: str, gnocchi_url: str) -> None:
    methods = requests.get(gnocchi_url + "/v1/capabilities", auth=gnocchi_peer.AUTH,
                           timeout=10).json()["aggregation_methods"]
    ok = post(alarmapi_url, rule("gnocchi_resources_threshold", metric="cpu",
                                 resource_id="r1", resource_type="generic", threshold=1,
                                 aggregation_method="rate:mean"))
    assert ok.status_code == 201, ok.text
    bad = post(alarmapi_url, rule("gnocchi_aggregation_by_metrics_threshold",
                                  metrics=["m"], threshold=1, aggregation_method="avg"))
    assert bad.status_code == 400
    assert bad.json()["error_message"]["faultstring"] == (
        f"aggregation_method should be in {methods} not avg")


def test_by_resources_query_is_checked_by_gnocchi(alarmapi_url: str) -> None:
    fields = {"metric": "cpu", "resource_type": "generic", "threshold": 1,
              "aggregation_method": "mean"}
    ok = post(alarmapi_url, rule("gnocchi_aggregation_by_resources_threshold",
                                 query=json.dumps({"=": {"original_resource_id": "web"}}),
                                 **fields))
    assert ok.status_code == 201, ok.text
    stored = ok.json()["gnocchi_aggregation_by_resources_threshold_rule"]["query"]
    assert json.loads(stored) == {"and": [{"=": {"created_by_project_id": "proj-a"}},
                                          {"=": {"original_resource_id": "web"}}]}
    refused = post(alarmapi_url, rule("gnocchi_aggregation_by_resources_threshold",
                                      query=json.dumps({"=": {"server_group": "web"}}),
                                      **fields))
    assert refused.status_code == 400, refused.text
    assert refused.json()["error_message"]["faultstring"] == (
        "Resource type generic has no server_group attribute")


def test_unreachable_gnocchi_is_a_clear_503(unreachable_gnocchi_url: str) -> None:
    response = post(unreachable_gnocchi_url, rule(
        "gnocchi_resources_threshold", metric="cpu", resource_id="r1",
        resource_type="generic", threshold=1, aggregation_method="mean"))
    assert response.status_code == 503
    assert "Gnocchi" in response.json()["error_message"]["faultstring"]


def test_rules_may_only_read_the_callers_gnocchi_data(alarmapi_url: str,
                                                       gnocchi_url: str) -> None:
    """Resources and metrics of another project are refused (read through Gnocchi's own
    answers: the resource's project_id, the metric's resource)."""
    import uuid

    policy = f"iso{uuid.uuid4().hex[:8]}"
    requests.post(gnocchi_url + "/v1/archive_policy", auth=gnocchi_peer.AUTH, timeout=30,
                  json={"name": policy, "definition": [{"granularity": "60s",
                                                        "timespan": "1 day"}]}
                  ).raise_for_status()
    owned = {}
    for project in ("proj-a", "proj-b"):
        created = requests.post(gnocchi_url + "/v1/resource/generic", auth=gnocchi_peer.AUTH,
                                timeout=30, json={
                                    "id": str(uuid.uuid4()), "project_id": project,
                                    "metrics": {"cpu": {"archive_policy_name": policy}}})
        created.raise_for_status()
        owned[project] = created.json()
    fields = {"threshold": 1, "aggregation_method": "mean"}
    for project, status in (("proj-b", 401), ("proj-a", 201)):
        resource = owned[project]
        by_resource = post(alarmapi_url, rule(
            "gnocchi_resources_threshold", metric="cpu", resource_id=resource["id"],
            resource_type="generic", **fields))
        assert by_resource.status_code == status, by_resource.text
        by_metric = post(alarmapi_url, rule(
            "gnocchi_aggregation_by_metrics_threshold", metrics=[resource["metrics"]["cpu"]],
            **fields))
        assert by_metric.status_code == status, by_metric.text
    assert post(alarmapi_url, rule("gnocchi_resources_threshold", metric="cpu",
                                   resource_id=str(uuid.uuid4()), resource_type="generic",
                                   **fields)).status_code == 201
