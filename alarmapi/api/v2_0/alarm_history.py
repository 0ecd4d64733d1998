"""Monasca's alarm state history, read from the alarms' history records."""

from __future__ import annotations

import datetime
import json
from typing import Any

from alarmapi import model
from alarmapi.api.v2_0 import alarm_view as view
from alarmapi.storage import Connection
from alarmapi.storage.base import HistoryFilter, SortKey


def _time(ms: int | None) -> datetime.datetime | None:
    if ms is None:
        return None
    return model.from_ms(ms)


def _states_before(storage: Connection, alarm_id: str) -> dict[str, str]:
    """The state each of an alarm's transitions left, by event id (for records written
    before transitions named their previous state)."""
    changes = storage.get_alarm_changes(HistoryFilter(
        alarm_id=alarm_id, sort=[SortKey("timestamp", "asc")]))
    state = model.State.INSUFFICIENT_DATA.value
    before = {}
    for change in changes:
        detail = json.loads(change.detail)
        if change.type == model.ChangeType.STATE_TRANSITION.value:
            before[change.event_id] = state
        state = detail.get("state", state)
    return before


def transitions(storage: Connection, alarms: list[model.Alarm], tenant: str,
                start_ms: int | None, end_ms: int | None, limit: int | None
                ) -> list[dict[str, Any]]:
    """The state transitions of ``alarms`` (all of one tenant), newest first."""
    by_id = {alarm.alarm_id: alarm for alarm in alarms}
    if not by_id:
        return []
    query = HistoryFilter(
        alarm_id=alarms[0].alarm_id if len(alarms) == 1 else None, on_behalf_of=tenant,
        equals={"type": model.ChangeType.STATE_TRANSITION.value}, start=_time(start_ms),
        end=_time(end_ms), sort=[SortKey("timestamp", "desc")])
    entries: list[dict[str, Any]] = []
    walked: dict[str, dict[str, str]] = {}
    for change in storage.get_alarm_changes(query):
        alarm = by_id.get(change.alarm_id)
        if alarm is None:
            continue
        detail = json.loads(change.detail)
        previous = detail.get("previous_state")
        if previous is None:
            if alarm.alarm_id not in walked:
                walked[alarm.alarm_id] = _states_before(storage, alarm.alarm_id)
            previous = walked[alarm.alarm_id].get(change.event_id,
                                                  model.State.INSUFFICIENT_DATA.value)
        shown = view.expression(alarm)
        entries.append({
            "id": change.event_id,
            "alarm_id": change.alarm_id,
            "metrics": view.metrics(shown[1]) if shown else [],
            "old_state": view.state_word(previous),
            "new_state": view.state_word(detail.get("state", "")),
            "reason": detail.get("transition_reason") or detail.get("state_reason") or "",
            "reason_data": json.dumps(detail.get("reason_data", {})),
            "timestamp": view.timestamp(change.timestamp),
        })
        if limit is not None and len(entries) >= limit:
            break
    return entries
