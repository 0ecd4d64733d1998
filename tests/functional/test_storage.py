"""The SQLAlchemy storage on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from alarmapi import history, model
from alarmapi.storage.base import (
    AlarmFilter,
    ComplexQuery,
    HistoryFilter,
    InvalidMarker,
    Quota,
    SortKey,
)
from alarmapi.storage.models import Base
from alarmapi.storage.sql import SQLConnection

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0, 123456)


def make_alarm(n: int, project: str = "p1", user: str = "u1", **kw: object) -> model.Alarm:
    ts = T0 + datetime.timedelta(seconds=n)
    values: dict[str, object] = dict(
        alarm_id=str(uuid.uuid4()), name=f"alarm-{n:03d}", type="event",
        rule={"event_type": "*", "query": []}, project_id=project, user_id=user,
        description="d", timestamp=ts, state_timestamp=ts,
        severity=("low", "moderate", "critical")[n % 3],
    )
    values.update(kw)
    return model.Alarm(**values)  # type: ignore[arg-type]


def creation(alarm: model.Alarm) -> model.AlarmChange:
    return history.record(alarm, model.ChangeType.CREATION, history.alarm_detail(alarm),
                          user_id=alarm.user_id, project_id=alarm.project_id,
                          timestamp=alarm.timestamp)


def test_migrations_produce_the_models(storage: SQLConnection) -> None:
    with storage.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_round_trip_keeps_every_field(storage: SQLConnection) -> None:
    alarm = make_alarm(1, ok_actions=["http://x/ok"], time_constraints=[
        {"name": "tc", "start": "0 1 * * *", "duration": 10, "timezone": "", "description": "d"}])
    storage.create_alarm(alarm, creation(alarm))
    assert storage.get_alarm(alarm.alarm_id) == alarm
    assert storage.get_alarm(alarm.alarm_id, "other-project") is None


def test_pages_with_marker_cover_every_alarm_once(storage: SQLConnection) -> None:
    alarms = [make_alarm(n) for n in range(25)]
    for alarm in alarms:
        storage.create_alarm(alarm, creation(alarm))
    for sort in ([SortKey("severity", "desc"), SortKey("name")], [SortKey("timestamp", "desc")]):
        seen: list[str] = []
        marker = None
        while True:
            page = storage.list_alarms(AlarmFilter("p1", sort=sort, limit=7, marker=marker))
            seen += [a.alarm_id for a in page]
            if len(page) < 7:
                break
            marker = page[-1].alarm_id
        assert sorted(seen) == sorted(a.alarm_id for a in alarms)
        assert len(seen) == len(set(seen))
    ranked = storage.list_alarms(AlarmFilter("p1", sort=[SortKey("severity", "desc")]))
    assert [a.severity for a in ranked[:9]] == ["critical"] * 8 + ["moderate"]


def test_unknown_or_foreign_marker_is_refused(storage: SQLConnection) -> None:
    alarm = make_alarm(1, project="p2")
    storage.create_alarm(alarm, creation(alarm))
    with pytest.raises(InvalidMarker):
        storage.list_alarms(AlarmFilter("p1", marker=alarm.alarm_id))


def test_state_compare_and_swap(storage: SQLConnection) -> None:
    alarm = make_alarm(1)
    storage.create_alarm(alarm, creation(alarm))
    change = history.record(alarm, model.ChangeType.STATE_TRANSITION, {"state": "alarm"},
                            user_id="u1", project_id="p1",
                            timestamp=T0 + datetime.timedelta(hours=1))
    assert storage.set_state(alarm.alarm_id, "alarm", "r", T0, change,
                             expected_state="ok") is None
    updated = storage.set_state(alarm.alarm_id, "alarm", "r", T0, change,
                                expected_state="insufficient data")
    assert updated is not None and updated.state == "alarm"
    changes = storage.get_alarm_changes(HistoryFilter(alarm_id=alarm.alarm_id))
    assert [c.type for c in changes] == ["state transition", "creation"]


def test_delete_removes_history_and_counts(storage: SQLConnection) -> None:
    alarms = [make_alarm(n, user="u1" if n % 2 else "u2") for n in range(6)]
    for alarm in alarms:
        storage.create_alarm(alarm, creation(alarm))
    assert storage.count_alarms(project_id="p1") == 6
    assert storage.count_alarms(user_id="u1") == 3
    assert storage.delete_alarm(alarms[0].alarm_id, "p1")
    assert not storage.delete_alarm(alarms[0].alarm_id, "p1")
    assert storage.get_alarm_changes(HistoryFilter(alarm_id=alarms[0].alarm_id)) == []
    assert storage.count_alarms(project_id="p1") == 5


def test_complex_queries(storage: SQLConnection) -> None:
    alarms = [make_alarm(n, project="p1" if n < 8 else "p2", enabled=n % 2 == 0)
              for n in range(10)]
    for alarm in alarms:
        storage.create_alarm(alarm, creation(alarm))

    def names(tree: dict[str, object] | None, scope: str | None = "p1", **kw: object) -> list[str]:
        query = ComplexQuery(filter=tree, **kw)  # type: ignore[arg-type]
        return [a.name for a in storage.query_alarms(query, scope)]

    assert names({"=~": {"name": "alarm-00[12]"}}, orderby=[SortKey("name")]) == [
        "alarm-001", "alarm-002"]
    assert len(names({"and": [{"=": {"enabled": True}}, {"not": {"in": {"name": [
        "alarm-000", "alarm-002"]}}}]})) == 2
    assert len(names({">=": {"timestamp": (T0 + datetime.timedelta(seconds=5)).isoformat()}},
                     scope=None)) == 5
    assert names(None, scope="p2", orderby=[SortKey("name", "desc")], limit=1) == ["alarm-009"]


def test_quotas(storage: SQLConnection) -> None:
    storage.set_quotas([Quota("p1", "alarms", 5)])
    storage.set_quotas([Quota("p1", "alarms", 7), Quota("p1", "alarms", 2, user_id="u1")])
    assert sorted(storage.get_quotas("p1"), key=lambda q: q.user_id) == [
        Quota("p1", "alarms", 7), Quota("p1", "alarms", 2, "u1")]
    storage.delete_quotas("p1")
    assert storage.get_quotas("p1") == []
