"""The notifier's outbox on SQL: notifications with one delivery row per action.

Notifiers claim due deliveries for a lease: the claim moves ``next_attempt_at`` to the
end of the lease, so a notifier that dies leaves its deliveries to be claimed again
once the lease is over (at-least-once; the idempotency key stays the same). On
PostgreSQL and MariaDB concurrent notifiers skip each other's locked rows; everywhere
the claiming UPDATE re-checks that the row is still due, so two notifiers never both
claim one delivery.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from alarmapi.deliveries import Delivery, DeliveryRecord, DeliveryStatus, DeliveryUpdate
from alarmapi.model import Notification
from alarmapi.storage.models import alarm_table, delivery_table, notification_table
from alarmapi.storage.sql import engine as engines

T = TypeVar("T")
_D = delivery_table.c
_N = notification_table.c
_LOCKING_DIALECTS = ("postgresql", "mysql", "mariadb")
_NOTIFICATION_FIELDS = [field.name for field in dataclasses.fields(Notification)]


def _delivery_values(notification_id: int, alarm_id: str, action: str,
                     at: datetime.datetime, repeat: bool) -> dict[str, Any]:
    return {"notification_id": notification_id, "alarm_id": alarm_id, "action": action,
            "key": uuid.uuid4().hex, "repeat": repeat, "status": DeliveryStatus.PENDING.value,
            "attempts": 0, "next_attempt_at": at, "updated_at": at}


def enqueue(conn: sa.Connection, notification: Notification) -> int:
    """Write a notification and a delivery, due now, for each of its actions."""
    values = dataclasses.asdict(notification)
    (notification_id,) = conn.execute(
        notification_table.insert().values(**values)).inserted_primary_key or (None,)
    assert notification_id is not None
    rows = [_delivery_values(notification_id, notification.alarm_id, action,
                             notification.created_at, repeat=False)
            for action in notification.actions]
    if rows:
        conn.execute(delivery_table.insert(), rows)
    return int(notification_id)


def enqueue_many(conn: sa.Connection, notifications: list[Notification]) -> None:
    """``enqueue`` each notification, with two statements in all where the database
    returns the ids of many inserted rows in order (PostgreSQL, SQLite, MariaDB)."""
    in_order = conn.dialect.insert_executemany_returning_sort_by_parameter_order
    if len(notifications) < 2 or not in_order:
        for notification in notifications:
            enqueue(conn, notification)
        return
    ids = conn.execute(
        notification_table.insert().returning(_N.id, sort_by_parameter_order=True),
        [dict(vars(n)) for n in notifications]).scalars().all()
    rows = [_delivery_values(notification_id, n.alarm_id, action, n.created_at, repeat=False)
            for notification_id, n in zip(ids, notifications, strict=True)
            for action in n.actions]
    if rows:
        conn.execute(delivery_table.insert(), rows)


def _claimed(row: Any) -> Delivery:
    mapping = row._mapping
    notification = Notification(**{name: mapping[name] for name in _NOTIFICATION_FIELDS})
    return Delivery(id=mapping["id"], notification_id=mapping["notification_id"],
                    action=mapping["action"], key=mapping["key"],
                    attempts=mapping["attempts"], repeat=mapping["repeat"],
                    claim=mapping["claim"], notification=notification,
                    alarm_state=mapping["alarm_state"],
                    alarm_state_timestamp=mapping["alarm_state_timestamp"])


class SQLOutbox:
    """Deliveries to make, claimed and finished by notifiers."""

    def __init__(self, engine: sa.Engine, reader: sa.Engine) -> None:
        self.engine = engine
        self.reader = reader
        self._skip_locked = engine.dialect.name in _LOCKING_DIALECTS

    def _write(self, work: Callable[[sa.Connection], T]) -> T:
        return engines.run(self.engine.begin, work)

    def claim(self, limit: int, now: datetime.datetime, lease_until: datetime.datetime
              ) -> list[Delivery]:
        """Claim up to ``limit`` due deliveries until ``lease_until``, oldest first; of
        the deliveries of one alarm to one action, only the oldest pending one."""
        token = uuid.uuid4().hex

        def work(conn: sa.Connection) -> list[Delivery]:
            due = sa.and_(_D.status == DeliveryStatus.PENDING.value, _D.next_attempt_at <= now)
            # In order per destination: a transition's delivery waits while an earlier
            # one of the same alarm to the same action is pending (in flight or waiting
            # for a retry), so a receiver never sees "ok" and then the older "alarm".
            earlier = delivery_table.alias("earlier")
            waits = sa.exists().where(
                earlier.c.alarm_id == _D.alarm_id, earlier.c.action == _D.action,
                earlier.c.id < _D.id, earlier.c.status == DeliveryStatus.PENDING.value,
                earlier.c.repeat.is_(False))
            pick = sa.select(_D.id).where(due, ~waits).order_by(_D.next_attempt_at, _D.id
                                                                ).limit(limit)
            if self._skip_locked:
                pick = pick.with_for_update(skip_locked=True)
            ids = [row.id for row in conn.execute(pick)]
            if not ids:
                return []
            conn.execute(delivery_table.update().where(_D.id.in_(ids), due).values(
                claim=token, next_attempt_at=lease_until, attempts=_D.attempts + 1,
                updated_at=now))
            joined = delivery_table.join(notification_table, _N.id == _D.notification_id
                                         ).outerjoin(alarm_table,
                                                     alarm_table.c.alarm_id == _D.alarm_id)
            stmt = sa.select(
                _D.id, _D.notification_id, _D.action, _D.key, _D.attempts, _D.repeat,
                _D.claim, *(_N[name] for name in _NOTIFICATION_FIELDS),
                alarm_table.c.state.label("alarm_state"),
                alarm_table.c.state_timestamp.label("alarm_state_timestamp"),
            ).select_from(joined).where(_D.id.in_(ids), _D.claim == token).order_by(_D.id)
            return [_claimed(row) for row in conn.execute(stmt)]

        return self._write(work)

    def finish(self, updates: list[DeliveryUpdate], now: datetime.datetime) -> int:
        """Write the outcome of claimed deliveries (ignored for a delivery whose lease
        another notifier has taken over) and schedule the repeats; return how many
        outcomes were written."""
        if not updates:
            return 0

        groups: dict[tuple[str, str, datetime.datetime], list[DeliveryUpdate]] = {}
        for u in updates:
            groups.setdefault((u.status.value, u.result, u.next_attempt_at or now), []).append(u)

        def work(conn: sa.Connection) -> int:
            # Outcomes mostly repeat ("delivered after 1 attempt: HTTP 200 OK"): one
            # UPDATE per distinct outcome instead of one per delivery.
            written = 0
            for (status, result, next_at), members in groups.items():
                written += conn.execute(delivery_table.update().where(
                    sa.tuple_(_D.id, _D.claim).in_([(u.id, u.claim) for u in members])
                ).values(status=status, result=result, next_attempt_at=next_at, claim=None,
                         updated_at=now)).rowcount
            repeats = [u for u in updates if u.repeat_at is not None]
            if repeats:
                self._schedule_repeats(conn, repeats)
            return int(written)

        return self._write(work)

    @staticmethod
    def _schedule_repeats(conn: sa.Connection, updates: list[DeliveryUpdate]) -> None:
        sources = {row.id: row for row in conn.execute(
            sa.select(_D.id, _D.notification_id, _D.alarm_id, _D.action)
            .where(_D.id.in_([u.id for u in updates])))}
        rows = [_delivery_values(sources[u.id].notification_id, sources[u.id].alarm_id,
                                 sources[u.id].action, u.repeat_at, repeat=True)
                for u in updates if u.id in sources and u.repeat_at is not None]
        if rows:
            conn.execute(delivery_table.insert(), rows)

    def records(self, alarm_id: str, limit: int = 100) -> list[DeliveryRecord]:
        """The newest deliveries of an alarm, newest first."""
        stmt = sa.select(
            _D.id, _D.action, _N.previous, _N.current, _N.reason,
            _N.created_at.label("notified_at"), _D.status, _D.attempts, _D.result,
            _D.next_attempt_at, _D.updated_at, _D.key.label("idempotency_key"), _D.repeat,
        ).select_from(delivery_table.join(notification_table,
                                          _N.id == _D.notification_id)
                      ).where(_D.alarm_id == alarm_id).order_by(_D.id.desc()).limit(limit)
        with self.reader.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(stmt)]
        for row in rows:
            if row["status"] != DeliveryStatus.PENDING.value:
                row["next_attempt_at"] = None
        return [DeliveryRecord(**row) for row in rows]

    def purge(self, before: datetime.datetime) -> int:
        """Delete notifications older than ``before`` whose deliveries are all done
        (their deliveries go with them); return how many."""
        pending = sa.select(_D.id).where(_D.notification_id == _N.id,
                                         _D.status == DeliveryStatus.PENDING.value)
        stmt = notification_table.delete().where(_N.created_at < before,
                                                 ~sa.exists(pending))
        return self._write(lambda conn: int(conn.execute(stmt).rowcount))

    def backlog(self) -> tuple[int, datetime.datetime | None]:
        """How many deliveries are pending, and when the oldest one's transition was
        recorded (None: none pending)."""
        pending = delivery_table.join(notification_table, _N.id == _D.notification_id)
        stmt = sa.select(sa.func.count(), sa.func.min(_N.created_at)).select_from(
            pending).where(_D.status == DeliveryStatus.PENDING.value)
        with self.reader.connect() as conn:
            count, oldest = conn.execute(stmt).one()
        return int(count), oldest
