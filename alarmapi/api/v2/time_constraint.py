"""The WSME type of a time constraint and its checks."""

from __future__ import annotations

from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors, time_constraints
from alarmapi.api.v2.wsbase import Base


class CronType(wtypes.UserType):
    """A cron expression; a bad one is refused while the body is parsed."""

    basetype = wtypes.text
    name = "cron"

    def validate(self, value: Any) -> Any:
        try:
            time_constraints.check_start(value)
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


def check_all(constraints: list[TimeConstraint]) -> list[dict[str, Any]]:
    """Check names are unique, durations positive and time zones real; return the
    stored forms (each one usable by :func:`alarmapi.time_constraints.checked`)."""
    names = [tc.name for tc in constraints]
    if len(names) != len(set(names)):
        raise errors.ClientError("Time constraint names must be unique for a given alarm.")
    stored = [tc.as_dict() for tc in constraints]
    for index, tc in enumerate(stored):
        try:
            time_constraints.load_timezone(tc["timezone"])
        except time_constraints.InvalidTimeConstraint as exc:
            raise errors.ClientError(exc.reason) from exc  # Aodh's words
        try:
            time_constraints.checked(tc)
        except time_constraints.InvalidTimeConstraint as exc:
            raise errors.InvalidInput(f"time_constraints[{index}].{exc.field}", exc.value,
                                      exc.reason) from exc
    return stored
