"""No caller sees or touches another project's data: project-less callers, existence
oracles, markers, notification methods (issue 13, section 1)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import webtest

from tests.conftest import ADMIN, USER_A, USER_B

NO_PROJECT = {"X-User-Id": "user-x", "X-Roles": "reader,member"}
EMPTY_PROJECT = dict(NO_PROJECT, **{"X-Project-Id": ""})
THRESHOLD = {"type": "threshold", "threshold_rule": {"meter_name": "cpu", "threshold": 1}}


def _alarm(api: webtest.TestApp, headers: dict[str, str], name: str = "a") -> dict[str, Any]:
    return api.post_json("/v2/alarms", dict(THRESHOLD, name=name), headers=headers).json


def _method(api: webtest.TestApp, token: str) -> dict[str, Any]:
    return api.post_json("/v2.0/notification-methods",
                         {"name": "ops", "type": "EMAIL", "address": "ops@example.org"},
                         headers={"X-Auth-Token": token}).json


def _requests(alarm_id: str) -> list[tuple[str, str, Any]]:
    """Every /v2 call that reads or writes tenant data."""
    return [
        ("GET", "/v2/alarms", None),
        ("GET", f"/v2/alarms?marker={alarm_id}", None),
        ("GET", "/v2/alarms?q.field=name&q.op=eq&q.value=a", None),
        ("POST", "/v2/alarms", dict(THRESHOLD, name="x")),
        ("GET", f"/v2/alarms/{alarm_id}", None),
        ("PUT", f"/v2/alarms/{alarm_id}", dict(THRESHOLD, name="x")),
        ("DELETE", f"/v2/alarms/{alarm_id}", None),
        ("GET", f"/v2/alarms/{alarm_id}/state", None),
        ("PUT", f"/v2/alarms/{alarm_id}/state", "ok"),
        ("GET", f"/v2/alarms/{alarm_id}/history", None),
        ("GET", f"/v2/alarms/{alarm_id}/deliveries", None),
        ("POST", "/v2/query/alarms", {}),
        ("POST", "/v2/query/alarms/history", {}),
        ("GET", "/v2/quotas", None),
        ("GET", "/v2/metrics", None),
    ]


def _call(api: webtest.TestApp, method: str, path: str, body: Any,
          headers: dict[str, str]) -> webtest.TestResponse:
    if body is None:
        return api.request(path, method=method, headers=headers, expect_errors=True)
    return api.request(path, method=method, headers=headers, expect_errors=True,
                       body=json.dumps(body).encode(), content_type="application/json")


@pytest.mark.parametrize("caller", [NO_PROJECT, EMPTY_PROJECT], ids=["absent", "empty"])
def test_a_caller_without_a_project_is_refused_everywhere(api: webtest.TestApp,
                                                          caller: dict[str, str]) -> None:
    victim = _alarm(api, USER_A)
    for method, path, body in _requests(victim["alarm_id"]):
        response = _call(api, method, path, body, caller)
        assert response.status_int == 403, (method, path, response.text)
        assert victim["alarm_id"] not in response.text
        assert "proj-a" not in response.text
    # Nothing was changed or created by the refused calls.
    again = api.get(f"/v2/alarms/{victim['alarm_id']}", headers=USER_A).json
    assert again["name"] == "a" and again["state"] == "insufficient data"
    assert len(api.get("/v2/alarms", headers=ADMIN,
                       params={"q.field": "all_projects", "q.value": "true"}).json) == 1


def test_foreign_and_unknown_alarm_ids_answer_alike(api: webtest.TestApp) -> None:
    foreign = _alarm(api, USER_A)["alarm_id"]
    unknown = str(uuid.uuid4())
    for method, path, body in _requests(foreign):
        if foreign not in path:
            continue
        seen = _call(api, method, path, body, USER_B)
        other = _call(api, method, path.replace(foreign, unknown), body, USER_B)
        assert seen.status_int == other.status_int, (method, path)
        assert seen.status_int in (400, 404), (method, path, seen.text)
        assert seen.text.replace(foreign, unknown) == other.text, (method, path)
    assert api.get(f"/v2/alarms/{foreign}", headers=USER_A).json["name"] == "a"


def test_notification_methods_of_another_project_are_invisible(api: webtest.TestApp) -> None:
    method = _method(api, "tenant-a")
    path = f"/v2.0/notification-methods/{method['id']}"
    for caller in ({"X-Auth-Token": "tenant-b"}, NO_PROJECT, EMPTY_PROJECT):
        for verb, body in (("GET", None), ("PUT", {"name": "p", "type": "EMAIL",
                                                    "address": "evil@example.org"}),
                           ("PATCH", {"address": "evil@example.org"}), ("DELETE", None)):
            response = _call(api, verb, path, body, caller)
            assert response.status_int in (401, 403, 404), (caller, verb, response.text)
            assert "ops@example.org" not in response.text
    shown = api.get(path, headers={"X-Auth-Token": "tenant-a"}).json
    assert shown["address"] == "ops@example.org" and shown["name"] == "ops"


def test_an_admin_still_sees_every_project(api: webtest.TestApp) -> None:
    _alarm(api, USER_A)
    _alarm(api, USER_B)
    listed = api.get("/v2/alarms", headers=ADMIN,
                     params={"q.field": "all_projects", "q.value": "true"}).json
    assert {a["project_id"] for a in listed} == {"proj-a", "proj-b"}
    admin_without_project = {"X-User-Id": "root", "X-Roles": "admin"}
    found = api.post_json("/v2/query/alarms", {}, headers=admin_without_project).json
    assert len(found) == 2


def test_gnocchi_rules_read_only_the_callers_resources_and_metrics(
        api_services: tuple[webtest.TestApp, Any]) -> None:
    api, services = api_services
    services.gnocchi.owners.update({"their-server": "proj-b", "their-metric": "proj-b",
                                    "my-server": "proj-a", "my-metric": "proj-a"})
    base = {"threshold": 1, "aggregation_method": "mean"}

    def resources(resource_id: str) -> dict[str, Any]:
        return {"name": "g", "type": "gnocchi_resources_threshold",
                "gnocchi_resources_threshold_rule": dict(
                    base, metric="cpu", resource_id=resource_id, resource_type="instance")}

    def metrics(*ids: str) -> dict[str, Any]:
        return {"name": "g", "type": "gnocchi_aggregation_by_metrics_threshold",
                "gnocchi_aggregation_by_metrics_threshold_rule": dict(base, metrics=list(ids))}

    for body, what in ((resources("their-server"), "resource their-server"),
                       (metrics("my-metric", "their-metric"), "metric their-metric")):
        refused = api.post_json("/v2/alarms", body, headers=USER_A, status=401).json
        assert refused["error_message"]["faultstring"] == f"Not Authorized to access {what}"
    for body in (resources("my-server"), resources("not-in-gnocchi-yet"),
                 metrics("my-metric")):
        api.post_json("/v2/alarms", body, headers=USER_A, status=201)
    api.post_json("/v2/alarms", resources("their-server"), headers=ADMIN, status=201)
    assert len(api.get("/v2/alarms", headers=USER_A).json) == 3
