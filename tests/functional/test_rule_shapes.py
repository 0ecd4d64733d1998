"""Each rule's stored shape, defined once: nulls mean defaults or are refused, a rule
reads only its own project's data, and a broken stored alarm fails alone (issue 13,
sections 1 and 2) — on every backend."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
import sqlalchemy as sa
import webtest

from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.models import alarm_table
from alarmapi.storage.sql import SQLConnection
from tests.conftest import make_api
from tests.functional.test_evaluator_cycle import NOW, NOW_MS

OWN = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
VICTIM_TOKEN = {"X-Auth-Token": "victim"}
SECRET_VALUE = 31337.0


def _threshold(**rule: Any) -> dict[str, Any]:
    base = {"meter_name": "cpu", "threshold": 1, "comparison_operator": "gt"}
    return {"name": "t", "type": "threshold", "threshold_rule": {**base, **rule}}


def _gnocchi(**rule: Any) -> dict[str, Any]:
    base = {"metric": "cpu", "resource_id": "r1", "resource_type": "instance",
            "aggregation_method": "mean", "threshold": 1}
    return {"name": "g", "type": "gnocchi_resources_threshold",
            "gnocchi_resources_threshold_rule": {**base, **rule}}


@pytest.fixture
def api(storage: SQLConnection) -> webtest.TestApp:
    test_app, _services = make_api(storage.url)
    return test_app


@pytest.mark.parametrize(("body", "key", "default"), [
    (_threshold(evaluation_periods=None), "evaluation_periods", 1),
    (_threshold(period=None), "period", 60),
    (_threshold(statistic=None), "statistic", "avg"),
    (_threshold(query=None), "query", [{"field": "project_id", "op": "eq", "type": "",
                                        "value": "p1"}]),
    (_gnocchi(granularity=None), "granularity", 60),
    (_gnocchi(evaluation_periods=None), "evaluation_periods", 1),
])
def test_a_null_means_the_default(api: webtest.TestApp, body: dict[str, Any], key: str,
                                  default: Any) -> None:
    created = api.post_json("/v2/alarms", body, headers=OWN, status=201).json
    rule = created[f"{body['type']}_rule"]
    assert rule[key] == default
    assert api.get(f"/v2/alarms/{created['alarm_id']}", headers=OWN).json[
        f"{body['type']}_rule"][key] == default


@pytest.mark.parametrize(("body", "field"), [
    (_threshold(threshold=None), "threshold_rule.threshold"),
    (_threshold(meter_name=None), "threshold_rule.meter_name"),
    (_threshold(period=0), "period"),
    (_threshold(evaluation_periods=10**6), "threshold_rule.evaluation_periods"),
    (_threshold(period=10**9), "threshold_rule.period"),
    (_gnocchi(metric=None), "gnocchi_resources_threshold_rule.metric"),
    (_gnocchi(resource_id=None), "gnocchi_resources_threshold_rule.resource_id"),
    (_gnocchi(threshold=None), "gnocchi_resources_threshold_rule.threshold"),
    (_gnocchi(granularity=10**9), "granularity"),
])
def test_a_null_mandatory_field_is_refused(api: webtest.TestApp, body: dict[str, Any],
                                           field: str) -> None:
    response = api.post_json("/v2/alarms", body, headers=OWN, expect_errors=True)
    assert response.status_int == 400, response.text
    assert field in response.json["error_message"]["faultstring"]
    assert api.get("/v2/alarms", headers=OWN).json == []


LEAKING_QUERIES = [
    [{"field": "project_id", "value": "p1"}, {"field": "tenant_id", "value": "victim"}],
    [{"field": "tenant_id", "value": "victim"}],
    [{"field": "project_id", "value": "victim"}],
    [{"field": "tenant_id", "value": "victim"}, {"field": "project_id", "value": "p1"}],
]


@pytest.mark.parametrize("query", LEAKING_QUERIES)
def test_a_rule_cannot_name_another_project(api: webtest.TestApp,
                                            query: list[dict[str, str]]) -> None:
    plain = _threshold(query=query)
    leaf = {"name": "c", "type": "composite", "composite_rule": {"or": [
        {"type": "threshold", **plain["threshold_rule"]},
        {"type": "threshold", "meter_name": "mem", "threshold": 1}]}}
    for body in (plain, leaf):
        response = api.post_json("/v2/alarms", body, headers=OWN, expect_errors=True)
        assert response.status_int in (400, 401), response.text
    honest = api.post_json("/v2/alarms", _threshold(), headers=OWN, status=201).json
    replaced = dict(honest, threshold_rule=plain["threshold_rule"])
    response = api.put_json(f"/v2/alarms/{honest['alarm_id']}", replaced, headers=OWN,
                            expect_errors=True)
    assert response.status_int in (400, 401), response.text
    stored = api.get(f"/v2/alarms/{honest['alarm_id']}", headers=OWN).json
    assert {q["value"] for q in stored["threshold_rule"]["query"]} == {"p1"}


@pytest.mark.parametrize("dimensions", ["tenant_id=victim", "project_id=p1,tenant_id=victim",
                                        "project_id=victim"])
def test_an_expression_cannot_name_another_project(api: webtest.TestApp,
                                                   dimensions: str) -> None:
    body = {"name": "x", "expression": f"max(cpu{{{dimensions}}}) > 1"}
    response = api.post_json("/v2.0/alarms", body, headers={"X-Auth-Token": "p1"},
                             expect_errors=True)
    assert response.status_int in (400, 401, 403, 422), response.text
    assert api.get("/v2/alarms", headers=OWN).json == []


def _store_raw(storage: SQLConnection, alarm_id: str, rule_type: str, rule: Any,
               project: str = "p1") -> None:
    """Write an alarm row as an older release (or a bug) might have left it."""
    values = {"alarm_id": alarm_id, "name": alarm_id, "type": rule_type, "rule": rule,
              "project_id": project, "user_id": "u1", "enabled": True,
              "state": "insufficient data", "state_reason": "", "severity": "low",
              "repeat_actions": False, "description": "", "time_constraints": [],
              "ok_actions": [], "alarm_actions": [], "insufficient_data_actions": [],
              "timestamp": NOW, "state_timestamp": NOW, "evaluate_timestamp": NOW}
    columns = {c.name for c in alarm_table.columns}
    with storage.engine.begin() as conn:
        conn.execute(alarm_table.insert().values(
            **{k: v for k, v in values.items() if k in columns}))


#: A null stored by an older release means the default: evaluated as usual.
TOLERATED_RULES: list[tuple[str, Any]] = [
    ("threshold", {"meter_name": "cpu", "threshold": 1, "comparison_operator": "gt",
                   "evaluation_periods": None,
                   "period": None, "statistic": None, "query": None}),
]
BROKEN_RULES: list[tuple[str, Any]] = [
    ("threshold", {"meter_name": None, "threshold": 1}),
    ("threshold", {"meter_name": "cpu", "threshold": None}),
    ("threshold", {"meter_name": "cpu", "threshold": 1, "period": 2**70}),
    ("threshold", {"meter_name": "cpu", "threshold": 1, "evaluation_periods": 2**70}),
    ("threshold", {"meter_name": "cpu", "threshold": 1, "query": [None]}),
    ("threshold", {"meter_name": "cpu", "threshold": 1, "query": [
        {"field": "project_id", "value": "p1"}, {"field": "tenant_id", "value": "victim"}]}),
    ("composite", {"or": [{"type": "threshold", "meter_name": "cpu", "threshold": None}]}),
    ("composite", {"and": "nothing"}),
    ("threshold", []),
]


def test_broken_stored_alarms_fail_alone(storage: SQLConnection, api: webtest.TestApp
                                         ) -> None:
    api.post("/v2.0/metrics", json.dumps([
        {"name": "cpu", "dimensions": {}, "timestamp": NOW_MS - 30_000, "value": 50},
    ]), headers={"X-Auth-Token": "p1"}, content_type="application/json", status=204)
    api.post("/v2.0/metrics", json.dumps([
        {"name": "cpu", "dimensions": {}, "timestamp": NOW_MS - 30_000,
         "value": SECRET_VALUE}]), headers=VICTIM_TOKEN, content_type="application/json",
        status=204)
    for i, (rule_type, rule) in enumerate(BROKEN_RULES):
        _store_raw(storage, f"broken-{i:02d}", rule_type, rule)
    for i, (rule_type, rule) in enumerate(TOLERATED_RULES):
        _store_raw(storage, f"tolerated-{i:02d}", rule_type, rule)
    healthy = api.post_json("/v2/alarms", _threshold(), headers=OWN, status=201).json
    other = api.post_json("/v2/alarms", _threshold(threshold=100),
                          headers=dict(OWN, **{"X-Project-Id": "p2"}), status=201).json
    report = Evaluator(storage, clock=lambda: NOW, batch_size=4).run_cycle()
    assert report.failed == len(BROKEN_RULES)
    assert report.evaluated == 2 + len(TOLERATED_RULES)
    assert report.transitions == 1 + len(TOLERATED_RULES)
    assert storage.get_alarm("tolerated-00").state == "alarm"  # type: ignore[union-attr]
    assert api.get(f"/v2/alarms/{healthy['alarm_id']}", headers=OWN).json["state"] == "alarm"
    p2 = dict(OWN, **{"X-Project-Id": "p2"})
    assert api.get(f"/v2/alarms/{other['alarm_id']}", headers=p2).json["state"] == \
        "insufficient data"
    with storage.engine.connect() as conn:
        reasons = [r.state_reason for r in conn.execute(sa.select(alarm_table))]
    assert not any(str(SECRET_VALUE) in reason for reason in reasons)


def test_stored_shape_is_complete(api: webtest.TestApp, storage: SQLConnection) -> None:
    created = api.post_json("/v2/alarms", _threshold(period=None), headers=OWN,
                            status=201).json
    alarm = storage.get_alarm(created["alarm_id"])
    assert alarm is not None
    from alarmapi.rule_shapes import ThresholdShape

    shape = ThresholdShape.from_stored(alarm.rule)
    assert alarm.rule == {**alarm.rule, **shape.stored()}
    assert dataclasses.asdict(shape)["period"] == 60
