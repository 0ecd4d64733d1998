"""What evaluating a rule gives, and the pure decision of whether the alarm moves."""

from __future__ import annotations

import dataclasses
from typing import Any

from alarmapi.model import State


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """A rule's verdict: the state it points to (None: no verdict, keep the state)."""

    state: str | None
    reason: str
    reason_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: Where mixed data leans (the latest period's side), used to leave
    #: ``insufficient data`` even without a clear verdict, as Aodh does.
    trend: str | None = None
    #: Why the data could not be read: reported in the log, the cycle report and the
    #: alarm's ``evaluation_error`` (the state is None, or what Aodh moves to then).
    error: str | None = None


@dataclasses.dataclass(frozen=True)
class Transition:
    """A state change (or, with repeat_actions, a repeated alarm) to record and notify."""

    previous: str
    current: str
    reason: str
    reason_data: dict[str, Any]
    repeated: bool = False


def decide(current: str, evaluation: Evaluation, repeat_actions: bool) -> Transition | None:
    """The transition an evaluation causes, if any.

    A new state is always recorded. The same state is recorded again only for an alarm
    in ``alarm`` whose actions repeat (Aodh notifies on every cycle then).
    """
    if evaluation.state is None:
        if evaluation.trend and current == State.INSUFFICIENT_DATA:
            return Transition(current, evaluation.trend, evaluation.reason,
                              evaluation.reason_data)
        return None
    if evaluation.state != current:
        return Transition(current, evaluation.state, evaluation.reason, evaluation.reason_data)
    if repeat_actions and current == State.ALARM:
        reason = evaluation.reason.replace("Transition to", "Remaining as", 1)
        return Transition(current, current, reason, evaluation.reason_data, repeated=True)
    return None
