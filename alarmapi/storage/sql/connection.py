"""SQLConnection: the storage interface on SQLAlchemy, one transaction per call."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from alarmapi import self_metrics
from alarmapi.errors import AlarmNotFound, StaleAlarm
from alarmapi.model import Alarm, AlarmChange, ChangeType
from alarmapi.storage import base
from alarmapi.storage.models import (
    alarm_table,
    event_seen_table,
    history_table,
    quota_table,
)
from alarmapi.storage.sql import (
    alarms,
    complex_query,
    engine,
    ordering,
    quotas,
    silences,
    transitions,
)
from alarmapi.storage.sql.methods import SQLNotificationMethods
from alarmapi.storage.sql.metrics import SQLMetricStore
from alarmapi.storage.sql.outbox import SQLOutbox
from alarmapi.storage.sql.silences import SQLSilences

T = TypeVar("T")
_HISTORY_DEFAULT_SORT = (base.SortKey("timestamp", "desc"),)


def _to_change(row: Any) -> AlarmChange:
    return AlarmChange(**row._mapping)


class _StateMoved(Exception):
    """Some alarm of a batch of transitions changed state meanwhile."""


class SQLConnection(base.Connection):
    """Alarm storage in a SQL database."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = engine.create_engine(url, **engine_options)
        # Reads run in autocommit on their own pool: one round trip per SELECT, no
        # BEGIN/ROLLBACK around it and no isolation switch on each checkout.
        self.reader = engine.create_engine(url, isolation_level="AUTOCOMMIT", **engine_options)
        self.metrics = SQLMetricStore(self.engine, self.reader)
        self.outbox = SQLOutbox(self.engine, self.reader)
        self.methods = SQLNotificationMethods(self.engine, self.reader)
        self.silences = SQLSilences(self.engine, self.reader)

    def _read(self, work: Callable[[sa.Connection], T]) -> T:
        return engine.run(self.reader.connect, work)

    def _write(self, work: Callable[[sa.Connection], T]) -> T:
        """One transaction: everything ``work`` writes commits together or not at all."""
        return engine.run(self.engine.begin, work)

    @property
    def dialect(self) -> str:
        """The backend's name: sqlite, postgresql, mysql or mariadb."""
        return self.engine.dialect.name

    def upgrade(self) -> None:
        from alarmapi.storage import migration

        migration.upgrade(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        self.reader.dispose()

    # Alarms

    def create_alarm(self, alarm: Alarm, change: AlarmChange,
                     limits: base.AlarmLimits | None = None) -> Alarm:
        limited = limits is not None and self._read(
            lambda conn: quotas.applies(conn, alarm.project_id, alarm.user_id, limits))
        project_id = alarm.project_id
        if limited and project_id is not None:
            self._write(lambda conn: quotas.ensure_lock_row(conn, project_id))

        def work(conn: sa.Connection) -> Alarm:
            if limits is not None and limited:
                quotas.check(conn, alarm.project_id, alarm.user_id, limits)
            alarms.insert(conn, alarm)
            self._record(conn, change)
            return alarm

        return self._write(work)

    def get_alarm(self, alarm_id: str, project_id: str | None = None) -> Alarm | None:
        return self._read(lambda conn: alarms.fetch(conn, alarm_id, project_id))

    def list_alarms(self, query: base.AlarmFilter) -> list[Alarm]:
        return self._read(lambda conn: alarms.select_page(conn, query))

    def update_alarm(self, alarm: Alarm, changes: Sequence[AlarmChange] = (),
                     expected: Alarm | None = None) -> Alarm:
        def work(conn: sa.Connection) -> Alarm:
            if not alarms.replace(conn, alarm, expected):
                if expected is not None and alarms.fetch(conn, alarm.alarm_id, None):
                    raise StaleAlarm(alarm.alarm_id)
                raise AlarmNotFound(alarm.alarm_id)
            for change in changes:
                self._record(conn, change)
            return alarm

        updated = self._write(work)
        self_metrics.count_transitions("api", sum(
            c.type == ChangeType.STATE_TRANSITION.value for c in changes))
        return updated

    def set_state(
        self,
        alarm_id: str,
        state: str,
        reason: str,
        timestamp: datetime.datetime,
        change: AlarmChange,
        expected_state: str | None = None,
    ) -> Alarm | None:
        values = {"state": state, "state_reason": reason, "state_timestamp": timestamp}

        def work(conn: sa.Connection) -> Alarm | None:
            if not alarms.change_state(conn, alarm_id, values, expected_state):
                return None
            self._record(conn, change)
            updated = alarms.fetch(conn, alarm_id, None)
            if updated is not None and state == transitions.OK:
                silences.end_resolved(conn, [(updated, timestamp)])
            return updated

        updated = self._write(work)
        self_metrics.count_transitions("api", updated is not None)
        return updated

    def delete_alarm(self, alarm_id: str, project_id: str | None = None) -> bool:
        # The history goes with it: ON DELETE CASCADE on every backend (SQLite with
        # foreign_keys on, see engine.py); tested on all three.
        return self._write(lambda conn: alarms.remove(conn, alarm_id, project_id))

    def count_alarms(self, project_id: str | None = None, user_id: str | None = None) -> int:
        return self._read(lambda conn: alarms.count(conn, project_id, user_id))

    # Evaluation

    def evaluable_alarms(self, types: tuple[str, ...], after: str | None = None,
                         limit: int = 500, project_ids: list[str] | None = None
                         ) -> list[Alarm]:
        return self._read(lambda conn: transitions.evaluable(conn, types, after, limit,
                                                             project_ids))

    def current_alarms(self, types: tuple[str, ...], project_ids: list[str],
                       known: Mapping[str, Alarm]) -> list[Alarm]:
        return self._read(lambda conn: transitions.current(conn, types, project_ids, known))

    def mark_evaluated(self, alarm_ids: list[str], when: datetime.datetime,
                       skipped: Sequence[str] = ()) -> None:
        self._write(lambda conn: transitions.mark_evaluated(conn, alarm_ids, when, skipped))

    def record_events(self, events: Sequence[base.EventRecord], when: datetime.datetime
                      ) -> int | None:
        changes = [change for event in events for change in event.changes]
        matched = sorted({alarm_id for event in events for alarm_id in event.matched})

        def write(conn: sa.Connection) -> int:
            conn.execute(event_seen_table.insert(), [
                {"message_id": event.message_id, "received_at": when} for event in events])
            if changes and not transitions.record_many(conn, changes):
                raise _StateMoved
            if matched:
                conn.execute(alarm_table.update().where(
                    alarm_table.c.alarm_id.in_(matched)).values(last_event_at=when))
            return len(changes)

        try:
            recorded = self._write(write)
        except _StateMoved:
            return -1
        except sa.exc.IntegrityError:
            ids = [event.message_id for event in events]
            if self._read(lambda conn: conn.execute(sa.select(
                    event_seen_table.c.message_id).where(
                    event_seen_table.c.message_id.in_(ids))).first()) is not None:
                return None
            raise
        self_metrics.count_transitions("listener", recorded)
        return recorded

    def forget_events(self, before: datetime.datetime) -> int:
        return int(self._write(lambda conn: conn.execute(event_seen_table.delete().where(
            event_seen_table.c.received_at < before)).rowcount))

    def record_evaluation_errors(self, errors: dict[str, str | None]) -> None:
        if errors:
            self._write(lambda conn: transitions.record_evaluation_errors(conn, errors))

    def record_transitions(self, changes: list[base.StateChange]) -> list[bool]:
        if not changes:
            return []

        def together(conn: sa.Connection) -> list[bool]:
            if not transitions.record_many(conn, changes):
                raise _StateMoved  # roll back; then change by change below
            return [True] * len(changes)

        try:
            results = self._write(together)
        except _StateMoved:
            results = self._write(lambda conn: [transitions.record(
                conn, c.alarm, c.state, c.reason, c.when, c.change, c.notification)
                for c in changes])
        self_metrics.count_transitions("evaluator", sum(results))
        return results

    # History

    @staticmethod
    def _record(conn: sa.Connection, change: AlarmChange) -> None:
        conn.execute(history_table.insert().values(**dataclasses.asdict(change)))

    def get_alarm_changes(self, query: base.HistoryFilter) -> list[AlarmChange]:
        table = history_table
        stmt = sa.select(table)
        if query.alarm_id is not None:
            stmt = stmt.where(table.c.alarm_id == query.alarm_id)
        if query.on_behalf_of is not None:
            stmt = stmt.where(table.c.on_behalf_of == query.on_behalf_of)
        for field, value in query.equals.items():
            stmt = stmt.where(table.c[field] == value)
        if query.start is not None:
            col = table.c.timestamp
            stmt = stmt.where(col >= query.start if query.start_inclusive else col > query.start)
        if query.end is not None:
            col = table.c.timestamp
            stmt = stmt.where(col <= query.end if query.end_inclusive else col < query.end)
        keys = ordering.with_tiebreak(query.sort or _HISTORY_DEFAULT_SORT, "event_id")
        stmt = stmt.order_by(*ordering.order_by(table, keys))
        if query.limit:
            stmt = stmt.limit(query.limit)
        return self._read(lambda conn: [_to_change(row) for row in conn.execute(stmt)])

    # Complex queries

    def _complex(
        self, table: sa.Table, query: base.ComplexQuery, scope: sa.ColumnElement[bool] | None
    ) -> list[Any]:
        stmt = sa.select(table)
        if scope is not None:
            stmt = stmt.where(scope)
        if query.filter:
            stmt = stmt.where(complex_query.compile_filter(table, query.filter))
        keys = [
            base.SortKey(complex_query.column_for(table, k.key).name, k.direction)
            for k in query.orderby
        ]
        stmt = stmt.order_by(*ordering.order_by(table, keys or _HISTORY_DEFAULT_SORT))
        if query.limit:
            stmt = stmt.limit(query.limit)
        return self._read(lambda conn: list(conn.execute(stmt)))

    def query_alarms(self, query: base.ComplexQuery, project_id: str | None) -> list[Alarm]:
        scope = alarm_table.c.project_id == project_id if project_id is not None else None
        return [alarms.to_alarm(row) for row in self._complex(alarm_table, query, scope)]

    def query_alarm_changes(
        self, query: base.ComplexQuery, on_behalf_of: str | None
    ) -> list[AlarmChange]:
        table = history_table
        scope = table.c.on_behalf_of == on_behalf_of if on_behalf_of is not None else None
        return [_to_change(row) for row in self._complex(table, query, scope)]

    # Quotas

    def get_quotas(self, project_id: str) -> list[base.Quota]:
        stmt = sa.select(quota_table).where(quota_table.c.project_id == project_id)
        return self._read(lambda conn: [
            base.Quota(r.project_id, r.resource, r.limit, r.user_id)
            for r in conn.execute(stmt.order_by(quota_table.c.id))
        ])

    def alarm_limit(self, project_id: str, default: int) -> int:
        return self._read(lambda conn: quotas.project_limit(conn, project_id, default))

    def set_quotas(self, quotas: list[base.Quota]) -> None:
        def work(conn: sa.Connection) -> None:
            for quota in quotas:
                key = (
                    (quota_table.c.project_id == quota.project_id)
                    & (quota_table.c.user_id == quota.user_id)
                    & (quota_table.c.resource == quota.resource)
                )
                updated = conn.execute(quota_table.update().where(key).values(limit=quota.limit))
                if updated.rowcount == 0:
                    conn.execute(quota_table.insert().values(**dataclasses.asdict(quota)))

        self._write(work)

    def delete_quotas(self, project_id: str) -> None:
        self._write(lambda conn: conn.execute(
            quota_table.delete().where(quota_table.c.project_id == project_id)))
