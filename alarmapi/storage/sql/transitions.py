"""What the evaluator writes and reads: due alarms, transitions with their history and
notification in one transaction."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import sqlalchemy as sa

from alarmapi.model import Alarm, AlarmChange, Notification
from alarmapi.storage.models import alarm_table, history_table
from alarmapi.storage.sql import alarms, outbox


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


def mark_evaluated(conn: sa.Connection, alarm_ids: list[str], when: datetime.datetime) -> None:
    """Record when these alarms were evaluated (one statement)."""
    if alarm_ids:
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id.in_(alarm_ids))
                     .values(evaluate_timestamp=when))


def record(conn: sa.Connection, alarm: Alarm, state: str, reason: str,
           when: datetime.datetime, change: AlarmChange | None,
           notification: Notification | None) -> bool:
    """Compare-and-swap the state from ``alarm.state``; with it the history record and
    the notification. False (nothing written) when the state moved meanwhile."""
    values: dict[str, Any] = {"evaluate_timestamp": when}
    if state != alarm.state:
        values.update(state=state, state_reason=reason, state_timestamp=when)
    moved = conn.execute(alarm_table.update().where(
        alarm_table.c.alarm_id == alarm.alarm_id, alarm_table.c.state == alarm.state)
        .values(**values)).rowcount
    if not moved:
        return False
    if change is not None:
        conn.execute(history_table.insert().values(**dataclasses.asdict(change)))
    if notification is not None:
        outbox.enqueue(conn, notification)
    return True
