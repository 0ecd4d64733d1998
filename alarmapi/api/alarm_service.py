"""Alarm writes: quota, history record and storage call, in one place per operation.

Framework-free: controllers call these with plain arguments.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from alarmapi import clock, errors, history, model
from alarmapi.api.identity import Caller
from alarmapi.storage import Connection
from alarmapi.storage.base import AlarmLimits


def create(
    storage: Connection, alarm: model.Alarm, caller: Caller, limits: AlarmLimits
) -> model.Alarm:
    """Store a new alarm with its creation record, within quota (checked by the
    storage in the same transaction, so concurrent creates never pass it)."""
    record = history.record(
        alarm,
        model.ChangeType.CREATION,
        history.alarm_detail(alarm),
        user_id=caller.user_id,
        project_id=caller.project_id,
        timestamp=alarm.timestamp,
    )
    return storage.create_alarm(alarm, record, limits)


def _manual_transition(alarm: model.Alarm, state: str, caller: Caller,
                       now: datetime.datetime) -> model.AlarmChange:
    """A state set by hand, recorded in Aodh's shape (state and state_reason only)."""
    return history.record(
        alarm,
        model.ChangeType.STATE_TRANSITION,
        {"state": state, "state_reason": model.MANUAL_STATE_REASON},
        user_id=caller.user_id,
        project_id=caller.project_id,
        timestamp=now,
    )


def replace(
    storage: Connection, old: model.Alarm, new: model.Alarm, caller: Caller,
    state_transition: bool = False,
) -> model.Alarm:
    """Replace an alarm; record a rule change holding only the changed fields.

    With ``state_transition`` (the Monasca API) a change of state is recorded as a
    state transition of its own rather than as part of the rule change.
    """
    if new.timestamp <= old.timestamp:  # each version newer than the last, whatever
        new.timestamp = old.timestamp + datetime.timedelta(microseconds=1)  # the clock
    changes = history.changed_fields(old, new)
    records = []
    if state_transition and new.state != old.state:
        for field in ("state", "state_reason", "state_timestamp"):
            changes.pop(field, None)
        records.append(_manual_transition(new, new.state, caller, new.timestamp))
    if changes:
        records.insert(0, history.record(
            new,
            model.ChangeType.RULE_CHANGE,
            changes,
            user_id=caller.user_id,
            project_id=caller.project_id,
            timestamp=new.timestamp,
        ))
    return storage.update_alarm(new, records, expected=old)


#: How often a replacement is rebuilt on a fresh read when a concurrent write won,
#: and the most it waits (seconds, growing with each attempt, jittered) in between.
REPLACE_ATTEMPTS = 40
REPLACE_BACKOFF_S = 0.002


def replace_fresh(attempt: Callable[[], model.Alarm], if_match: str | None) -> model.Alarm:
    """Run ``attempt`` (read the alarm, build its replacement, ``replace``) until no
    concurrent write slips in between its read and its write: the last writer wins and
    history agrees with the row. With If-Match there is no retry: the caller named
    the version it changed, and a newer one is a 412."""
    for tries in range(1, REPLACE_ATTEMPTS + 1):
        try:
            return attempt()
        except errors.StaleAlarm as exc:
            if if_match is not None:
                raise errors.PreconditionFailed(
                    f"Alarm {exc.alarm_id} changed after the version If-Match names") from exc
            time.sleep(random.uniform(0, REPLACE_BACKOFF_S * tries))  # noqa: S311
    raise errors.StateConflict("The alarm kept changing while it was replaced; try again")


def check_if_match(if_match: str | None, alarm: model.Alarm) -> None:
    """Raise PreconditionFailed unless If-Match (when sent) names the current version."""
    if if_match is not None and not model.etag_matches(if_match, alarm):
        raise errors.PreconditionFailed(
            f"Alarm {alarm.alarm_id} is at version {model.etag(alarm)}, not {if_match}")


def set_state(
    storage: Connection, alarm: model.Alarm, state: str, caller: Caller
) -> model.Alarm:
    """Set the state by hand; always recorded, even when it does not change."""
    now = clock.utcnow()
    reason = model.MANUAL_STATE_REASON
    record = _manual_transition(alarm, state, caller, now)
    updated = storage.set_state(alarm.alarm_id, state, reason, now, record)
    if updated is None:
        raise errors.AlarmNotFound(alarm.alarm_id)
    return updated  # back to ok, its acknowledgements ended in the same transaction


def delete(storage: Connection, alarm: model.Alarm) -> None:
    """Delete an alarm and, as in Aodh, its history."""
    if not storage.delete_alarm(alarm.alarm_id, alarm.project_id):
        raise errors.AlarmNotFound(alarm.alarm_id)
