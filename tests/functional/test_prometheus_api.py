"""prometheus alarms through the API: the scope each alarm gets, what GET shows of it,
read-modify-write of composite leaves, and queries that cannot be scoped."""

from __future__ import annotations

from typing import Any

import pytest
import webtest

from alarmapi import clock
from alarmapi.api.context import Services
from tests.conftest import ADMIN, USER_A, USER_B


def body(query: str = "up", **extra: Any) -> dict[str, Any]:
    return {"name": "p", "type": "prometheus", **extra,
            "prometheus_rule": {"query": query, "threshold": 1, "comparison_operator": "lt"}}


def stored_scope(services: Services, alarm_id: str) -> Any:
    alarm = services.storage.get_alarm(alarm_id)
    assert alarm is not None
    return alarm.rule["scope_to_project"]


@pytest.mark.parametrize(("headers", "extra", "scope"), [
    (USER_A, {}, "proj-a"),
    (ADMIN, {}, None),                                           # an admin's own: all
    (ADMIN, {"project_id": "proj-b", "user_id": "user-b"}, "proj-b"),
])
def test_each_alarm_gets_its_scope_and_get_hides_it(
        api_services: tuple[webtest.TestApp, Services], headers: dict[str, str],
        extra: dict[str, Any], scope: str | None) -> None:
    api, services = api_services
    created = api.post_json("/v2/alarms", body(**extra), headers=headers, status=201).json
    assert stored_scope(services, created["alarm_id"]) == scope
    shown = api.get(f"/v2/alarms/{created['alarm_id']}", headers=ADMIN).json
    assert shown["prometheus_rule"] == {"query": "up", "threshold": 1.0,
                                        "comparison_operator": "lt"}


def test_composite_leaves_show_the_alarms_own_scope_and_put_takes_it_back(
        api_services: tuple[webtest.TestApp, Services]) -> None:
    api, services = api_services
    leaf = {"type": "prometheus", "query": "up", "threshold": 1}
    created = api.post_json("/v2/alarms", {"name": "c", "type": "composite",
                                           "composite_rule": {"or": [leaf, leaf]}},
                            headers=USER_A, status=201).json
    alarm_id = created["alarm_id"]
    shown = api.get(f"/v2/alarms/{alarm_id}", headers=USER_A).json
    leaves = shown["composite_rule"]["or"]
    assert [leaf["scope_to_project"] for leaf in leaves] == ["proj-a", "proj-a"]
    leaves[0]["scope_to_project"] = "proj-b"       # a stranger's project is ignored
    for key in ("alarm_id", "timestamp", "state_timestamp", "evaluate_timestamp"):
        shown.pop(key, None)
    api.put_json(f"/v2/alarms/{alarm_id}", shown, headers=USER_A, status=200)
    alarm = services.storage.get_alarm(alarm_id)
    assert alarm is not None
    assert [leaf["scope_to_project"] for leaf in alarm.rule["or"]] == ["proj-a", "proj-a"]


def test_a_client_sent_scope_is_ignored(api_services: tuple[webtest.TestApp, Services]
                                        ) -> None:
    api, services = api_services
    sent = body()
    sent["prometheus_rule"]["scope_to_project"] = "proj-b"
    created = api.post_json("/v2/alarms", sent, headers=USER_A, status=201).json
    assert stored_scope(services, created["alarm_id"]) == "proj-a"


@pytest.mark.parametrize(("query", "why"), [
    ('up{job="a" or job="b"}', "label matchers joined with 'or' cannot be scoped"),
    ("up{", "not valid PromQL"),
    ("sum(", "not valid PromQL"),
])
def test_a_query_that_cannot_be_scoped_is_refused(api: webtest.TestApp, query: str,
                                                  why: str) -> None:
    fault = api.post_json("/v2/alarms", body(query), headers=USER_A,
                          status=400).json["error_message"]["faultstring"]
    assert fault.startswith("Invalid input for field/attribute query. Value: ")
    assert why in fault
    api.post_json("/v2/alarms", {"name": "c", "type": "composite", "composite_rule": {
        "type": "prometheus", "query": query, "threshold": 1}}, headers=USER_B, status=400)


def test_an_admins_own_unscoped_query_is_stored_as_written(api: webtest.TestApp) -> None:
    api.post_json("/v2/alarms", body('up{job="a" or job="b"}'), headers=ADMIN, status=201)


def test_heat_sends_every_unset_property_as_null(api: webtest.TestApp) -> None:
    heat = {"name": "heat-prom", "type": "prometheus", "description": None,
            "enabled": None, "alarm_actions": None, "ok_actions": None,
            "insufficient_data_actions": None, "repeat_actions": None, "severity": None,
            "time_constraints": None, "project_id": None, "user_id": None,
            "prometheus_rule": {"query": "up", "threshold": 3,
                                "comparison_operator": None}}
    created = api.post_json("/v2/alarms", heat, headers=USER_A, status=201).json
    assert created["prometheus_rule"] == {"query": "up", "threshold": 3.0,
                                          "comparison_operator": "eq"}
    assert (created["enabled"], created["repeat_actions"], created["severity"]) == (
        True, False, "low")


def test_a_broken_stored_rule_fails_alone_beside_good_ones(
        api_services: tuple[webtest.TestApp, Services]) -> None:
    from alarmapi import history, model
    from alarmapi.evaluator.prometheus import PrometheusSource
    from alarmapi.evaluator.service import Evaluator
    from tests.unit.test_promql import RecordingClient

    api, services = api_services
    good = api.post_json("/v2/alarms", body("up"), headers=USER_A, status=201).json
    other = api.post_json("/v2/alarms", body("up"), headers=USER_B, status=201).json
    now = clock.utcnow()
    broken = model.Alarm(alarm_id="broken-prom", name="b", type="prometheus",
                         rule={"threshold": "high"}, project_id="proj-a", user_id="user-a",
                         description="", timestamp=now, state_timestamp=now)
    services.storage.create_alarm(broken, history.record(
        broken, model.ChangeType.CREATION, history.alarm_detail(broken), user_id="user-a",
        project_id="proj-a", timestamp=now))
    client = RecordingClient([0.5])
    report = Evaluator(services.storage, sources=[PrometheusSource(client)]).run_cycle()  # type: ignore[arg-type]
    assert (report.failed, report.transitions) == (1, 2)
    assert sorted(client.sent) == ['up{project="proj-a"}', 'up{project="proj-b"}']
    assert api.get(f"/v2/alarms/{good['alarm_id']}", headers=USER_A).json["state"] == "alarm"
    assert api.get(f"/v2/alarms/{other['alarm_id']}", headers=USER_B).json["state"] == "alarm"
    shown = api.get("/v2/alarms/broken-prom", headers=ADMIN).json
    assert shown["evaluation_error"].startswith("the rule cannot be evaluated: ")
