"""Alarm quotas checked inside the create's transaction, under a per-project lock."""

from __future__ import annotations

import sqlalchemy as sa

from alarmapi.errors import QuotaExceeded
from alarmapi.storage.base import QUOTA_RESOURCE, AlarmLimits
from alarmapi.storage.models import project_lock_table, quota_table
from alarmapi.storage.sql import alarms

_LOCK = project_lock_table


def ensure_lock_row(conn: sa.Connection, project_id: str) -> None:
    """Create the project's lock row, in a transaction of its own before the create's:
    concurrent first inserts of one key inside the creates' transactions deadlock on
    MariaDB (each waits for the others' shared locks), an update of an existing row
    only queues."""
    exists = conn.execute(sa.select(_LOCK.c.project_id).where(
        _LOCK.c.project_id == project_id)).first()
    if exists is None:
        try:
            with conn.begin_nested():
                conn.execute(_LOCK.insert().values(project_id=project_id))
        except sa.exc.IntegrityError:  # created meanwhile by a concurrent create
            pass


def lock_project(conn: sa.Connection, project_id: str) -> None:
    """Hold the project's lock row until the transaction ends (a row lock on
    PostgreSQL and MariaDB, the database's write lock on SQLite); the row is made by
    ensure_lock_row first, and here too if it was not."""
    touch = _LOCK.update().where(_LOCK.c.project_id == project_id).values(
        project_id=project_id)
    if conn.execute(touch).rowcount:
        return
    ensure_lock_row(conn, project_id)
    conn.execute(touch)


def project_limit(conn: sa.Connection, project_id: str, default: int) -> int:
    """The project's alarm limit: its stored quota, else the configured default."""
    stored = conn.execute(sa.select(quota_table.c.limit).where(
        quota_table.c.project_id == project_id, quota_table.c.user_id == "",
        quota_table.c.resource == QUOTA_RESOURCE)).scalar()
    return int(stored) if stored is not None else default


def check(conn: sa.Connection, project_id: str | None, user_id: str | None,
          limits: AlarmLimits) -> None:
    """Raise QuotaExceeded when one more alarm would pass the user's or the project's
    limit; each count is one indexed COUNT."""
    if project_id is not None:  # first: MariaDB's snapshot starts at the first read
        lock_project(conn, project_id)
    if user_id is not None and limits.user >= 0:
        if alarms.count(conn, None, user_id) >= limits.user:
            raise QuotaExceeded(user_id, project_id)
    if project_id is not None:
        limit = project_limit(conn, project_id, limits.project)
        if limit >= 0 and alarms.count(conn, project_id, None) >= limit:
            raise QuotaExceeded(user_id, project_id)


def applies(conn: sa.Connection, project_id: str | None, user_id: str | None,
            limits: AlarmLimits) -> bool:
    """Whether any quota limits this create (read before its transaction: without one,
    a create neither counts nor locks)."""
    if user_id is not None and limits.user >= 0:
        return True
    return project_id is not None and project_limit(conn, project_id, limits.project) >= 0
