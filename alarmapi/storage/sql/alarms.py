"""Alarm reads and writes on one SQLAlchemy connection."""

from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa

from alarmapi.model import Alarm
from alarmapi.storage.base import AlarmFilter, InvalidMarker, SortKey
from alarmapi.storage.models import alarm_table
from alarmapi.storage.sql import ordering

DEFAULT_SORT = (SortKey("timestamp", "desc"),)


def to_alarm(row: Any) -> Alarm:
    """Build the domain alarm from a result row."""
    return Alarm(**row._mapping)


def to_values(alarm: Alarm) -> dict[str, Any]:
    """The column values of an alarm."""
    return alarm.as_dict()


def insert(conn: sa.Connection, alarm: Alarm) -> None:
    """Insert a new alarm."""
    conn.execute(alarm_table.insert().values(**to_values(alarm)))


_FETCH = sa.select(alarm_table).where(alarm_table.c.alarm_id == sa.bindparam("alarm_id"))
_FETCH_SCOPED = _FETCH.where(alarm_table.c.project_id == sa.bindparam("project_id"))


def fetch(conn: sa.Connection, alarm_id: str, project_id: str | None) -> Alarm | None:
    """Return one alarm, scoped to a project when project_id is given."""
    if project_id is None:
        row = conn.execute(_FETCH, {"alarm_id": alarm_id}).first()
    else:
        row = conn.execute(_FETCH_SCOPED, {"alarm_id": alarm_id, "project_id": project_id}
                           ).first()
    return to_alarm(row) if row is not None else None


def scoped(stmt: sa.Select[Any], project_id: str | None) -> sa.Select[Any]:
    """Limit a select to one project (None: no limit)."""
    if project_id is None:
        return stmt
    return stmt.where(alarm_table.c.project_id == project_id)


def select_page(conn: sa.Connection, query: AlarmFilter) -> list[Alarm]:
    """Run a simple query: equality filters, sort, keyset pagination."""
    stmt = scoped(sa.select(alarm_table), query.project_id)
    for field, value in query.equals.items():
        stmt = stmt.where(alarm_table.c[field] == value)
    keys = ordering.with_tiebreak(query.sort or DEFAULT_SORT, "alarm_id")
    if query.marker is not None:
        marker_stmt = scoped(
            sa.select(alarm_table).where(alarm_table.c.alarm_id == query.marker),
            query.project_id,
        )
        marker_row = conn.execute(marker_stmt).first()
        if marker_row is None:
            raise InvalidMarker(query.marker)
        stmt = stmt.where(ordering.after_marker(alarm_table, keys, marker_row))
    stmt = stmt.order_by(*ordering.order_by(alarm_table, keys))
    if query.limit:
        stmt = stmt.limit(query.limit)
    return [to_alarm(row) for row in conn.execute(stmt)]


def replace(conn: sa.Connection, alarm: Alarm, expected: Alarm | None = None) -> bool:
    """Overwrite every column of an existing alarm; False when it is gone, or (with
    ``expected``) when its version is no longer the expected one."""
    values = to_values(alarm)
    alarm_id = values.pop("alarm_id")
    stmt = alarm_table.update().where(alarm_table.c.alarm_id == alarm_id)
    if expected is not None:
        stmt = stmt.where(alarm_table.c.timestamp == expected.timestamp,
                          alarm_table.c.state_timestamp == expected.state_timestamp)
    return conn.execute(stmt.values(**values)).rowcount > 0


def change_state(
    conn: sa.Connection,
    alarm_id: str,
    values: dict[str, Any],
    expected_state: str | None,
) -> bool:
    """Compare-and-swap the state columns; False when the alarm or state moved."""
    stmt = alarm_table.update().where(alarm_table.c.alarm_id == alarm_id)
    if expected_state is not None:
        stmt = stmt.where(alarm_table.c.state == expected_state)
    return conn.execute(stmt.values(**values)).rowcount > 0


def remove(conn: sa.Connection, alarm_id: str, project_id: str | None) -> bool:
    """Delete one alarm; its history goes with it (ON DELETE CASCADE)."""
    stmt = alarm_table.delete().where(alarm_table.c.alarm_id == alarm_id)
    if project_id is not None:
        stmt = stmt.where(alarm_table.c.project_id == project_id)
    return conn.execute(stmt).rowcount > 0


def count(conn: sa.Connection, project_id: str | None, user_id: str | None) -> int:
    """One indexed COUNT of a project's and/or user's alarms."""
    stmt = sa.select(sa.func.count()).select_from(alarm_table)
    if project_id is not None:
        stmt = stmt.where(alarm_table.c.project_id == project_id)
    if user_id is not None:
        stmt = stmt.where(alarm_table.c.user_id == user_id)
    return int(conn.execute(stmt).scalar_one())


def touch_evaluated(conn: sa.Connection, alarm_id: str, when: datetime.datetime) -> None:
    """Record when the alarm was last evaluated."""
    conn.execute(
        alarm_table.update()
        .where(alarm_table.c.alarm_id == alarm_id)
        .values(evaluate_timestamp=when)
    )
