"""/v2.0/alarms in-process: alarms written as Monasca expressions are ordinary alarms,
seen in each API's own words, evaluated by the evaluator."""

from __future__ import annotations

import json
from typing import Any

import pytest
import webtest

from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.models import alarm_table
from alarmapi.storage.sql import SQLConnection
from tests.conftest import make_api
from tests.functional.test_evaluator_cycle import NOW, NOW_MS

BASE = "/v2.0/alarms"
P1 = {"X-Auth-Token": "p1"}
P2 = {"X-Auth-Token": "p2"}
AODH_P1 = {"X-User-Id": "p1", "X-Project-Id": "p1", "X-Roles": "reader,member"}


def create(api: webtest.TestApp, headers: dict[str, str] = P1, status: int = 201,
           **body: Any) -> Any:
    return api.post_json(BASE, body, headers=headers, status=status).json


def method(api: webtest.TestApp, headers: dict[str, str] = P1) -> str:
    return str(api.post_json("/v2.0/notification-methods", {
        "name": f"m-{headers['X-Auth-Token']}", "type": "EMAIL", "address": "ops@example.org"},
        headers=headers).json["id"])


def test_lifecycle(api: webtest.TestApp) -> None:
    ops = method(api)
    made = create(api, name="cpu-high", expression="avg(cpu{host=a}) > 90 times 2",
                  severity="high", description="hot", alarm_actions=[ops])
    assert set(made) == {"id", "links", "name", "description", "expression", "expression_data",
                         "state", "severity", "actions_enabled", "alarm_actions", "ok_actions",
                         "undetermined_actions"}
    assert (made["severity"], made["state"], made["actions_enabled"]) == (
        "HIGH", "UNDETERMINED", True)
    assert made["alarm_actions"] == [ops]
    assert made["expression_data"] == {"function": "AVG", "metric_name": "cpu", "period": 60,
                                       "threshold": 90.0, "periods": 2, "operator": "GT",
                                       "dimensions": {"host": "a"}}
    href = f"{BASE}/{made['id']}"
    assert [link["rel"] for link in made["links"]] == ["self", "history"]
    assert made["links"][0]["href"].endswith(href)
    assert api.get(href, headers=P1).json == made

    # The same alarm through the Aodh API, in Aodh's words.
    aodh = api.get(f"/v2/alarms/{made['id']}", headers=AODH_P1).json
    assert (aodh["type"], aodh["severity"], aodh["state"]) == (
        "threshold", "critical", "insufficient data")
    assert aodh["alarm_actions"] == [f"notification-method:{ops}"]
    assert aodh["threshold_rule"]["statistic"] == "avg"
    assert aodh["threshold_rule"]["evaluation_periods"] == 2

    patched = api.patch_json(href, {"actions_enabled": False, "state": "alarm"},
                             headers=P1).json
    assert (patched["actions_enabled"], patched["state"], patched["expression"]) == (
        False, "ALARM", made["expression"])
    assert (patched["severity"], patched["alarm_actions"]) == ("HIGH", [ops])
    replaced = api.put_json(href, {"name": "cpu-low", "expression": "cpu < 5"},
                            headers=P1).json
    assert (replaced["name"], replaced["expression"], replaced["severity"]) == (
        "cpu-low", "cpu < 5", "LOW")
    assert (replaced["actions_enabled"], replaced["alarm_actions"], replaced["state"]) == (
        True, [], "ALARM")
    history = api.get(f"{href}/state-history", headers=P1).json["elements"]
    assert [(h["old_state"], h["new_state"]) for h in history] == [("UNDETERMINED", "ALARM")]
    assert history[0]["metrics"] == [{"name": "cpu", "dimensions": {}}]  # as it is now
    api.delete(href, headers=P1, status=204)
    api.get(href, headers=P1, status=404)
    api.delete(href, headers=P1, status=404)


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"expression": "cpu > 1"}, 422, "name is required"),
    ({"name": "n"}, 422, "expression is required"),
    ({"name": "n", "expression": "cpu >"}, 422,
     "The alarm expression is invalid: expected a number as the threshold at position 6"),
    ({"name": "n", "expression": "avg(cpu, 45) > 1"}, 422, "multiple of 60, not 45"),
    ({"name": "n", "expression": "cpu > 1", "severity": "URGENT"}, 422,
     "severity 'URGENT' must be one of LOW, MEDIUM, HIGH, CRITICAL"),
    ({"name": "n", "expression": "cpu > 1", "state": "FIRING"}, 422,
     "state 'FIRING' must be one of OK, ALARM, UNDETERMINED"),
    ({"name": "n", "expression": "cpu > 1", "actions_enabled": "yes"}, 422,
     "actions_enabled must be true or false"),
    ({"name": "n", "expression": "cpu > 1", "alarm_actions": "abc"}, 422,
     "alarm_actions must be a list of notification method ids"),
    ({"name": "n", "expression": "cpu > 1", "alarm_actions": ["no-such-method"]}, 400,
     "notification method no-such-method does not exist"),
    ({"name": "n", "expression": "cpu > 1", "match_by": ["host"]}, 422,
     "Unknown field(s): match_by"),
    ({"name": 7, "expression": "cpu > 1"}, 422, "name must be a string"),
])
def test_bad_input(api: webtest.TestApp, body: dict[str, Any], status: int,
                   message: str) -> None:
    error = api.post_json(BASE, body, headers=P1, status=status).json
    assert message in error["description"], error
    assert api.get(BASE, headers=P1).json["elements"] == []  # nothing half-made
    assert api.get("/v2/alarms", headers=AODH_P1).json == []


