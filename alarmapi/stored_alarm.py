"""What the daemons check of a stored alarm before they act on it.

A row may hold anything (written by an older release, by hand, by a bug): the fields
the evaluator, the listener and backtests use besides the rule (whose shape
``rule_shapes`` checks) and the time constraints (``time_constraints.checked``) are
checked here, so that an unusable alarm fails alone with a message naming the field.
"""

from __future__ import annotations

from typing import Any

from alarmapi import errors, model

ACTION_FIELDS = ("ok_actions", "alarm_actions", "insufficient_data_actions")
_STATES = frozenset(state.value for state in model.State)


class UnusableAlarm(errors.InvalidInput):
    """A stored alarm with a field the daemons cannot use."""


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def check(alarm: model.Alarm) -> None:
    """Raise UnusableAlarm naming the first field of ``alarm`` that cannot be used."""
    if alarm.state not in _STATES:
        raise UnusableAlarm("state", alarm.state, "one of " + ", ".join(sorted(_STATES))
                            + " is required")
    for field in ACTION_FIELDS:
        actions = getattr(alarm, field)
        if not isinstance(actions, list) or not all(map(_is_text, actions)):
            raise UnusableAlarm(field, actions, "a list of action URLs is required")
    for field in ("name", "type", "severity"):
        if not _is_text(getattr(alarm, field)):
            raise UnusableAlarm(field, getattr(alarm, field), "a string is required")
    if not isinstance(alarm.rule, dict):
        raise UnusableAlarm("rule", alarm.rule, "an object is required")
