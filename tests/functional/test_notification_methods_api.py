"""/v2.0/notification-methods in-process: Monasca's shapes, validation, isolation."""

from __future__ import annotations

from typing import Any

import pytest
import webtest

BASE = "/v2.0/notification-methods"
P1 = {"X-Auth-Token": "p1"}
P2 = {"X-Auth-Token": "p2"}
READER = {"X-User-Id": "r", "X-Project-Id": "p1", "X-Roles": "reader"}


def create(api: webtest.TestApp, status: int = 201, headers: dict[str, str] = P1,
           **body: Any) -> Any:
    return api.post_json(BASE, body, headers=headers, status=status).json


def test_lifecycle(api: webtest.TestApp) -> None:
    made = create(api, name="ops", type="email", address="ops@example.org")
    assert set(made) == {"id", "links", "name", "type", "address", "period"}
    assert (made["type"], made["period"]) == ("EMAIL", 0)
    href = made["links"][0]["href"]
    assert href.endswith(f"{BASE}/{made['id']}")
    assert api.get(f"{BASE}/{made['id']}", headers=P1).json == made
    replaced = api.put_json(f"{BASE}/{made['id']}", {
        "name": "ops-hook", "type": "WEBHOOK", "address": "http://127.0.0.1:9/h",
        "period": 60}, headers=P1).json
    assert (replaced["name"], replaced["type"], replaced["period"]) == ("ops-hook", "WEBHOOK", 60)
    patched = api.patch_json(f"{BASE}/{made['id']}", {"period": 0}, headers=P1).json
    assert (patched["name"], patched["address"], patched["period"]) == (
        "ops-hook", "http://127.0.0.1:9/h", 0)
    api.delete(f"{BASE}/{made['id']}", headers=P1, status=204)
    api.get(f"{BASE}/{made['id']}", headers=P1, status=404)
    api.delete(f"{BASE}/{made['id']}", headers=P1, status=404)


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"type": "EMAIL", "address": "a@b.org"}, 400, "name is required"),
    ({"name": "n", "type": "SMS", "address": "555"}, 400,
     "Not a valid notification method type SMS"),
    ({"name": "n", "type": "EMAIL", "address": "nobody"}, 400, "is not of correct format"),
    ({"name": "n", "type": "WEBHOOK", "address": "http://169.254.169.254/meta"}, 400,
     "is in the denied network 169.254.0.0/16"),
    ({"name": "n", "type": "WEBHOOK", "address": "http://h/x", "period": 5}, 400,
     "5 is not a valid period"),
    ({"name": "n", "type": "EMAIL", "address": "a@b.org", "colour": "red"}, 400,
     "extra keys not allowed: colour"),
])
def test_bad_input(api: webtest.TestApp, body: dict[str, Any], status: int,
                   message: str) -> None:
    error = api.post_json(BASE, body, headers=P1, status=status).json
    assert error["title"] == "Bad Request" and message in error["description"]
    assert api.get(BASE, headers=P1).json["elements"] == []  # nothing half-made


def test_not_json_and_conflicts(api: webtest.TestApp) -> None:
    api.post(BASE, "{oops", headers=dict(P1, **{"Content-Type": "application/json"}),
             status=400)
    first = create(api, name="ops", type="EMAIL", address="a@b.org")
    conflict = create(api, status=409, name="ops", type="EMAIL", address="c@d.org")
    assert conflict["description"] == (
        f"A notification method with name ops already exists with id {first['id']}")
    other = create(api, name="other", type="EMAIL", address="c@d.org")
    api.put_json(f"{BASE}/{other['id']}", {"name": "ops", "type": "EMAIL",
                                           "address": "c@d.org"}, headers=P1, status=409)
    create(api, headers=P2, name="ops", type="EMAIL", address="a@b.org")  # other project


def test_projects_never_see_each_other(api: webtest.TestApp) -> None:
    mine = create(api, name="ops", type="EMAIL", address="a@b.org")
    assert api.get(BASE, headers=P2).json["elements"] == []
    for call in (api.get, api.delete):
        call(f"{BASE}/{mine['id']}", headers=P2, status=404)
    api.patch_json(f"{BASE}/{mine['id']}", {"name": "x"}, headers=P2, status=404)
    assert api.get(f"{BASE}/{mine['id']}", headers=P1).json["name"] == "ops"


def test_readers_read_only(api: webtest.TestApp) -> None:
    create(api, name="ops", type="EMAIL", address="a@b.org")
    assert len(api.get(BASE, headers=READER).json["elements"]) == 1
    api.post_json(BASE, {"name": "x", "type": "EMAIL", "address": "a@b.org"},
                  headers=READER, status=403)


