"""Alarm API behaviour beyond the recorded transcripts: round trips, owners, scoping."""

from __future__ import annotations

from typing import Any

import pytest
import webtest

from tests.conftest import ADMIN, USER_A, USER_B

PROM = {"query": "up", "threshold": 1, "comparison_operator": "lt"}
GNOCCHI = {"metric": "cpu", "resource_id": "r1", "resource_type": "instance",
           "threshold": 80, "aggregation_method": "mean"}
BODIES: dict[str, dict[str, Any]] = {
    "threshold": {"threshold_rule": {"meter_name": "cpu", "threshold": 90,
                                     "query": [{"field": "host", "value": "a"}]}},
    "gnocchi_resources_threshold": {"gnocchi_resources_threshold_rule": GNOCCHI},
    "gnocchi_aggregation_by_metrics_threshold": {
        "gnocchi_aggregation_by_metrics_threshold_rule": {
            "metrics": ["m1"], "threshold": 1, "aggregation_method": "max"}},
    "gnocchi_aggregation_by_resources_threshold": {
        "gnocchi_aggregation_by_resources_threshold_rule": {
            "metric": "cpu", "resource_type": "instance", "query": '{"=": {"a": 1}}',
            "threshold": 1, "aggregation_method": "max"}},
    "composite": {"composite_rule": {"or": [dict(PROM, type="prometheus"), {"and": [
        dict(GNOCCHI, type="gnocchi_resources_threshold"),
        {"type": "threshold", "meter_name": "m", "threshold": 2}]}]}},
    "event": {"event_rule": {"event_type": "compute.*"}},
    "prometheus": {"prometheus_rule": PROM},
    "loadbalancer_member_health": {"loadbalancer_member_health_rule": {
        "pool_id": "p", "stack_id": "s", "autoscaling_group_id": "g"}},
}


def create(api: webtest.TestApp, alarm_type: str, headers: dict[str, str] = USER_A,
           **extra: Any) -> dict[str, Any]:
    body = {"name": f"{alarm_type}-alarm", "type": alarm_type, **BODIES[alarm_type], **extra}
    return api.post_json("/v2/alarms", body, headers=headers, status=201).json  # type: ignore


@pytest.mark.parametrize("alarm_type", sorted(BODIES))
def test_get_then_put_unchanged_is_accepted(api: webtest.TestApp, alarm_type: str) -> None:
    """aodhclient updates by read-modify-write: every field a GET shows goes back in."""
    alarm = create(api, alarm_type)
    shown = api.get(f"/v2/alarms/{alarm['alarm_id']}", headers=USER_A).json
    again = api.put_json(f"/v2/alarms/{alarm['alarm_id']}", shown, headers=USER_A).json
    volatile = ("timestamp",)
    assert {k: v for k, v in again.items() if k not in volatile} == {
        k: v for k, v in shown.items() if k not in volatile}
    history = api.get(f"/v2/alarms/{alarm['alarm_id']}/history", headers=USER_A).json
    assert [h["type"] for h in history] == ["creation"]


def test_threshold_defaults_and_scope(api: webtest.TestApp) -> None:
    alarm = create(api, "threshold")
    assert alarm["description"] == "Alarm when cpu is eq a avg of 90.0 over 60 seconds"
    rule = alarm["threshold_rule"]
    assert (rule["period"], rule["statistic"], rule["evaluation_periods"]) == (60, "avg", 1)
    assert rule["exclude_outliers"] is False
    assert {"field": "project_id", "op": "eq", "type": "", "value": "proj-a"} in rule["query"]


def test_put_keeps_owner_and_evaluation(api: webtest.TestApp) -> None:
    member = dict(USER_A, **{"X-User-Id": "user-a2"})
    alarm = create(api, "event")
    body = {"name": "renamed", "type": "event", "event_rule": {}}
    updated = api.put_json(f"/v2/alarms/{alarm['alarm_id']}", body, headers=member).json
    assert updated["user_id"] == "user-a"
    assert updated["evaluate_timestamp"] == alarm["evaluate_timestamp"]


def test_other_project_sees_and_touches_nothing(api: webtest.TestApp) -> None:
    alarm = create(api, "event")
    path = f"/v2/alarms/{alarm['alarm_id']}"
    for method, url, body in (("GET", path, None), ("PUT", path, {"name": "x", "type": "event",
                              "event_rule": {}}), ("DELETE", path, None),
                              ("GET", path + "/state", None), ("PUT", path + "/state", "ok"),
                              ("GET", path + "/history", None)):
        response = api.request(url, method=method, headers=USER_B, expect_errors=True,
                               body=b"" if body is None else __import__("json").dumps(
                                   body).encode(), content_type="application/json")
        assert response.status_int == 404, (method, url)
    assert api.get("/v2/alarms", headers=USER_B).json == []
    assert api.get(f"/v2/alarms?limit=1&marker={alarm['alarm_id']}", headers=USER_B,
                   status=400).json["error_message"]["faultstring"].startswith("Invalid input")
    assert api.post_json("/v2/query/alarms", {}, headers=USER_B).json == []
    assert api.post_json("/v2/query/alarms/history", {}, headers=USER_B).json == []
    assert api.post_json("/v2/query/alarms", {"filter": '{"=": {"project_id": "proj-a"}}'},
                         headers=USER_B, status=401)
    assert api.get(path, headers=USER_A).json["name"] == alarm["name"]


