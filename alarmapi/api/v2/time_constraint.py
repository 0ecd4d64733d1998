"""The WSME type of a time constraint (its checks: ``alarmapi.time_constraints``)."""

from __future__ import annotations

from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import time_constraints
from alarmapi.api.v2.wsbase import Base


class CronType(wtypes.UserType):
    """A cron expression; bad syntax is refused while the body is parsed (in Aodh's
    words), one that never fires by the alarm builder (``time_constraints.check_all``)."""

    basetype = wtypes.text
    name = "cron"

    def validate(self, value: Any) -> Any:
        try:
            time_constraints.check_syntax(value)
        except time_constraints.InvalidTimeConstraint as exc:
            raise ValueError(exc.reason) from exc
        return value


class Duration(wtypes.IntegerType):
    """A constraint's seconds: WSME refuses a negative one in Aodh's words (minimum 0),
    ``time_constraints.check_duration`` refuses 0."""

    described = "a whole number of seconds of at least 1"

    def __init__(self) -> None:
        super().__init__(minimum=0)


class TimeConstraint(Base):
    """When an alarm is evaluated: from each cron ``start`` for ``duration`` seconds."""

    name = wsme.wsattr(wtypes.text, mandatory=True)
    _description: Any = None

    def _get_description(self) -> Any:
        if self._description is None and self.start and self.duration is not None:
            if self.start is not wsme.Unset and self.duration is not wsme.Unset:
                return time_constraints.default_description(self.start, self.duration)
        return self._description

    def _set_description(self, value: Any) -> None:
        self._description = value

    description = wsme.wsproperty(wtypes.text, _get_description, _set_description)
    start = wsme.wsattr(CronType(), mandatory=True)
    duration = wsme.wsattr(Duration(), mandatory=True)
    timezone = wsme.wsattr(wtypes.text, default="")

    def as_dict(self) -> dict[str, Any]:
        """The stored form, description filled in."""
        return {
            "name": self.name,
            "description": self.description,
            "start": self.start,
            "duration": self.duration,
            "timezone": self.timezone or "",
        }