def test_paging_sorting_and_types(api: webtest.TestApp) -> None:
    for name in ("c", "a", "b"):
        create(api, name=name, type="EMAIL", address=f"{name}@x.org")
    page = api.get(BASE, {"sort_by": "name desc", "limit": "2"}, headers=P1).json
    assert [m["name"] for m in page["elements"]] == ["c", "b"]
    (next_link,) = [link["href"] for link in page["links"] if link["rel"] == "next"]
    assert "offset=2" in next_link
    rest = api.get(BASE, {"sort_by": "name desc", "limit": "2", "offset": "2"}, headers=P1)
    assert [m["name"] for m in rest.json["elements"]] == ["a"]
    api.get(BASE, {"sort_by": "colour"}, headers=P1, status=422)
    types = api.get(f"{BASE}/types", headers=P1).json["elements"]
    assert types == [{"type": "EMAIL"}, {"type": "WEBHOOK"}, {"type": "PAGERDUTY"},
                     {"type": "ALERTMANAGER"}]


def test_alarm_actions_naming_methods(api: webtest.TestApp) -> None:
    method = create(api, name="ops", type="EMAIL", address="a@b.org")
    user = {"X-User-Id": "u", "X-Project-Id": "p1", "X-Roles": "member"}
    body = {"name": "a", "type": "threshold", "threshold_rule": {"meter_name": "m",
                                                                 "threshold": 1},
            "alarm_actions": [f"notification-method:{method['id']}", "mailto:x@y.org"]}
    made = api.post_json("/v2/alarms", body, headers=user).json
    assert made["alarm_actions"] == body["alarm_actions"]
    other = dict(user, **{"X-Project-Id": "p2"})
    refused = api.post_json("/v2/alarms", body, headers=other, status=400).json
    assert "does not exist" in refused["error_message"]["faultstring"]
    body["alarm_actions"] = ["mailto:"]
    api.post_json("/v2/alarms", body, headers=user, status=400)
    body["alarm_actions"] = ["http://[fe80::1]/x"]
    denied = api.post_json("/v2/alarms", body, headers=user, status=400).json
    assert "denied network fe80::/10" in denied["error_message"]["faultstring"]
    caps = api.get("/v2/capabilities").json["api"]
    assert caps["alarms:deliveries"] and caps["alarms:actions:notification_method"]


@pytest.mark.parametrize("url", [
    "http://[::169.254.169.254]/", "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::1]/", "http://[::]/", "http://[::ffff:169.254.169.254]/",
    "http://[2001:0:4136:e378:8000:63bf:5601:5601]/"])
def test_ipv4_embedded_in_ipv6_is_checked(api: webtest.TestApp, url: str) -> None:
    user = {"X-User-Id": "u", "X-Project-Id": "p1", "X-Roles": "reader,member"}
    body = {"name": "a", "type": "event", "event_rule": {}, "alarm_actions": [url]}
    refused = api.post_json("/v2/alarms", body, headers=user, status=400).json
    assert "is in the denied network" in refused["error_message"]["faultstring"]
    method = {"name": "n", "type": "WEBHOOK", "address": url}
    refused = api.post_json("/v2.0/notification-methods", method,
                            headers={"X-Auth-Token": "p1"}, status=400).json
    assert "is in the denied network" in refused["description"]
    assert api.get("/v2/alarms", headers=user).json == []


def test_alertmanager_actions_and_methods(api: webtest.TestApp) -> None:
    user = {"X-User-Id": "u", "X-Project-Id": "p1", "X-Roles": "reader,member"}
    body = {"name": "a", "type": "event", "event_rule": {},
            "alarm_actions": ["alertmanager://127.0.0.1:9093", "alertmanager+https://am/x"]}
    made = api.post_json("/v2/alarms", body, headers=user).json
    assert made["alarm_actions"] == body["alarm_actions"]
    for url in ("alertmanager://169.254.169.254", "alertmanager://[::169.254.169.254]:80"):
        body["alarm_actions"] = [url]
        refused = api.post_json("/v2/alarms", body, headers=user, status=400).json
        assert "is in the denied network" in refused["error_message"]["faultstring"]
    method = create(api, name="am", type="ALERTMANAGER", address="http://127.0.0.1:9093")
    assert (method["type"], method["period"]) == ("ALERTMANAGER", 0)
    refused = api.post_json("/v2.0/notification-methods", {
        "name": "bad", "type": "ALERTMANAGER", "address": "http://169.254.169.254/"},
        headers={"X-Auth-Token": "p1"}, status=400).json
    assert "denied network" in refused["description"]
    types = api.get("/v2.0/notification-methods/types", headers={"X-Auth-Token": "p1"}).json
    assert {"type": "ALERTMANAGER"} in types["elements"]
    assert api.get("/v2/capabilities").json["api"]["alarms:actions:alertmanager"] is True
