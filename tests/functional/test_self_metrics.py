"""/metrics: the API's own metrics in Prometheus exposition, routes with their ids
replaced, the outbox read at each scrape, and no project's identity in any label."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import prometheus_client
import pytest
import webtest
from prometheus_client.parser import text_string_to_metric_families

from alarmapi import clock, self_metrics
from alarmapi.storage.base import EventRecord, StateChange
from tests.conftest import USER_A
from tests.notifying import transition


def samples(api: webtest.TestApp) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics by (name, sorted labels)."""
    answer = api.get("/metrics", status=200)
    assert answer.headers["Content-Type"].startswith("text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(answer.text)
            for s in family.samples}


def requests_of(found: dict[Any, float], route: str, method: str, status: str) -> float:
    key = ("alarmapi_http_requests_total",
           (("method", method), ("route", route), ("status", status)))
    return found.get(key, 0.0)


@pytest.fixture
def api(backend_api: tuple[webtest.TestApp, Any]) -> tuple[webtest.TestApp, Any]:
    return backend_api


def test_requests_are_counted_by_route(api: tuple[webtest.TestApp, Any]) -> None:
    app, _ = api
    before = samples(app)
    made = app.post_json("/v2/alarms", {"name": "m", "type": "event", "event_rule": {}},
                         headers=USER_A, status=201).json
    app.get(f"/v2/alarms/{made['alarm_id']}", headers=USER_A, status=200)
    app.get("/v2/alarms/no-such-alarm", headers=USER_A, status=404)
    app.get(f"/v2/alarms/{made['alarm_id']}/history", headers=USER_A, status=200)
    after = samples(app)
    for route, method, status in (("/v2/alarms", "POST", "201"),
                                  ("/v2/alarms/{id}", "GET", "200"),
                                  ("/v2/alarms/{id}", "GET", "404"),
                                  ("/v2/alarms/{id}/history", "GET", "200")):
        assert requests_of(after, route, method, status) - requests_of(
            before, route, method, status) == 1, (route, method, status)
    labels = {value for _name, pairs in after for _key, value in pairs}
    assert not labels & {made["alarm_id"], "proj-a", "user-a"}  # nobody's identity


def test_the_outbox_is_read_at_each_scrape(api: tuple[webtest.TestApp, Any]) -> None:
    app, services = api
    assert samples(app)[("alarmapi_outbox_pending", ())] == 0
    made = app.post_json("/v2/alarms", {
        "name": "o", "type": "event", "event_rule": {},
        "alarm_actions": ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"]},
        headers=USER_A, status=201).json
    alarm = services.storage.get_alarm(made["alarm_id"])
    transition(services.storage, alarm, "alarm")
    found = samples(app)
    assert found[("alarmapi_outbox_pending", ())] == 2
    assert found[("alarmapi_outbox_oldest_pending_age_seconds", ())] >= 0


def test_route_of_replaces_ids() -> None:
    assert self_metrics.route_of("/v2/alarms/3f2a/state") == "/v2/alarms/{id}/state"
    assert self_metrics.route_of("/v2.0/notification-methods/x1") == \
        "/v2.0/notification-methods/{id}"
    assert self_metrics.route_of("/v2/query/alarms/history") == "/v2/query/alarms/history"
    assert self_metrics.route_of("/") == "/"


def _transitions(by: str) -> float:
    return prometheus_client.REGISTRY.get_sample_value(
        "alarmapi_transitions_total", {"by": by}) or 0.0


def test_every_writer_s_transitions_are_counted_where_they_are_recorded(
        api: tuple[webtest.TestApp, Any]) -> None:
    """The storage's recorder counts them (issue 26.1): the API's state PUT and a
    Monasca state change too, which nothing counted before; a lost race counts none."""
    app, services = api
    storage = services.storage
    made = app.post_json("/v2/alarms", {"name": "t", "type": "event", "event_rule": {}},
                         headers=USER_A, status=201).json
    writers = ("api", "evaluator", "listener")
    before = {by: _transitions(by) for by in writers}
    app.put_json(f"/v2/alarms/{made['alarm_id']}/state", "alarm", headers=USER_A)
    tenant = {"X-Auth-Token": "proj-a"}
    monasca = app.post("/v2.0/alarms", json.dumps({"name": "m", "expression": "avg(cpu) > 9"}),
                       headers=tenant, content_type="application/json", status=201).json
    app.patch(f"/v2.0/alarms/{monasca['id']}", json.dumps({"state": "ALARM"}), headers=tenant,
              content_type="application/json", status=200)
    alarm = storage.get_alarm(made["alarm_id"])
    assert alarm is not None
    when = clock.utcnow()
    stale = dataclasses.replace(alarm, state="insufficient data")
    assert storage.record_transitions([StateChange(stale, "ok", "r", when, None, None)]) \
        == [False]  # the state moved meanwhile: nothing recorded, nothing counted
    assert storage.record_transitions([StateChange(alarm, "ok", "r", when, None, None)]) \
        == [True]
    alarm = storage.get_alarm(made["alarm_id"])
    assert alarm is not None
    assert storage.record_events([EventRecord("m-1", [StateChange(
        alarm, "alarm", "r", clock.utcnow(), None, None)], [alarm.alarm_id])],
        clock.utcnow()) == 1
    after = {by: _transitions(by) for by in writers}
    assert {by: after[by] - before[by] for by in writers} == {
        "api": 2, "evaluator": 1, "listener": 1}
