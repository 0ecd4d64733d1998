"""Notification methods on SQL."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from alarmapi import errors
from alarmapi.notification_methods import NotificationMethod
from alarmapi.storage.models import method_table
from alarmapi.storage.sql import engine as engines

_M = method_table.c
#: What a list may be sorted by (Monasca's set).
SORT_FIELDS = ("id", "name", "type", "address", "created_at", "updated_at", "period")


class DuplicateName(errors.StateConflict):
    """Another method of the project has this name (409, Monasca's message)."""

    def __init__(self, name: str, existing_id: str) -> None:
        where = f" with id {existing_id}" if existing_id else ""
        super().__init__(f"A notification method with name {name} already exists{where}")
        self.name = name
        self.existing_id = existing_id


def _method(row: Any) -> NotificationMethod:
    return NotificationMethod(**row._mapping)


class SQLNotificationMethods(engines.Store):
    """A project's notification methods."""

    @staticmethod
    def _check_name(conn: sa.Connection, method: NotificationMethod) -> None:
        existing = conn.execute(sa.select(_M.id).where(
            _M.project_id == method.project_id, _M.name == method.name,
            _M.id != method.id)).scalar()
        if existing is not None:
            raise DuplicateName(method.name, existing)

    def create(self, method: NotificationMethod) -> NotificationMethod:
        """Store a new method; DuplicateName when the project has one of that name."""

        def work(conn: sa.Connection) -> NotificationMethod:
            self._check_name(conn, method)
            conn.execute(method_table.insert().values(**dataclasses.asdict(method)))
            return method

        try:
            return self._write(work)
        except sa.exc.IntegrityError as exc:  # a concurrent create of the same name
            raise DuplicateName(method.name, "") from exc

    def update(self, method: NotificationMethod) -> bool:
        """Replace a method's fields; False when it does not exist in its project."""

        def work(conn: sa.Connection) -> bool:
            self._check_name(conn, method)
            values = dataclasses.asdict(method)
            del values["created_at"]
            return bool(conn.execute(method_table.update().where(
                _M.id == method.id, _M.project_id == method.project_id).values(**values)
            ).rowcount)

        try:
            return self._write(work)
        except sa.exc.IntegrityError as exc:
            raise DuplicateName(method.name, "") from exc

    def get(self, method_id: str, project_id: str | None) -> NotificationMethod | None:
        """One method (of ``project_id`` unless None)."""
        stmt = sa.select(method_table).where(_M.id == method_id)
        if project_id is not None:
            stmt = stmt.where(_M.project_id == project_id)
        return self._read(lambda conn: next(map(_method, conn.execute(stmt)), None))

    def get_many(self, method_ids: list[str]) -> dict[str, NotificationMethod]:
        """The methods of these ids that exist, by id."""
        if not method_ids:
            return {}
        stmt = sa.select(method_table).where(_M.id.in_(sorted(set(method_ids))))
        return self._read(lambda conn: {m.id: m for m in map(_method, conn.execute(stmt))})

    def list(self, project_id: str, sort_by: list[tuple[str, str]], offset: int,
             limit: int | None) -> list[NotificationMethod]:
        """A page of a project's methods, sorted (by id last, so pages are stable)."""
        order = [sa.asc(_M[f]) if d == "asc" else sa.desc(_M[f]) for f, d in sort_by]
        stmt = sa.select(method_table).where(_M.project_id == project_id).order_by(
            *order, _M.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return self._read(lambda conn: [_method(row) for row in conn.execute(stmt)])

    def delete(self, method_id: str, project_id: str) -> bool:
        """Delete a method; False when it does not exist in the project."""
        stmt = method_table.delete().where(_M.id == method_id, _M.project_id == project_id)
        return self._write(lambda conn: bool(conn.execute(stmt).rowcount))