def test_quota_get_writes_nothing_and_project_quota_counts_project(
        api_services: Any) -> None:
    api, services = api_services
    assert api.get("/v2/quotas", headers=USER_A).json == {
        "project_id": "proj-a", "quotas": [{"resource": "alarms", "limit": -1}]}
    assert services.storage.get_quotas("proj-a") == []
    api.post_json("/v2/quotas", {"project_id": "proj-a", "quotas": [
        {"resource": "alarms", "limit": 2}]}, headers=ADMIN, status=201)
    create(api, "event")
    create(api, "event", headers=dict(USER_A, **{"X-User-Id": "user-a2"}))
    error = api.post_json("/v2/alarms", {"name": "x", "type": "event", "event_rule": {}},
                          headers=dict(USER_A, **{"X-User-Id": "user-a3"}), status=403)
    assert "quota exceeded" in error.json["error_message"]["faultstring"]


def test_list_filters_aodh_answers_500_for(api: webtest.TestApp) -> None:
    create(api, "event", enabled=False, severity="critical")
    create(api, "prometheus", severity="moderate")
    assert len(api.get("/v2/alarms?q.field=enabled&q.value=false", headers=USER_A).json) == 1
    ranked = api.get("/v2/alarms?sort=severity:desc", headers=USER_A).json
    assert [a["severity"] for a in ranked] == ["critical", "moderate"]
    assert api.get("/v2/alarms?sort=name:up", headers=USER_A, status=400)
    bad = api.post("/v2/alarms", "[1,2]", headers=USER_A, content_type="application/json",
                   status=400)
    assert "JSON object" in bad.json["error_message"]["faultstring"]


def test_state_put_records_history_and_keeps_evaluation(api: webtest.TestApp) -> None:
    alarm = create(api, "threshold")
    path = f"/v2/alarms/{alarm['alarm_id']}"
    assert api.put_json(path + "/state", "alarm", headers=USER_A).json == "alarm"
    assert api.put_json(path + "/state", {"x": 1}, headers=USER_A, status=400)
    shown = api.get(path, headers=USER_A).json
    assert (shown["state"], shown["state_reason"]) == ("alarm", "Manually set via API")
    assert shown["evaluate_timestamp"] is not None
    history = api.get(path + "/history?q.field=type&q.value=state+transition",
                      headers=USER_A).json
    assert len(history) == 1


def test_xml(api: webtest.TestApp) -> None:
    alarm = create(api, "event")
    xml = api.get(f"/v2/alarms/{alarm['alarm_id']}",
                  headers=dict(USER_A, Accept="application/xml"))
    assert xml.content_type == "application/xml"
    assert f"<alarm_id>{alarm['alarm_id']}</alarm_id>" in xml.text


def test_every_method_gnocchi_lists_is_accepted(api: webtest.TestApp) -> None:
    """As in Aodh; the ones Gnocchi cannot reduce across metrics are combined by
    alarmapi (tests/integration/test_gnocchi_evaluation.py)."""
    body = {"name": "x", "type": "gnocchi_aggregation_by_metrics_threshold",
            "gnocchi_aggregation_by_metrics_threshold_rule": {
                "metrics": ["m1", "m2"], "threshold": 1, "aggregation_method": "last"}}
    for method in ("last", "95pct", "rate:max", "rate:last"):
        body["gnocchi_aggregation_by_metrics_threshold_rule"]["aggregation_method"] = method
        api.post_json("/v2/alarms", body, headers=ADMIN, status=201)
    body["gnocchi_aggregation_by_metrics_threshold_rule"]["aggregation_method"] = "median2"
    error = api.post_json("/v2/alarms", body, headers=ADMIN, status=400).json
    assert "aggregation_method should be in" in error["error_message"]["faultstring"]


def test_capabilities_in_the_seed_form(api: webtest.TestApp) -> None:
    """Flattened booleans under api and alarm_storage only; every extension under api."""
    from alarmapi.api.v2.capabilities import API, EXTENSIONS

    caps = api.get("/v2/capabilities").json
    assert set(caps) == {"api", "alarm_storage"}
    assert caps["api"] == {**API, **EXTENSIONS}
    assert all(value is True for value in caps["api"].values())
    xml = api.get("/v2/capabilities", headers={"Accept": "application/xml"}).text
    assert "<key>alarms:put:if_match</key>" in xml and "<extensions>" not in xml
