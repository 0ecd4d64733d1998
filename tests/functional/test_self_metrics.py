"""/metrics: the API's own metrics in Prometheus exposition, routes with their ids
replaced, the outbox read at each scrape, and no project's identity in any label."""

from __future__ import annotations

from typing import Any

import pytest
import webtest
from prometheus_client.parser import text_string_to_metric_families

from alarmapi import self_metrics
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
