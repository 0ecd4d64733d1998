"""The WSME type of a history record."""

from __future__ import annotations

import datetime
from typing import Any

from wsme import types as wtypes

from alarmapi import model
from alarmapi.api.v2.wire import Wire
from alarmapi.api.v2.wsbase import Base


class AlarmChange(Base):
    """One change of an alarm, as GET .../history and the history query show it."""

    event_id = wtypes.text
    alarm_id = wtypes.text
    type = wtypes.Enum(str, *(t.value for t in model.ChangeType))
    detail = wtypes.text
    project_id = wtypes.text
    user_id = wtypes.text
    on_behalf_of = wtypes.text
    timestamp = datetime.datetime


def to_json(change: model.AlarmChange) -> dict[str, Any]:
    """The JSON document of a history record, as WSME would write it."""
    return {
        "event_id": change.event_id,
        "alarm_id": change.alarm_id,
        "type": change.type,
        "detail": change.detail,
        "project_id": change.project_id,
        "user_id": change.user_id,
        "on_behalf_of": change.on_behalf_of,
        "timestamp": change.timestamp.isoformat(),
    }


def wire_list(changes: list[model.AlarmChange]) -> Wire:
    """History records as a response (JSON directly, XML through WSME)."""
    return Wire([to_json(c) for c in changes], lambda: [render(c) for c in changes])


def render(change: model.AlarmChange) -> AlarmChange:
    """The wire form of a stored history record."""
    data = change.as_dict()
    data.pop("severity", None)
    return AlarmChange(**data)
