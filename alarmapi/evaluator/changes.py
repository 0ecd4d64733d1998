"""A transition as it is written: the alarm's new state, its history record and its
notification (built in one place, for the evaluator and the event listener). The
storage's recorder adds, in the same transaction, the silence that holds it back
(``silenced_by``) and, back to ok, the end of the alarm's acknowledgements."""

from __future__ import annotations

import dataclasses
import datetime

from alarmapi import history, model
from alarmapi.evaluator.outcome import Transition
from alarmapi.storage.base import StateChange

#: Transitions are recorded as this user (Aodh leaves them empty).
NO_USER = None


def state_change(alarm: model.Alarm, transition: Transition, now: datetime.datetime
                 ) -> StateChange:
    """The StateChange of one transition at ``now`` (never stamped before the state it
    leaves, which may have been set by hand after the cycle began: so history in time
    order is a chain of states)."""
    now = max(now, alarm.state_timestamp + datetime.timedelta(microseconds=1))
    change = None
    if not transition.repeated:
        change = history.record(
            dataclasses.replace(alarm, state=transition.current),
            model.ChangeType.STATE_TRANSITION,
            {"state": transition.current, "transition_reason": transition.reason,
             "previous_state": transition.previous, "reason_data": transition.reason_data},
            user_id=NO_USER, project_id=alarm.project_id, timestamp=now)
    actions = model.actions_for(alarm, transition.current, transition.previous)
    notification = model.Notification(
        alarm.alarm_id, alarm.project_id, alarm.name, alarm.severity, transition.previous,
        transition.current, transition.reason, transition.reason_data, actions, now,
        alarm_type=alarm.type, description=alarm.description,
    ) if actions else None
    return StateChange(alarm, transition.current, transition.reason, now, change,
                       notification)
