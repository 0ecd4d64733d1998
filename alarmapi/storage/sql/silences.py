"""Silences on SQL."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from alarmapi import model, silences
from alarmapi.silences import Matcher, Silence
from alarmapi.storage.models import silence_table
from alarmapi.storage.sql import engine as engines

_S = silence_table.c
LOG = logging.getLogger(__name__)


def _silence(row: Any) -> Silence:
    values = dict(row._mapping)
    values["matchers"] = [Matcher(**m) for m in values["matchers"]]
    return Silence(**values)


def _readable(rows: list[Any]) -> list[Silence]:
    """The silences of these rows; a row that does not parse (written by hand or by a
    bug) is left out with a warning, so it never holds back or breaks anything."""
    found = []
    for row in rows:
        try:
            found.append(_silence(row))
        except (TypeError, KeyError, ValueError):
            LOG.warning("silence %s cannot be read: matchers %r", row.id, row.matchers)
    return found


def _values(silence: Silence) -> dict[str, Any]:
    values = dataclasses.asdict(silence)
    values["matchers"] = [dataclasses.asdict(m) for m in silence.matchers]
    return values


def _scoped(stmt: Any, project_id: str | None) -> Any:
    return stmt if project_id is None else stmt.where(_S.project_id == project_id)


class SQLSilences(engines.Store):
    """Projects' silences."""

    def create(self, silence: Silence) -> Silence:
        """Store a new silence."""
        self._write(lambda conn: conn.execute(silence_table.insert().values(
            **_values(silence))))
        return silence

    def get(self, silence_id: str, project_id: str | None) -> Silence | None:
        """One silence (of ``project_id`` unless None)."""
        stmt = _scoped(sa.select(silence_table).where(_S.id == silence_id), project_id)
        rows = self._read(lambda conn: list(conn.execute(stmt)))
        return next(iter(_readable(rows)), None)

    def find(self, project_id: str | None, now: datetime.datetime, expired: bool,
             limit: int) -> list[Silence]:
        """Silences (of ``project_id`` unless None), newest first; ended ones too
        with ``expired``."""
        stmt = _scoped(sa.select(silence_table), project_id)
        if not expired:
            stmt = stmt.where(sa.or_(_S.ends_at.is_(None), _S.ends_at > now))
        stmt = stmt.order_by(_S.created_at.desc(), _S.id).limit(limit)
        return _readable(self._read(lambda conn: list(conn.execute(stmt))))

    def expire(self, silence_id: str, project_id: str | None, now: datetime.datetime
               ) -> bool:
        """End a silence now; False when it does not exist (in the project)."""
        stmt = _scoped(silence_table.update().where(_S.id == silence_id), project_id)
        return self._write(lambda conn: conn.execute(stmt.values(ends_at=now)).rowcount > 0)

    def active(self, project_ids: list[str | None], now: datetime.datetime
               ) -> dict[str | None, list[Silence]]:
        """The silences of these projects that have begun and not ended, by project."""
        wanted = [p for p in project_ids if p is not None]
        condition: sa.ColumnElement[bool] = _S.project_id.in_(wanted) if wanted else \
            sa.false()
        if None in project_ids:
            condition = sa.or_(condition, _S.project_id.is_(None))
        stmt = sa.select(silence_table).where(
            condition, _S.starts_at <= now, sa.or_(_S.ends_at.is_(None), _S.ends_at > now))
        found: dict[str | None, list[Silence]] = {p: [] for p in project_ids}
        for silence in _readable(self._read(lambda conn: list(conn.execute(stmt)))):
            found.setdefault(silence.project_id, []).append(silence)
        return found


def _candidates(conn: sa.Connection, moments: Sequence[tuple[model.Alarm, datetime.datetime]],
                *, resolving_only: bool) -> list[Silence]:
    """The silences of the alarms' projects that may be active at one of the times."""
    projects = sorted({alarm.project_id for alarm, _ in moments if alarm.project_id})
    owner: sa.ColumnElement[bool] = _S.project_id.in_(projects) if projects else sa.false()
    if any(alarm.project_id is None for alarm, _ in moments):
        owner = sa.or_(owner, _S.project_id.is_(None))
    earliest, latest = min(w for _, w in moments), max(w for _, w in moments)
    stmt = sa.select(silence_table).where(
        owner, _S.starts_at <= latest, sa.or_(_S.ends_at.is_(None), _S.ends_at > earliest))
    if resolving_only:
        stmt = stmt.where(_S.expire_on_resolve.is_(True))
    return _readable(list(conn.execute(stmt)))


def _holding(candidates: Sequence[Silence], alarm: model.Alarm, when: datetime.datetime
             ) -> tuple[Silence, datetime.datetime] | None:
    fields = silences.alarm_fields(alarm.alarm_id, alarm.name, alarm.severity, alarm.type)
    mine = [s for s in candidates if s.project_id == alarm.project_id]
    return silences.silencing(mine, fields, when)


def holding(conn: sa.Connection, moves: Sequence[tuple[model.Alarm, str, datetime.datetime]]
            ) -> dict[str, str]:
    """Which active silence (by id) holds back the notifications of each alarm moving
    to a state at a time, by alarm id. A move back to ok is not held by the
    acknowledgements it ends (the notifier sends that ok)."""
    if not moves:
        return {}
    candidates = _candidates(conn, [(a, w) for a, _, w in moves], resolving_only=False)
    held = {}
    for alarm, state, when in moves:
        usable = [s for s in candidates if not (state == model.State.OK.value
                                                and s.expire_on_resolve)]
        found = _holding(usable, alarm, when)
        if found is not None:
            held[alarm.alarm_id] = found[0].id
    return held


def end_resolved(conn: sa.Connection, resolved: Sequence[tuple[model.Alarm, datetime.datetime]]
                 ) -> int:
    """End, on ``conn`` (the transaction that records the transitions), the
    expire-on-resolve silences (acknowledgements) that hold each of these alarms, now
    back to ok at the time given with it. Every writer of a transition calls this
    through the storage's transition recorder, so no path back to ok forgets it."""
    if not resolved:
        return 0
    candidates = _candidates(conn, resolved, resolving_only=True)
    ended: dict[str, datetime.datetime] = {}
    for alarm, when in resolved:
        for silence in candidates:  # every acknowledgement of it, not only the longest
            if _holding([silence], alarm, when) is not None:
                ended[silence.id] = min(when, ended.get(silence.id, when))
    for silence_id, when in ended.items():
        conn.execute(silence_table.update().where(_S.id == silence_id).values(ends_at=when))
    return len(ended)
