"""What the evaluator writes and reads: due alarms, transitions with their history and
notification in one transaction."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from alarmapi import history
from alarmapi.model import Alarm, AlarmChange, Notification, State
from alarmapi.storage.base import StateChange
from alarmapi.storage.models import alarm_table, history_table
from alarmapi.storage.sql import alarms, outbox, silences

#: Back to ok: the transaction that records it also ends the alarm's acknowledgements.
OK = State.OK.value


def evaluable(conn: sa.Connection, types: tuple[str, ...], after: str | None, limit: int,
              project_ids: list[str] | None = None) -> list[Alarm]:
    """Enabled alarms of the given types (and projects), by id, after ``after``."""
    stmt = sa.select(alarm_table).where(alarm_table.c.enabled.is_(True),
                                        alarm_table.c.type.in_(types))
    if project_ids is not None:
        stmt = stmt.where(alarm_table.c.project_id.in_(project_ids))
    if after is not None:
        stmt = stmt.where(alarm_table.c.alarm_id > after)
    stmt = stmt.order_by(alarm_table.c.alarm_id).limit(limit)
    return [alarms.to_alarm(row) for row in conn.execute(stmt)]


_STATE_COLUMNS = ("state", "state_timestamp", "state_reason", "evaluate_timestamp")


def current(conn: sa.Connection, types: tuple[str, ...], project_ids: list[str],
            known: Mapping[str, Alarm]) -> list[Alarm]:
    """Enabled alarms of these types and projects, by id: the state columns of all
    (one narrow read), whole rows only of those not in ``known`` as last written."""
    enabled = (alarm_table.c.enabled.is_(True), alarm_table.c.type.in_(types),
               alarm_table.c.project_id.in_(project_ids))
    rows = conn.execute(sa.select(alarm_table.c.alarm_id, alarm_table.c.timestamp,
                                  *(alarm_table.c[c] for c in _STATE_COLUMNS))
                        .where(*enabled).order_by(alarm_table.c.alarm_id)).all()
    stale = [row.alarm_id for row in rows if row.alarm_id not in known
             or known[row.alarm_id].timestamp != row.timestamp]
    fresh = {alarm.alarm_id: alarm for start in range(0, len(stale), 500)
             for alarm in map(alarms.to_alarm, conn.execute(sa.select(alarm_table).where(
                 *enabled, alarm_table.c.alarm_id.in_(stale[start:start + 500]))))}
    found = []
    for row in rows:
        alarm = fresh.get(row.alarm_id) or known.get(row.alarm_id)
        if alarm is None:  # deleted or disabled between the two reads
            continue
        if alarm.alarm_id not in fresh:  # the caller's own copy: its state brought up
            for column in _STATE_COLUMNS:
                setattr(alarm, column, row._mapping[column])
        found.append(alarm)
    return found


def mark_evaluated(conn: sa.Connection, alarm_ids: list[str], when: datetime.datetime,
                   skipped: Sequence[str] = ()) -> None:
    """Record when these alarms were evaluated, and when the ``skipped`` ones were found
    outside their time constraints (one statement each)."""
    if alarm_ids:
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id.in_(alarm_ids))
                     .values(evaluate_timestamp=when, last_evaluated_at=when))
    if skipped:
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id.in_(list(skipped)))
                     .values(last_evaluated_at=when))


def record_evaluation_errors(conn: sa.Connection, errors: dict[str, str | None]) -> None:
    """Set each alarm's evaluation_error: one statement per distinct error."""
    by_error: dict[str | None, list[str]] = {}
    for alarm_id, error in errors.items():
        by_error.setdefault(error, []).append(alarm_id)
    for error, alarm_ids in by_error.items():
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id.in_(alarm_ids))
                     .values(evaluation_error=error))


def record(conn: sa.Connection, alarm: Alarm, state: str, reason: str,
           when: datetime.datetime, change: AlarmChange | None,
           notification: Notification | None) -> bool:
    """Compare-and-swap the state from the one read (``alarm.state`` and its
    ``state_timestamp``); with it the history record, the notification and, back to
    ok, the end of the alarm's expire-on-resolve silences. False
    (nothing written) when the state was set meanwhile, even back to the same value:
    so the previous state a transition records is always the current one, and the
    history of an alarm is a chain."""
    values: dict[str, Any] = {"evaluate_timestamp": when}
    if state != alarm.state:
        values.update(state=state, state_reason=reason, state_timestamp=when)
    moved = conn.execute(alarm_table.update().where(
        alarm_table.c.alarm_id == alarm.alarm_id, alarm_table.c.state == alarm.state,
        alarm_table.c.state_timestamp == alarm.state_timestamp).values(**values)).rowcount
    if not moved:
        return False
    if change is not None:
        change = _stamped(conn, [(alarm, state, when, change)])[0]
        conn.execute(history_table.insert().values(**dataclasses.asdict(change)))
    if notification is not None:
        outbox.enqueue(conn, notification)
    if state == OK:
        silences.end_resolved(conn, [(alarm, when)])
    return True


def _stamped(conn: sa.Connection,
             moves: list[tuple[Alarm, str, datetime.datetime, AlarmChange]]
             ) -> list[AlarmChange]:
    """The transition records, each naming the silence that holds its alarm's
    notifications back (read in the recording transaction: one decision for every
    writer of transitions)."""
    held = silences.holding(conn, [(alarm, state, when) for alarm, state, when, _ in moves])
    return [history.silenced(change, held[alarm.alarm_id]) if alarm.alarm_id in held
            else change for alarm, _, _, change in moves]


_A = alarm_table.c
_READ_STATE = (_A.state == sa.bindparam("b_expected"),
               _A.state_timestamp == sa.bindparam("b_expected_at"))
_MOVE = alarm_table.update().where(_A.alarm_id == sa.bindparam("b_id"), *_READ_STATE).values(
    state=sa.bindparam("b_state"), state_reason=sa.bindparam("b_reason"),
    state_timestamp=sa.bindparam("b_when"), evaluate_timestamp=sa.bindparam("b_when"))
_STAY = alarm_table.update().where(_A.alarm_id == sa.bindparam("b_id"), *_READ_STATE).values(
    evaluate_timestamp=sa.bindparam("b_when"))


def record_many(conn: sa.Connection, changes: list[StateChange]) -> bool:
    """Write every change with a few statements (executemany); False when some state
    moved meanwhile, and the caller must then roll back and use ``record`` per change."""
    moving = [c for c in changes if c.state != c.alarm.state]
    staying = [c for c in changes if c.state == c.alarm.state]
    written = 0
    if moving:
        written += conn.execute(_MOVE, [
            {"b_id": c.alarm.alarm_id, "b_expected": c.alarm.state,
             "b_expected_at": c.alarm.state_timestamp, "b_state": c.state,
             "b_reason": c.reason, "b_when": c.when} for c in moving]).rowcount
    if staying:
        written += conn.execute(_STAY, [
            {"b_id": c.alarm.alarm_id, "b_expected": c.alarm.state,
             "b_expected_at": c.alarm.state_timestamp, "b_when": c.when}
            for c in staying]).rowcount
    if written != len(changes):
        return False
    # the fields as they are (no deep copy: nothing changes them)
    records = [dict(vars(change)) for change in _stamped(conn, [
        (c.alarm, c.state, c.when, c.change) for c in changes if c.change is not None])]
    if records:
        conn.execute(history_table.insert(), records)
    outbox.enqueue_many(conn, [c.notification for c in changes if c.notification is not None])
    silences.end_resolved(conn, [(c.alarm, c.when) for c in changes if c.state == OK])
    return True
