"""The WSME type of a history record."""

from __future__ import annotations

import datetime

from wsme import types as wtypes

from alarmapi import model
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


def render(change: model.AlarmChange) -> AlarmChange:
    """The wire form of a stored history record."""
    data = change.as_dict()
    data.pop("severity", None)
    return AlarmChange(**data)