def test_not_json(api: webtest.TestApp) -> None:
    api.post(BASE, "{oops", headers=dict(P1, **{"Content-Type": "application/json"}),
             status=400)
    api.post_json(BASE, ["a"], headers=P1, status=400)


def test_tenants_are_isolated(api: webtest.TestApp) -> None:
    mine = create(api, name="a", expression="cpu > 1")
    assert api.get(BASE, headers=P2).json["elements"] == []
    for verb in ("get", "delete"):
        getattr(api, verb)(f"{BASE}/{mine['id']}", headers=P2, status=404)
    api.patch_json(f"{BASE}/{mine['id']}", {"name": "b"}, headers=P2, status=404)
    api.get(f"{BASE}/{mine['id']}/state-history", headers=P2, status=404)
    # Another tenant's notification method cannot be named.
    theirs = method(api, P2)
    error = create(api, status=400, name="b", expression="cpu > 1", alarm_actions=[theirs])
    assert "does not exist" in error["description"]
    api.get(BASE, status=401)


def test_edits_through_v2_show_as_expressions(api: webtest.TestApp) -> None:
    made = create(api, name="a", expression="cpu1>10", severity="HIGH")
    href = f"/v2/alarms/{made['id']}"
    # aodhclient's read-modify-write keeps what only /v2.0 shows.
    api.patch_json(f"{BASE}/{made['id']}", {"actions_enabled": False}, headers=P1)
    alarm = api.get(href, headers=AODH_P1).json
    api.put_json(href, alarm, headers=AODH_P1)
    kept = api.get(f"{BASE}/{made['id']}", headers=P1).json
    assert (kept["expression"], kept["severity"], kept["actions_enabled"]) == (
        "cpu1>10", "HIGH", False)
    # A rule changed through /v2 is written out from the rule.
    alarm["threshold_rule"].update(threshold=20, statistic="avg", evaluation_periods=3)
    alarm["severity"] = "moderate"
    api.put_json(href, alarm, headers=AODH_P1)
    shown = api.get(f"{BASE}/{made['id']}", headers=P1).json
    assert (shown["expression"], shown["severity"]) == ("avg(cpu1) > 20 times 3", "MEDIUM")
    # A rule with no expression is not a /v2.0 alarm.
    alarm["threshold_rule"]["query"].append({"field": "host", "op": "ne", "value": "x"})
    api.put_json(href, alarm, headers=AODH_P1)
    api.get(f"{BASE}/{made['id']}", headers=P1, status=404)
    assert api.get(BASE, headers=P1).json["elements"] == []


