"""The listener judges a batch of events at once (one read, one transaction), with the
same outcome as event by event: each alarm's changes chained in event order, a
non-repeating alarm fired once, an event recorded before never again, and an alarm
moved meanwhile judged afresh. On SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import webtest

from alarmapi import model
from alarmapi.api.context import Services
from alarmapi.listener.service import EventHandler, ListenerReport
from alarmapi.storage.base import HistoryFilter
from alarmapi.storage.sql import SQLConnection
from tests.conftest import USER_A
from tests.functional.test_storage import creation, make_alarm

NOW = datetime.datetime(2026, 12, 2, 10, 0, 0)


def event(project: str = "p1", message_id: str | None = None) -> dict[str, Any]:
    return {"message_id": message_id or str(uuid.uuid4()), "event_type": "x",
            "traits": [["project_id", 1, project]]}


def alarm(storage: SQLConnection, n: int, project: str = "p1", **kw: Any) -> model.Alarm:
    created = make_alarm(n, project, rule={"event_type": "x", "query": []},
                         alarm_actions=["http://hook.example/"], **kw)
    storage.create_alarm(created, creation(created))
    return created


def fired_by(storage: SQLConnection, alarm_id: str) -> list[tuple[str, str]]:
    """(previous state, message id) of each recorded transition, oldest first."""
    changes = storage.get_alarm_changes(HistoryFilter(alarm_id=alarm_id))
    details = [json.loads(c.detail) for c in reversed(changes)
               if c.type == model.ChangeType.STATE_TRANSITION]
    return [(d["previous_state"], d["reason_data"]["event"]["message_id"]) for d in details]


def handler(storage: Any) -> EventHandler:
    ticks = iter(range(1000))
    return EventHandler(storage, clock=lambda: NOW + datetime.timedelta(seconds=next(ticks)))


def test_a_batch_fires_like_event_by_event(storage: SQLConnection) -> None:
    once, repeating = alarm(storage, 1), alarm(storage, 2, repeat_actions=True)
    other = alarm(storage, 3, project="p2")
    events = [event(message_id=f"e{i}") for i in range(3)]
    report = ListenerReport()
    handler(storage).handle_batch([[events[0]], events[1:], [event("p2", "f0")],
                                   [events[2]]], report)
    assert (report.events, report.duplicates, report.transitions) == (5, 1, 5)
    assert fired_by(storage, once.alarm_id) == [("insufficient data", "e0")]
    assert fired_by(storage, repeating.alarm_id) == [
        ("insufficient data", "e0"), ("alarm", "e1"), ("alarm", "e2")]
    assert fired_by(storage, other.alarm_id) == [("insufficient data", "f0")]
    assert len(storage.outbox.records(repeating.alarm_id)) == 3
    stored = storage.get_alarm(once.alarm_id)
    assert stored is not None and stored.state == "alarm" and stored.last_event_at == NOW


def test_an_event_recorded_before_is_skipped_and_the_rest_recorded_once(
        storage: SQLConnection) -> None:
    repeating = alarm(storage, 1, repeat_actions=True)
    first = event(message_id="e0")
    handler(storage).handle(first, ListenerReport())
    report = ListenerReport()
    handler(storage).handle_batch([first, event(message_id="e1"), event(message_id="e2")],
                                  report)
    assert (report.duplicates, report.transitions) == (1, 2)
    assert [m for _, m in fired_by(storage, repeating.alarm_id)] == ["e0", "e1", "e2"]


class MovesWhileRead:
    """The storage, where a user sets the alarm's state just after the listener read
    it (once)."""

    def __init__(self, storage: SQLConnection, alarm: model.Alarm) -> None:
        self.storage, self.alarm, self.moved = storage, alarm, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.storage, name)

    def current_alarms(self, *args: Any) -> list[model.Alarm]:
        found = self.storage.current_alarms(*args)
        if not self.moved:
            self.moved = True
            self.storage.record_transition(self.alarm, "ok", "set by hand",
                                           NOW - datetime.timedelta(seconds=1), None, None)
        return found


def test_an_alarm_moved_while_a_batch_was_judged_is_judged_afresh(
        storage: SQLConnection) -> None:
    once = alarm(storage, 1)
    report = ListenerReport()
    handler(MovesWhileRead(storage, once)).handle_batch(
        [event(message_id="e0"), event(message_id="e1")], report)
    assert fired_by(storage, once.alarm_id) == [("ok", "e0")]
    assert report.transitions == 1


def test_every_api_write_counts_for_the_next_event(
        api_services: tuple[webtest.TestApp, Services]) -> None:
    """The listener keeps the definitions it read, so each write must be seen."""
    api, services = api_services
    created = api.post_json("/v2/alarms", {"name": "e", "type": "event",
                                           "repeat_actions": True,
                                           "event_rule": {"event_type": "x"}},
                            headers=USER_A, status=201).json
    listener = EventHandler(services.storage)

    def fires(event_type: str) -> int:
        report = ListenerReport()
        listener.handle({**event("proj-a"), "event_type": event_type}, report)
        return report.transitions

    assert (fires("x"), fires("y")) == (1, 0)
    shown = api.get(f"/v2/alarms/{created['alarm_id']}", headers=USER_A).json
    shown["event_rule"]["event_type"] = "y"
    api.put_json(f"/v2/alarms/{created['alarm_id']}", shown, headers=USER_A, status=200)
    assert (fires("x"), fires("y")) == (0, 1)
    shown["enabled"] = False
    api.put_json(f"/v2/alarms/{created['alarm_id']}", shown, headers=USER_A, status=200)
    assert fires("y") == 0
    shown["enabled"] = True
    api.put_json(f"/v2/alarms/{created['alarm_id']}", shown, headers=USER_A, status=200)
    assert fires("y") == 1
    api.delete(f"/v2/alarms/{created['alarm_id']}", headers=USER_A, status=204)
    assert fires("y") == 0


def test_a_batch_keeps_projects_apart_and_a_broken_rule_to_itself(
        storage: SQLConnection) -> None:
    """Events of another project, and events naming no project, fire nothing of p1's;
    a stored rule that cannot be judged fails alone beside good ones."""
    good = alarm(storage, 1, repeat_actions=True)
    broken = make_alarm(2, "p1", rule={"event_type": "x", "query": "not a list"},
                        alarm_actions=["http://hook.example/"])
    storage.create_alarm(broken, creation(broken))
    stranger = alarm(storage, 3, project="p2")
    no_project = {"message_id": "n0", "event_type": "x", "traits": []}
    report = ListenerReport()
    handler(storage).handle_batch([event("p2", "f0"), no_project, event(message_id="e0"),
                                   event(message_id="e1")], report)
    assert [m for _, m in fired_by(storage, good.alarm_id)] == ["e0", "e1"]
    assert fired_by(storage, stranger.alarm_id) == [("insufficient data", "f0")]
    assert fired_by(storage, broken.alarm_id) == []
    assert report.failed_alarms == 2 and report.transitions == 3
