"""Evaluation accounting (extension, capability alarms:evaluation_accounting): each alarm
shows when the evaluator last took care of it and how many cycles it missed since, so
a silently stuck alarm is visible; both are accepted back by a GET-then-PUT."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import sqlalchemy as sa
import webtest

from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.models import alarm_table

USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
RULE = {"meter_name": "cpu", "threshold": 90, "period": 60, "evaluation_periods": 1}


@pytest.fixture
def api(backend_api: tuple[webtest.TestApp, Any]) -> tuple[webtest.TestApp, Any]:
    return backend_api


def _create(app: webtest.TestApp, **extra: Any) -> str:
    body = {"name": "acc", "type": "threshold", "threshold_rule": RULE, **extra}
    return str(app.post_json("/v2/alarms", body, headers=USER, status=201).json["alarm_id"])


def _age(storage: Any, alarm_id: str, seconds: int) -> None:
    """Move the alarm's last write and last evaluation ``seconds`` into the past."""
    past = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(
        seconds=seconds)
    with storage.engine.begin() as conn:
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id == alarm_id).values(
            timestamp=past, last_evaluated_at=sa.case(
                (alarm_table.c.last_evaluated_at.is_(None), None), else_=past)))


def test_a_stuck_alarm_shows_its_missed_cycles(api: tuple[webtest.TestApp, Any]) -> None:
    app, services = api
    alarm_id = _create(app)
    fresh = app.get(f"/v2/alarms/{alarm_id}", headers=USER).json
    assert "last_evaluated" not in fresh and "missed_evaluations" not in fresh

    Evaluator(services.storage).run_cycle()
    judged = app.get(f"/v2/alarms/{alarm_id}", headers=USER).json
    assert judged["missed_evaluations"] == 0 and judged["last_evaluated"]

    _age(services.storage, alarm_id, 3600)  # no cycle for an hour, at 60 s intervals
    stuck = app.get(f"/v2/alarms/{alarm_id}", headers=USER).json
    assert stuck["missed_evaluations"] == 59
    listed = app.get("/v2/alarms", headers=USER).json
    assert listed[0]["missed_evaluations"] == 59

    # Accepted back by a GET-then-PUT, and ignored: the evaluator's record is kept.
    stuck["description"] = "edited"
    put = app.put_json(f"/v2/alarms/{alarm_id}", stuck, headers=USER, status=200).json
    assert put["last_evaluated"] == stuck["last_evaluated"]
    assert put["missed_evaluations"] == 0  # just written: a cycle is not due yet


def test_never_evaluated_disabled_and_skipped_alarms(api: tuple[webtest.TestApp, Any]) -> None:
    app, services = api
    never = _create(app)
    _age(services.storage, never, 600)
    assert app.get(f"/v2/alarms/{never}", headers=USER).json["missed_evaluations"] == 9

    disabled = _create(app, enabled=False)
    _age(services.storage, disabled, 600)
    assert "missed_evaluations" not in app.get(f"/v2/alarms/{disabled}", headers=USER).json

    # Outside its time constraint the alarm is not judged, but it is taken care of.
    now = datetime.datetime.now(datetime.UTC)
    closed = {"name": "closed", "start": f"0 {(now.hour + 12) % 24} * * *", "duration": 60,
              "timezone": "UTC"}
    skipped = _create(app, time_constraints=[closed])
    Evaluator(services.storage).run_cycle()
    shown = app.get(f"/v2/alarms/{skipped}", headers=USER).json
    assert shown["missed_evaluations"] == 0 and shown["last_evaluated"]
    assert shown["state"] == "insufficient data"


def test_advertised(api: tuple[webtest.TestApp, Any]) -> None:
    app, _ = api
    assert app.get("/v2/capabilities").json["api"]["alarms:evaluation_accounting"] is True
