"""Helpers for notifier tests: alarms with actions and transitions as the evaluator
writes them."""

from __future__ import annotations

from typing import Any

from alarmapi import clock, model
from alarmapi.storage.base import Connection

#: log:// and test:// actions are for admins (as in Aodh).
ADMIN = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "admin"}


def create_alarm(api: Any, storage: Connection, actions: list[str]) -> model.Alarm:
    """A critical threshold alarm of project p1 with these alarm and ok actions."""
    body = {"name": "disk-full", "type": "threshold", "alarm_actions": actions,
            "ok_actions": actions, "severity": "critical",
            "threshold_rule": {"meter_name": "disk", "threshold": 90}}
    alarm_id = api.post_json("/v2/alarms", body, headers=ADMIN).json["alarm_id"]
    alarm = storage.get_alarm(alarm_id)
    assert alarm is not None
    return alarm


def transition(storage: Connection, alarm: model.Alarm, state: str) -> model.Alarm:
    """Move the alarm to ``state`` as the evaluator does, with its notification."""
    when = clock.utcnow()
    notification = model.Notification(
        alarm.alarm_id, alarm.project_id, alarm.name, alarm.severity, alarm.state, state,
        f"Transition to {state} due to 1 samples outside threshold", {"type": "threshold"},
        model.actions_for(alarm, state), when)
    assert storage.record_transition(alarm, state, "r", when, None, notification)
    moved = storage.get_alarm(alarm.alarm_id)
    assert moved is not None
    return moved
