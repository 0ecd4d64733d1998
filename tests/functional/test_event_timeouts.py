"""Event rule timeouts (extension): heartbeat events keep an alarm ok, silence sets it;
reset_after sets a fired alarm back to ok. The listener's handler judges the events
in-process here (tests/integration/test_event_listener.py runs it on RabbitMQ)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import webtest

from alarmapi import clock
from alarmapi.api.context import Services
from alarmapi.evaluator.service import Evaluator
from alarmapi.listener.service import EventHandler, ListenerReport
from tests.conftest import USER_A


def event(event_type: str = "heartbeat") -> dict[str, Any]:
    return {"message_id": str(uuid.uuid4()), "event_type": event_type,
            "traits": [["project_id", 1, "proj-a"]]}


def create(api: webtest.TestApp, **rule: Any) -> dict[str, Any]:
    return dict(api.post_json("/v2/alarms", {"name": "e", "type": "event", "event_rule": {
        "event_type": "heartbeat", **rule}}, headers=USER_A, status=201).json)


def state(api: webtest.TestApp, alarm_id: str) -> str:
    return str(api.get(f"/v2/alarms/{alarm_id}/state", headers=USER_A).json)


def test_heartbeats_and_their_timeout(api_services: tuple[webtest.TestApp, Services]
                                      ) -> None:
    api, services = api_services
    created = create(api, timeout=60)
    assert created["event_rule"]["timeout"] == 60
    alarm_id = created["alarm_id"]
    start = clock.utcnow()

    def cycle(after_s: float) -> None:
        Evaluator(services.storage,
                  clock=lambda: start + datetime.timedelta(seconds=after_s)).run_cycle()

    cycle(30)
    assert state(api, alarm_id) == "insufficient data"       # not late yet
    EventHandler(services.storage, clock=lambda: start + datetime.timedelta(
        seconds=40)).handle([event()], ListenerReport())
    assert state(api, alarm_id) == "ok"                      # a heartbeat
    cycle(90)
    assert state(api, alarm_id) == "ok"                      # 50 s after it
    cycle(101)
    assert state(api, alarm_id) == "alarm"
    history = api.get(f"/v2/alarms/{alarm_id}/history", headers=USER_A).json
    assert "no event matching the rule arrived within 60 seconds" in history[0]["detail"]


def test_reset_after_and_a_get_then_put(api_services: tuple[webtest.TestApp, Services]
                                        ) -> None:
    api, services = api_services
    shown = create(api, reset_after=120)
    alarm_id = shown.pop("alarm_id")
    for key in ("timestamp", "state_timestamp", "evaluate_timestamp"):
        shown.pop(key)
    api.put_json(f"/v2/alarms/{alarm_id}", shown, headers=USER_A, status=200)
    start = clock.utcnow()
    EventHandler(services.storage, clock=lambda: start).handle([event()], ListenerReport())
    assert state(api, alarm_id) == "alarm"                   # Aodh's behaviour
    Evaluator(services.storage,
              clock=lambda: start + datetime.timedelta(seconds=60)).run_cycle()
    assert state(api, alarm_id) == "alarm"
    Evaluator(services.storage,
              clock=lambda: start + datetime.timedelta(seconds=121)).run_cycle()
    assert state(api, alarm_id) == "ok"


def test_aodhs_event_alarms_are_left_alone_by_the_evaluator(
        api_services: tuple[webtest.TestApp, Services]) -> None:
    api, services = api_services
    alarm_id = create(api)["alarm_id"]
    assert "timeout" not in api.get(f"/v2/alarms/{alarm_id}", headers=USER_A).json[
        "event_rule"]
    report = Evaluator(services.storage, clock=lambda: clock.utcnow() + datetime.timedelta(
        days=30)).run_cycle()
    assert (report.transitions, report.source_errors) == (0, 0)
    assert state(api, alarm_id) == "insufficient data"


def test_bad_timeouts_are_refused(api: webtest.TestApp) -> None:
    for value in (0, -5, 10**9):
        fault = api.post_json("/v2/alarms", {"name": "e", "type": "event", "event_rule": {
            "timeout": value}}, headers=USER_A, status=400).json["error_message"]
        assert "timeout" in fault["faultstring"]