def test_list_filters_and_pages(api: webtest.TestApp) -> None:
    ids = [create(api, name=f"a{i}", expression=f"cpu{{host=h{i % 2}}} > {i}")["id"]
           for i in range(5)]
    create(api, name="other", expression="mem{host=h0} < 1 or disk{host=h9} > 2")
    api.patch_json(f"{BASE}/{ids[0]}", {"state": "OK"}, headers=P1)

    def names(query: str) -> list[str]:
        return sorted(e["name"] for e in api.get(f"{BASE}{query}", headers=P1).json["elements"])

    assert names("?name=a3") == ["a3"]
    assert names("?state=ok") == ["a0"]
    assert names("?dimensions=host:h1") == ["a1", "a3"]
    assert names("?dimensions=host:h9") == ["other"]
    assert names("?dimensions=host") == ["a0", "a1", "a2", "a3", "a4", "other"]
    seen: list[str] = []
    url = f"{BASE}?limit=2"
    for _ in range(10):  # bounded
        page = api.get(url, headers=P1).json
        seen += [e["name"] for e in page["elements"]]
        following = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not following:
            break
        url = following[0].replace("http://localhost", "")
    assert sorted(seen) == ["a0", "a1", "a2", "a3", "a4", "other"]
    api.get(f"{BASE}?state=firing", headers=P1, status=422)
    api.get(f"{BASE}?offset=nope", headers=P1, status=400)
    api.get(f"{BASE}?limit=0", headers=P1, status=422)


def test_severities_and_states_in_each_vocabulary(api: webtest.TestApp) -> None:
    pairs = {"LOW": "low", "MEDIUM": "moderate", "HIGH": "critical", "CRITICAL": "critical"}
    for word, aodh in pairs.items():
        made = create(api, name=word, expression="x > 1", severity=word.lower())
        assert made["severity"] == word
        assert api.get(f"/v2/alarms/{made['id']}", headers=AODH_P1).json["severity"] == aodh
    for word, aodh in {"OK": "ok", "ALARM": "alarm", "UNDETERMINED": "insufficient data"
                       }.items():
        made = create(api, name=f"s-{word}", expression="x > 1", state=word)
        assert made["state"] == word
        assert api.get(f"/v2/alarms/{made['id']}/state", headers=AODH_P1).json == aodh


def post(api: webtest.TestApp, name: str, values: list[float], **dims: str) -> None:
    body = [{"name": name, "dimensions": dims, "value": v,
             "timestamp": NOW_MS - (len(values) - i) * 60_000 + 30_000 + offset}
            for i, v in enumerate(values) for offset in (0, 1000)]
    api.post("/v2.0/metrics", json.dumps(body), headers=P1, content_type="application/json",
             status=204)


