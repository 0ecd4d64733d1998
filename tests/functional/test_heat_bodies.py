"""The bodies Heat's OS::Aodh::* resources send: every property a template did not give
is JSON null (nested ones too), repeat_actions is true; OS::Aodh::Alarm queries name
metadata.user_metadata.<k> / metadata.metering.<k>. Each resource type's create and its
update (GET, merge the changed properties, PUT) are accepted, and nulls mean defaults."""

from __future__ import annotations

from typing import Any

import pytest
import webtest

from alarmapi.api.context import Services
from tests.conftest import USER_A

COMMON = {"description": None, "enabled": None, "alarm_actions": None, "ok_actions": None,
          "insufficient_data_actions": None, "repeat_actions": True, "severity": None,
          "time_constraints": [{"name": "nightly", "start": "0 23 * * *", "duration": 3600,
                                "timezone": None, "description": None}]}
GNOCCHI = {"aggregation_method": "mean", "granularity": None, "evaluation_periods": None,
           "comparison_operator": None, "threshold": 80}
#: resource type -> (alarm type, rule as Heat sends it, a changed property of the rule)
RESOURCES: dict[str, tuple[str, dict[str, Any], tuple[str, Any]]] = {
    "OS::Aodh::Alarm": ("threshold", {
        "meter_name": "cpu_util", "threshold": 50, "period": None, "evaluation_periods": None,
        "statistic": None, "comparison_operator": None, "exclude_outliers": None,
        "query": [{"field": "metadata.user_metadata.stack", "op": None, "value": "s1"},
                  {"field": "metadata.metering.server_group", "op": "eq", "value": "g1"}]},
        ("threshold", 70)),
    "OS::Aodh::GnocchiResourcesAlarm": ("gnocchi_resources_threshold", {
        **GNOCCHI, "metric": "cpu", "resource_id": "server-1", "resource_type": "instance"},
        ("threshold", 90)),
    "OS::Aodh::GnocchiAggregationByMetricsAlarm": (
        "gnocchi_aggregation_by_metrics_threshold", {**GNOCCHI, "metrics": ["metric-1"]},
        ("evaluation_periods", 3)),
    "OS::Aodh::GnocchiAggregationByResourcesAlarm": (
        "gnocchi_aggregation_by_resources_threshold", {
            **GNOCCHI, "metric": "cpu", "resource_type": "instance",
            "query": '{"=": {"server_group": "g1"}}'}, ("comparison_operator", "gt")),
    "OS::Aodh::EventAlarm": ("event", {"event_type": None, "query": None},
                             ("event_type", "compute.instance.update")),
    "OS::Aodh::LBMemberHealthAlarm": ("loadbalancer_member_health", {
        "pool_id": "pool-1", "stack_id": "stack-1", "autoscaling_group_id": "asg-1"},
        ("autoscaling_group_id", "asg-2")),
    "OS::Aodh::PrometheusAlarm": ("prometheus", {
        "query": "cpu_usage", "threshold": 80, "comparison_operator": None},
        ("threshold", 60)),
    "OS::Aodh::CompositeAlarm": ("composite", {"or": [
        {"type": "gnocchi_resources_threshold", **GNOCCHI, "metric": "cpu",
         "resource_id": "server-1", "resource_type": "instance"},
        {"type": "prometheus", "query": "up", "threshold": 1, "comparison_operator": None}]},
        ("or", None)),
}
DEFAULTS = {"period": 60, "evaluation_periods": 1, "statistic": "avg",
            "comparison_operator": "eq", "granularity": 60, "event_type": "*", "query": []}


def nulls_became_defaults(sent: dict[str, Any], shown: dict[str, Any]) -> None:
    for key, value in sent.items():
        if value is None and key in DEFAULTS:
            assert shown[key] == DEFAULTS[key], (key, shown)


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_heat_create_and_update(resource: str,
                                api_services: tuple[webtest.TestApp, Services]) -> None:
    api, services = api_services
    services.gnocchi.owners = {"server-1": "proj-a", "metric-1": "proj-a"}  # type: ignore[attr-defined]
    alarm_type, rule, (changed, value) = RESOURCES[resource]
    attribute = f"{alarm_type}_rule"
    body = {"name": f"stack-{alarm_type}", "type": alarm_type, **COMMON, attribute: rule}
    created = api.post_json("/v2/alarms", body, headers=USER_A, status=201).json
    assert (created["enabled"], created["severity"], created["repeat_actions"]) == (
        True, "low", True)
    assert created["alarm_actions"] == [] and created["description"]
    assert created["time_constraints"][0]["timezone"] in ("", None)
    if alarm_type == "composite":
        for sent, leaf in zip(rule["or"], created[attribute]["or"], strict=True):
            nulls_became_defaults(sent, leaf)
    else:
        nulls_became_defaults(rule, created[attribute])
    for item in created[attribute].get("query") or []:
        if isinstance(item, dict):
            assert item["op"] == "eq"

    # Heat's update: the alarm as read, the changed properties merged in (the
    # unchanged ones sent again as Heat has them, nulls included), PUT
    shown = api.get(f"/v2/alarms/{created['alarm_id']}", headers=USER_A).json
    update = {**shown, **COMMON, attribute: {**rule}}
    if changed == "or":
        update[attribute] = {"and": rule["or"]}
    else:
        update[attribute][changed] = value
    put = api.put_json(f"/v2/alarms/{created['alarm_id']}", update, headers=USER_A,
                       status=200).json
    after = api.get(f"/v2/alarms/{created['alarm_id']}", headers=USER_A).json
    assert after == put
    if changed == "or":
        assert list(after[attribute]) == ["and"]
    else:
        assert after[attribute][changed] == value
        nulls_became_defaults({k: v for k, v in rule.items() if k != changed}, after[attribute])
