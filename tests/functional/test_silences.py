"""Native silences (/v2/silences) on every backend: the API, projects kept apart, bad
input, deliveries held back while silenced and sent once when the silence ends,
acknowledgements ending when the alarm returns to ok."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import webtest

from alarmapi import clock
from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.sql import SQLConnection
from tests.conftest import ADMIN, USER_A, USER_B, make_api
from tests.functional.test_notifier import Rig
from tests.receivers import http_receiver

BASE = "/v2/silences"


def _later(minutes: int) -> str:
    return (clock.utcnow() + datetime.timedelta(minutes=minutes)).isoformat()


@pytest.fixture
def api(storage: SQLConnection) -> webtest.TestApp:
    return make_api(storage.url)[0]


def test_lifecycle_and_projects_apart(api: webtest.TestApp) -> None:
    made = api.post_json(BASE, {"matchers": [{"field": "name", "op": "=~", "value": "web-.*"}],
                                "ends_at": _later(60), "comment": "deploy"},
                         headers=USER_A, status=201)
    silence = made.json
    assert made.headers["Location"].endswith(f"{BASE}/{silence['id']}")
    assert (silence["status"], silence["project_id"], silence["created_by"]) == (
        "active", "proj-a", "user-a")
    assert silence["matchers"] == [{"field": "name", "op": "=~", "value": "web-.*"}]
    assert [s["id"] for s in api.get(BASE, headers=USER_A).json] == [silence["id"]]
    # Another project sees nothing and cannot expire it; unknown and foreign alike.
    assert api.get(BASE, headers=USER_B).json == []
    for method in ("GET", "DELETE"):
        foreign = api.request(f"{BASE}/{silence['id']}", method=method, headers=USER_B,
                              expect_errors=True)
        unknown = api.request(f"{BASE}/nope", method=method, headers=USER_B,
                              expect_errors=True)
        assert foreign.status_int == unknown.status_int == 404
    assert api.get(f"{BASE}/{silence['id']}", headers=ADMIN).json["id"] == silence["id"]
    api.delete(f"{BASE}/{silence['id']}", headers=USER_A, status=204)
    assert api.get(BASE, headers=USER_A).json == []
    expired = api.get(BASE, params={"expired": "true"}, headers=USER_A).json
    assert [s["status"] for s in expired] == ["expired"]
    assert api.get("/v2/capabilities").json["api"]["alarms:silences"] is True


@pytest.mark.parametrize(("body", "field"), [
    ({"ends_at": "2999-01-01T00:00:00"}, "matchers"),
    ({"matchers": [{"field": "colour", "value": "x"}], "ends_at": "2999-01-01T00:00:00"},
     "matchers[0].field"),
    ({"matchers": [{"field": "name", "op": "~~", "value": "x"}],
      "ends_at": "2999-01-01T00:00:00"}, "matchers[0].op"),
    ({"matchers": [{"field": "name", "op": "=~", "value": "("}],
      "ends_at": "2999-01-01T00:00:00"}, "matchers[0].value"),
    ({"matchers": [{"field": "name", "value": "x"}]}, "ends_at"),
    ({"matchers": [{"field": "name", "value": "x"}], "starts_at": "2999-01-02T00:00:00",
      "ends_at": "2999-01-01T00:00:00"}, "ends_at"),
    ({"matchers": [{"field": "name", "value": "x"}],
      "recurrence": {"start": "not cron", "duration": 60}}, "recurrence"),
    ({"matchers": [{"field": "name", "value": "x"}],
      "recurrence": {"start": "0 2 * * *", "duration": 0}}, "recurrence.duration"),
    ({"matchers": [{"field": "name", "value": "x"}], "project_id": "proj-b",
      "ends_at": "2999-01-01T00:00:00"}, "proj-b"),
])
def test_bad_input(api: webtest.TestApp, body: dict[str, Any], field: str) -> None:
    response = api.post_json(BASE, body, headers=USER_A, expect_errors=True)
    assert response.status_int in (400, 401), response.text
    assert field in response.json["error_message"]["faultstring"]
    assert api.get(BASE, params={"expired": "true"}, headers=USER_A).json == []


def test_silenced_deliveries_are_held_and_sent_once_when_the_silence_ends(
        storage: SQLConnection) -> None:
    with http_receiver() as receiver:
        rig = Rig(storage)
        alarm = rig.alarm([receiver.url + "/hook"])
        other = rig.alarm([receiver.url + "/other"])
        rig.api.post_json(BASE, {"matchers": [{"field": "alarm_id", "value": alarm.alarm_id}],
                                 "ends_at": _later(10)}, headers={
            "X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}, status=201)
        rig.transition(alarm, "alarm")
        rig.transition(other, "alarm")
        assert rig.service.run_once() == 2
        assert [r.path for r in receiver.wait_for(1)] == ["/other"]
        held, resume = sorted(rig.deliveries(alarm), key=lambda r: r.id)
        assert held.status == "silenced" and held.result.startswith("silenced by ")
        assert (resume.status, resume.repeat) == ("pending", True)  # at the silence's end
        shown = rig.api.get(f"/v2/alarms/{alarm.alarm_id}/deliveries", headers={
            "X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}).json
        assert [d["status"] for d in shown] == ["pending", "silenced"]
        rig.later(11 * 60)  # the silence is over, the alarm still in alarm: sent once
        assert rig.service.run_once() == 1
        (resent,) = receiver.wait_for(1, where=lambda r: r.path == "/hook")
        assert resent.json()["current"] == "alarm"
        rig.later(60)
        assert rig.service.run_once() == 0


def test_an_acknowledgement_ends_when_the_alarm_returns_to_ok(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    body = {"name": "hot", "type": "threshold",
            "threshold_rule": {"meter_name": "cpu", "threshold": 90}}
    alarm_id = api.post_json("/v2/alarms", body, headers=USER_A).json["alarm_id"]
    ack = api.post_json(BASE, {"alarm_id": alarm_id, "comment": "on it"}, headers=USER_A,
                        status=201).json
    assert ack["expire_on_resolve"] is True and "ends_at" not in ack
    assert ack["status"] == "active"
    foreign = api.post_json(BASE, {"alarm_id": alarm_id}, headers=USER_B, status=404).json
    assert alarm_id in foreign["error_message"]["faultstring"]
    api.put_json(f"/v2/alarms/{alarm_id}/state", "ok", headers=USER_A)
    assert api.get(f"{BASE}/{ack['id']}", headers=USER_A).json["status"] == "expired"
    assert Evaluator(services.storage).run_cycle().failed == 0


def test_a_silenced_transition_is_recorded_with_its_silence(storage: SQLConnection) -> None:
    import json

    from tests.functional.test_evaluator_cycle import NOW, USER, create, post_values

    api, _services = make_api(storage.url)
    alarm_id = create(api)
    # NOW is the evaluator's clock (ahead of, or by now behind, the wall clock).
    ack = api.post_json(BASE, {"alarm_id": alarm_id, "starts_at": (
        NOW - datetime.timedelta(hours=1)).isoformat()}, headers=USER, status=201).json
    post_values(api, [95, 96, 97])
    assert Evaluator(storage, clock=lambda: NOW).run_cycle().transitions == 1
    history = api.get(f"/v2/alarms/{alarm_id}/history", headers=USER).json
    detail = json.loads(history[0]["detail"])
    assert (detail["state"], detail["silenced_by"]) == ("alarm", ack["id"])
    (held,) = [r for r in storage.outbox.records(alarm_id)]
    assert held.status == "pending"  # the notifier decides, and records, at delivery


def test_a_broken_stored_silence_holds_nothing_and_stops_nothing(
        storage: SQLConnection) -> None:
    """Silences written by hand or an older release (a bad regex, matchers that are not
    objects) match nothing; the good silence beside them still holds, and the evaluator
    and notifier go on."""
    from alarmapi.storage.models import silence_table

    with http_receiver() as receiver:
        rig = Rig(storage)
        held = rig.alarm([receiver.url + "/held"])
        free = rig.alarm([receiver.url + "/free"])
        now = clock.utcnow() - datetime.timedelta(hours=1)
        broken = [[{"field": "name", "op": "=~", "value": "("}], ["not-an-object"], None]
        with storage.engine.begin() as conn:
            for i, matchers in enumerate(broken):
                conn.execute(silence_table.insert().values(
                    id=f"broken-{i}", project_id="p1", matchers=matchers or [{"x": 1}],
                    starts_at=now, ends_at=None, recurrence=None, comment="",
                    created_by=None, created_at=now, expire_on_resolve=False))
        user = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
        rig.api.post_json(BASE, {"matchers": [{"field": "alarm_id", "value": held.alarm_id}],
                                 "ends_at": _later(10)}, headers=user, status=201)
        rig.transition(held, "alarm")
        rig.transition(free, "alarm")
        assert rig.service.run_once() == 2
        assert [r.path for r in receiver.wait_for(1)] == ["/free"]
        assert {r.status for r in rig.deliveries(held)} == {"silenced", "pending"}
        assert Evaluator(storage, clock=clock.utcnow).run_cycle().failed == 0
        assert [s["id"] for s in rig.api.get(BASE, headers=user).json
                if not s["id"].startswith("broken")]


def _to_ok_by_evaluator(api: webtest.TestApp, storage: SQLConnection, alarm_id: str) -> None:
    from tests.functional.test_evaluator_cycle import NOW, post_values

    post_values(api, [10, 10, 10])
    assert Evaluator(storage, clock=lambda: NOW).run_cycle().transitions >= 1


def _to_ok_by_state_put(api: webtest.TestApp, storage: SQLConnection, alarm_id: str) -> None:
    api.put_json(f"/v2/alarms/{alarm_id}/state", "ok", headers=USER_P1)


def _heartbeats(storage: SQLConnection, count: int) -> None:
    import uuid

    from alarmapi.listener.service import EventHandler, ListenerReport

    events = [{"message_id": str(uuid.uuid4()), "event_type": "beat",
               "traits": [["project_id", 1, "p1"]]} for _ in range(count)]
    report = ListenerReport()
    EventHandler(storage).handle_batch(events, report)
    assert report.transitions >= 1


def _to_ok_by_one_heartbeat(api: webtest.TestApp, storage: SQLConnection, alarm_id: str
                            ) -> None:
    _heartbeats(storage, 1)


def _to_ok_by_heartbeats(api: webtest.TestApp, storage: SQLConnection, alarm_id: str
                         ) -> None:
    _heartbeats(storage, 2)


def _to_ok_by_quiet(api: webtest.TestApp, storage: SQLConnection, alarm_id: str) -> None:
    later = clock.utcnow() + datetime.timedelta(minutes=2)
    assert Evaluator(storage, clock=lambda: later).run_cycle().transitions >= 1


USER_P1 = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
THRESHOLD = {"type": "threshold", "threshold_rule": {
    "meter_name": "cpu", "threshold": 90, "comparison_operator": "gt", "statistic": "avg",
    "period": 60, "evaluation_periods": 3, "query": [{"field": "host", "value": "a"}]}}
PATHS_TO_OK = [
    ("evaluator", THRESHOLD, _to_ok_by_evaluator),
    ("state-put", THRESHOLD, _to_ok_by_state_put),
    ("listener-heartbeat", {"type": "event", "event_rule": {
        "event_type": "beat", "timeout": 600}}, _to_ok_by_one_heartbeat),
    ("listener-batch", {"type": "event", "event_rule": {
        "event_type": "beat", "timeout": 600}}, _to_ok_by_heartbeats),
    ("event-reset-after", {"type": "event", "event_rule": {
        "event_type": "x", "reset_after": 60}}, _to_ok_by_quiet),
]


@pytest.mark.parametrize(("body", "to_ok"), [p[1:] for p in PATHS_TO_OK],
                         ids=[p[0] for p in PATHS_TO_OK])
def test_every_path_back_to_ok_ends_the_alarms_acknowledgements(
        storage: SQLConnection, body: dict[str, Any], to_ok: Any) -> None:
    """The evaluator, the API's state PUT, the listener (one event or a batch) and the
    event-timeout source all record a transition through the storage's one recorder:
    back to ok, the alarm's acknowledgement and expire-on-resolve silences end in the
    same transaction; other silences and other alarms' acknowledgements stay."""
    api, _services = make_api(storage.url)
    alarm_id = api.post_json("/v2/alarms", dict(body, name="hot"), headers=USER_P1
                             ).json["alarm_id"]
    disk = dict(THRESHOLD["threshold_rule"], meter_name="disk")  # never back to ok here
    other = api.post_json("/v2/alarms", dict(THRESHOLD, name="cold", threshold_rule=disk),
                          headers=USER_P1).json["alarm_id"]
    for made in (alarm_id, other):
        api.put_json(f"/v2/alarms/{made}/state", "alarm", headers=USER_P1)
    before = (clock.utcnow() - datetime.timedelta(hours=1)).isoformat()
    ack = api.post_json(BASE, {"alarm_id": alarm_id, "starts_at": before},
                        headers=USER_P1).json
    resolving = api.post_json(BASE, {"matchers": [{"field": "name", "value": "hot"}],
                                     "expire_on_resolve": True, "starts_at": before},
                              headers=USER_P1).json
    plain = api.post_json(BASE, {"matchers": [{"field": "name", "value": "hot"}],
                                 "starts_at": before, "ends_at": _later(600)},
                          headers=USER_P1).json
    others = api.post_json(BASE, {"alarm_id": other, "starts_at": before},
                           headers=USER_P1).json
    stranger = {"X-User-Id": "u2", "X-Project-Id": "p2", "X-Roles": "reader,member"}
    foreign = api.post_json(BASE, {"matchers": [{"field": "name", "value": "hot"}],
                                   "expire_on_resolve": True, "starts_at": before},
                            headers=stranger).json  # another project's: never ended
    to_ok(api, storage, alarm_id)
    assert api.get(f"/v2/alarms/{alarm_id}/state", headers=USER_P1).json == "ok"

    def ends(silence: dict[str, Any]) -> Any:
        return api.get(f"{BASE}/{silence['id']}", headers=USER_P1).json.get("ends_at")

    assert ends(ack) is not None and ends(resolving) is not None
    assert ends(plain) == plain["ends_at"] and ends(others) is None
    assert api.get(f"{BASE}/{foreign['id']}", headers=stranger).json.get("ends_at") is None