def test_expression_alarms_are_evaluated(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    ops = method(api)
    quiet = create(api, name="quiet", expression="avg(cpu{host=a}) > 90", alarm_actions=[ops],
                   actions_enabled=False)
    loud = create(api, name="loud", expression="last(cpu{host=a}) > 90 and mem < 10",
                  alarm_actions=[ops])
    post(api, "cpu", [95], host="a")
    post(api, "mem", [5])
    evaluator = Evaluator(storage, clock=lambda: NOW)
    assert evaluator.run_cycle().transitions == 2
    for made in (quiet, loud):
        assert api.get(f"{BASE}/{made['id']}", headers=P1).json["state"] == "ALARM"
    assert storage.outbox.records(quiet["id"]) == []  # actions disabled: nobody told
    (job,) = storage.outbox.records(loud["id"])
    assert job.action == f"notification-method:{ops}"
    (entry,) = api.get(f"{BASE}/{quiet['id']}/state-history", headers=P1).json["elements"]
    assert (entry["old_state"], entry["new_state"]) == ("UNDETERMINED", "ALARM")
    assert entry["reason"].startswith("Transition to alarm due to 1 samples outside")
    assert json.loads(entry["reason_data"])["most_recent"] == 95.0
    everything = api.get(f"{BASE}/state-history?dimensions=host:a", headers=P1).json
    assert sorted(e["alarm_id"] for e in everything["elements"]) == sorted(
        [quiet["id"], loud["id"]])
    services.storage.dispose()


def test_last_is_the_newest_value_of_each_period(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    # Per minute: a high value, then a low one 1 s later: avg is high, last is low.
    body = [{"name": "q", "dimensions": {"k": "v"}, "value": v,
             "timestamp": NOW_MS - 60_000 + 10_000 + i * 1000} for i, v in enumerate([99, 10])]
    api.post("/v2.0/metrics", json.dumps(body), headers=P1, content_type="application/json",
             status=204)
    by_last = create(api, name="last", expression="last(q{k=v}) > 50")
    by_avg = create(api, name="avg", expression="avg(q{k=v}) > 50")
    Evaluator(storage, clock=lambda: NOW).run_cycle()
    assert api.get(f"{BASE}/{by_last['id']}", headers=P1).json["state"] == "OK"
    assert api.get(f"{BASE}/{by_avg['id']}", headers=P1).json["state"] == "ALARM"
    services.storage.dispose()


def test_list_by_severity_metric_update_time_and_sorted(api: webtest.TestApp) -> None:
    low = create(api, name="b-low", expression="avg(cpu{host=a}) > 1", severity="LOW")
    high = create(api, name="a-high", expression="avg(mem) > 1", severity="HIGH")
    crit = create(api, name="c-crit", expression="max(disk) > 1", severity="CRITICAL")

    def names(query: str) -> list[str]:
        return [a["name"] for a in api.get(f"{BASE}?{query}", headers=P1).json["elements"]]

    assert names("severity=HIGH|critical") == sorted(["a-high", "c-crit"],
                                                       key=lambda n: {"a-high": high["id"],
                                                                      "c-crit": crit["id"]}[n])
    assert names("metric_name=mem") == ["a-high"]
    assert names("metric_dimensions=host:a") == ["b-low"]
    assert names("sort_by=name") == ["a-high", "b-low", "c-crit"]
    assert names("sort_by=severity desc,name") == ["c-crit", "a-high", "b-low"]
    assert names("sort_by=name desc&limit=1&offset=1") == ["b-low"]
    api.patch_json(f"{BASE}/{low['id']}", {"state": "ALARM"}, headers=P1)
    changed = api.get(f"{BASE}/{low['id']}/state-history", headers=P1).json["elements"][0]
    assert names(f"state_updated_start_time={changed['timestamp']}") == ["b-low"]
    page = api.get(f"{BASE}?sort_by=name&limit=2", headers=P1).json
    assert [link["rel"] for link in page["links"]] == ["self", "next"]
    assert "offset=2" in page["links"][1]["href"]


def test_updates_beside_a_malformed_stored_rule_and_by_strangers(
        backend_api: tuple[webtest.TestApp, Any]) -> None:
    """Both APIs build an updated alarm from one spec (issue 26.2): on every backend, a
    good alarm is updated beside one whose stored rule is malformed, the malformed one is
    a 4xx (never a 500) through /v2.0 and repaired by a whole /v2 PUT; another tenant gets
    404 and a caller with no tenant 401, and nothing of theirs changes anything."""
    app, services = backend_api
    good = create(app, name="good", expression="avg(cpu{host=a}) > 90")
    bad = create(app, name="bad", expression="avg(cpu{host=b}) > 90")
    with services.storage.engine.begin() as conn:
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id == bad["id"]).values(
            rule={"meter_name": "cpu", "threshold": "hot", "period": -5}))
    patched = app.patch_json(f"{BASE}/{good['id']}", {"name": "good-2"}, headers=P1).json
    assert (patched["name"], patched["expression"]) == ("good-2", "avg(cpu{host=a}) > 90")
    whole = app.put_json(f"{BASE}/{good['id']}", {"name": "good-3", "expression": "cpu > 5"},
                         headers=P1).json
    assert whole["expression"] == "cpu > 5"
    for verb in ("patch_json", "put_json"):
        answer = getattr(app, verb)(f"{BASE}/{bad['id']}", {"name": "x", "expression": "cpu > 1"},
                                    headers=P1, expect_errors=True)
        assert 400 <= answer.status_int < 500, answer.text
        getattr(app, verb)(f"{BASE}/{good['id']}", {"name": "theirs", "expression": "cpu > 1"},
                           headers=P2, status=404)
        getattr(app, verb)(f"{BASE}/{good['id']}", {"name": "nobody", "expression": "cpu > 1"},
                           status=401)
    assert [a["name"] for a in app.get(BASE, headers=P1).json["elements"]] == ["good-3"]
    shown = app.get(f"/v2/alarms/{bad['id']}", headers=AODH_P1, expect_errors=True)
    assert shown.status_int < 500, shown.text
    repaired = {"name": "bad-fixed", "type": "threshold", "threshold_rule": {
        "meter_name": "cpu", "threshold": 1, "comparison_operator": "gt"}}
    app.put_json(f"/v2/alarms/{bad['id']}", repaired, headers=AODH_P1, status=200)
    app.put_json(f"/v2/alarms/{good['id']}", repaired, headers={**AODH_P1, "X-Project-Id": "p2"},
                 status=404)
    names = sorted(a["name"] for a in app.get(BASE, headers=P1).json["elements"])
    assert names == ["bad-fixed", "good-3"]
