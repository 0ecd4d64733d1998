"""The one builder of alarm history records."""

from __future__ import annotations

import dataclasses
import datetime
import json
import uuid
from collections.abc import Mapping
from typing import Any

from alarmapi import trusts
from alarmapi.model import ALARM_FIELDS, Alarm, AlarmChange, ChangeType

#: Fields never reported in a ``rule change`` detail (they change on every write).
_UNREPORTED_CHANGES = frozenset({"timestamp", "state_timestamp", "evaluate_timestamp"})


def _jsonable(value: Any, name: str = "") -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if name in trusts.ACTION_FIELDS:  # a trust id is never written where callers read
        return trusts.scrub_all(value)
    return value


def alarm_detail(alarm: Alarm) -> dict[str, Any]:
    """Return the alarm as Aodh writes it in a ``creation`` record."""
    data = alarm.as_dict()
    return {name: _jsonable(data[name], name) for name in ALARM_FIELDS}


def changed_fields(old: Alarm, new: Alarm) -> dict[str, Any]:
    """Return the fields of ``new`` that differ from ``old`` (a ``rule change``)."""
    before, after = old.as_dict(), new.as_dict()
    return {
        name: _jsonable(after[name], name)
        for name in ALARM_FIELDS
        if name not in _UNREPORTED_CHANGES and after[name] != before[name]
    }


def silenced(change: AlarmChange, silence_id: str) -> AlarmChange:
    """The state transition record ``change`` naming the silence that held back its
    notifications (``silenced_by``)."""
    detail = json.loads(change.detail)
    detail["silenced_by"] = silence_id
    return dataclasses.replace(change, detail=json.dumps(detail))


def record(
    alarm: Alarm,
    change_type: ChangeType,
    detail: Mapping[str, Any],
    *,
    user_id: str | None,
    project_id: str | None,
    timestamp: datetime.datetime,
) -> AlarmChange:
    """Build one history record of ``alarm`` made by the given actor.

    ``project_id``/``user_id`` name the actor; ``on_behalf_of`` is the alarm's
    project, which is what scopes history reads.
    """
    return AlarmChange(
        event_id=str(uuid.uuid4()),
        alarm_id=alarm.alarm_id,
        type=change_type.value,
        detail=json.dumps(dict(detail)),
        project_id=project_id,
        user_id=user_id,
        on_behalf_of=alarm.project_id,
        timestamp=timestamp,
        severity=alarm.severity,
    )
