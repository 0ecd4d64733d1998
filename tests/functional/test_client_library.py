"""alarmapi.client's managers against an in-process alarmapi (requests handed to the WSGI
app instead of a socket; tests/integration/test_cli.py drives a real server)."""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import pytest
import webtest

from alarmapi.client import client, exc
from alarmapi.client.http import HTTPClient


class WSGIHTTPClient(HTTPClient):
    """The client's HTTP layer, answered by the WSGI app."""

    def __init__(self, app: webtest.TestApp, **kwargs: Any) -> None:
        super().__init__("http://localhost", **kwargs)
        self.app = app

    def _send(self, method: str, path: str, headers: dict[str, str], data: str | None,
              params: Any) -> tuple[int, str]:
        query = urllib.parse.urlencode(params or [], doseq=True)
        response = self.app.request(f"{path}?{query}" if query else path, method=method,
                                    headers=headers, body=(data or "").encode(),
                                    expect_errors=True)
        return response.status_int, response.text


@pytest.fixture
def c(api: webtest.TestApp) -> client.V2Client:
    return client.V2Client(WSGIHTTPClient(api, token="p1", user_id="u1", project_id="p1",
                                          roles=["reader", "member"]))


def test_alarms_through_both_apis(c: client.V2Client) -> None:
    method = c.notifications.create("ops", "EMAIL", "ops@example.org")
    assert c.notifications.types() == ["EMAIL", "WEBHOOK", "PAGERDUTY", "ALERTMANAGER"]
    made = c.expression_alarms.create("hot", "avg(cpu{host=a}) > 90", severity="HIGH",
                                      alarm_actions=[method["id"]])
    aodh = c.alarms.get(made["id"])
    assert (aodh["type"], aodh["severity"]) == ("threshold", "critical")
    assert [a["name"] for a in c.expression_alarms.list(dimensions={"host": "a"})] == ["hot"]
    c.alarms.patch(made["id"], description="patched", threshold_rule={"threshold": 95})
    assert c.expression_alarms.get(made["id"])["expression"] == "avg(cpu{host=a}) > 95"
    assert c.alarms.set_state(made["id"], "alarm") == "alarm"
    assert c.alarms.get_state(made["id"]) == "alarm"
    assert [h["new_state"] for h in c.expression_alarms.history(made["id"])] == ["ALARM"]
    assert [h["type"] for h in c.alarms.history(made["id"])][0] == "state transition"
    typed = c.alarms.create(name="disk", type="threshold",
                            threshold_rule={"meter_name": "disk", "threshold": 1})
    assert [a["name"] for a in c.alarms.list(sort=["name:asc"])] == ["disk", "hot"]
    assert [a["name"] for a in c.alarms.list(q=[{"field": "name", "value": "disk"}])] == [
        "disk"]
    assert [a["name"] for a in c.alarms.list(limit=1, sort=["name:asc"])] == ["disk"]
    found = c.alarms.query(filter={"=": {"name": "hot"}})
    assert [a["alarm_id"] for a in found] == [made["id"]]
    assert c.expression_alarms.patch(made["id"], actions_enabled=False)[
        "actions_enabled"] is False
    c.alarms.delete(typed["alarm_id"])
    with pytest.raises(exc.NotFound) as caught:
        c.alarms.get(typed["alarm_id"])
    assert caught.value.code == 404 and typed["alarm_id"] in caught.value.message
    assert c.capabilities.get()["api"]["alarms:expressions"] is True
    assert c.alarms.deliveries(made["id"]) == []


def test_errors_carry_the_servers_message(c: client.V2Client) -> None:
    with pytest.raises(exc.UnprocessableEntity) as monasca:
        c.expression_alarms.create("bad", "cpu >")
    assert "expected a number as the threshold" in monasca.value.message
    with pytest.raises(exc.BadRequest) as aodh:
        c.alarms.create(name="x", type="threshold", threshold_rule={})
    assert "meter_name" in aodh.value.message and aodh.value.code == 400
    assert isinstance(aodh.value, exc.HTTPException)


def test_metrics_and_pages(c: client.V2Client) -> None:
    now = time.time()
    for i in range(3):
        c.metrics.create(f"m{i}", float(i), {"host": "a"}, timestamp=now)
    c.metrics.create(jsonbody=[{"name": "raw", "dimensions": {}, "value": 1,
                                "timestamp": int(now * 1000)}])
    assert sorted(m["name"] for m in c.metrics.list()) == ["m0", "m1", "m2", "raw"]
    assert len(c.metrics.list(limit=2)) == 2
    assert [n["name"] for n in c.metrics.names()] == ["m0", "m1", "m2", "raw"]
    (series,) = c.metrics.measurements("m1", "2020-01-01T00:00:00Z")
    assert series["measurements"][0][1] == 1.0
    (stats,) = c.metrics.statistics("m2", "avg,max", "2020-01-01T00:00:00Z", period=60)
    assert stats["columns"] == ["timestamp", "avg", "max"]
    for i in range(5):
        c.notifications.create(f"n{i}", "EMAIL", f"n{i}@example.org")
    assert len(c.notifications.list()) == 5
    # Pages of 2: the manager follows the next links to the end.
    body = c.http_client.get("/v2.0/notification-methods", {"limit": 2})
    assert any(link["rel"] == "next" for link in body["links"])
    paged = c.notifications._elements("/v2.0/notification-methods", {"limit": 2})
    assert sorted(m["name"] for m in paged) == [f"n{i}" for i in range(5)]
    assert json.dumps(c.quotas.get())


def test_version_and_endpoint_are_checked() -> None:
    with pytest.raises(exc.CommandError):
        client.Client("3", "http://127.0.0.1:1")
    with pytest.raises(exc.CommandError):
        client.Client("2")
    unreachable = client.Client("2", "http://127.0.0.1:1", token="t", timeout=5)
    with pytest.raises(exc.ConnectionFailed):
        unreachable.capabilities.get()
