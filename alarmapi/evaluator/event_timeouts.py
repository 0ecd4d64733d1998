"""The time-driven part of event rules (an extension; Aodh has none): an alarm whose
heartbeat events stopped (``timeout``), and an alarm that goes back to ``ok`` after a
quiet time (``reset_after``). The events themselves are judged by alarmapi-listener."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from alarmapi import rule_types
from alarmapi.evaluator.outcome import Evaluation
from alarmapi.evaluator.sources import Leaf, Source
from alarmapi.events import EventShape
from alarmapi.model import Alarm, State

#: No verdict: nothing is due (the listener moves event alarms).
NOTHING_DUE = Evaluation(None, "", {})


def judge(alarm: Alarm, shape: EventShape, now: datetime.datetime) -> Evaluation:
    """What the time since the last matching event (or the alarm's creation) says."""
    since = alarm.last_event_at or alarm.timestamp
    quiet = (now - since).total_seconds()
    last = alarm.last_event_at.isoformat() if alarm.last_event_at else None
    data = {"type": rule_types.EVENT, "last_event_at": last}
    if shape.timeout and quiet >= shape.timeout and alarm.state != State.ALARM:
        return Evaluation(State.ALARM, f"Transition to alarm as no event matching the rule "
                          f"arrived within {shape.timeout} seconds (the last: {last})",
                          dict(data, timeout=shape.timeout))
    if shape.reset_after and quiet >= shape.reset_after and alarm.state == State.ALARM:
        return Evaluation(State.OK, f"Transition to ok as no event matching the rule "
                          f"arrived for {shape.reset_after} seconds (the last: {last})",
                          dict(data, reset_after=shape.reset_after))
    return NOTHING_DUE


class EventTimeoutSource(Source):
    """Judges event rules by the clock; reads nothing but the alarm itself."""

    rule_types = (rule_types.EVENT,)
    name = "events"

    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        """Nothing to read."""

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        shape = EventShape.from_stored(leaf.rule)
        if shape.timeout is None and shape.reset_after is None:
            return NOTHING_DUE
        return judge(leaf.alarm, shape, now)

    @classmethod
    def from_config(cls, conf: Any, storage: Any) -> EventTimeoutSource:
        """Always there."""
        return cls()