@pytest.mark.parametrize(("path", "body"), [
    ("evaluator", THRESHOLD),
    ("listener", {"type": "event", "event_rule": {"event_type": "beat"}}),
])
def test_every_writer_records_the_silence_that_holds_a_transition(
        storage: SQLConnection, path: str, body: dict[str, Any]) -> None:
    """The recorder decides ``silenced_by`` in the recording transaction, so the
    listener's transitions name their silence as the evaluator's do."""
    import json

    from tests.functional.test_evaluator_cycle import NOW, post_values

    api, _services = make_api(storage.url)
    alarm_id = api.post_json("/v2/alarms", dict(body, name="hot"), headers=USER_P1
                             ).json["alarm_id"]
    held = api.post_json(BASE, {"matchers": [{"field": "name", "value": "hot"}],
                                "starts_at": (NOW - datetime.timedelta(hours=1)).isoformat(),
                                "ends_at": _later(600)}, headers=USER_P1).json
    if path == "evaluator":
        post_values(api, [95, 96, 97])
        assert Evaluator(storage, clock=lambda: NOW).run_cycle().transitions == 1
    else:
        _heartbeats(storage, 1)
    (latest, *_) = api.get(f"/v2/alarms/{alarm_id}/history", headers=USER_P1).json
    detail = json.loads(latest["detail"])
    assert (detail["state"], detail["silenced_by"]) == ("alarm", held["id"])
