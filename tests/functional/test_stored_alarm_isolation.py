"""No stored alarm stops another's evaluation (issue 24): whole alarm rows holding
arbitrary JSON in every column, written straight into the database on each backend
beside good alarms, never keep the evaluator, the listener, a backtest or the notifier
from doing the good alarms' work; each bad row fails alone."""

from __future__ import annotations

import datetime
import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alarmapi import model, rule_kinds
from alarmapi.api.context import Services
from alarmapi.cmd.notifier import build_service
from alarmapi.evaluator.service import Evaluator
from alarmapi.listener.service import EventHandler, ListenerReport
from alarmapi.notifier.service import NotifierService
from alarmapi.storage.models import alarm_table, delivery_table
from tests import databases
from tests.conftest import make_api
from tests.functional.test_evaluator_cycle import NOW, NOW_MS
from tests.receivers import HTTPReceiver

GOOD = {"X-User-Id": "u-good", "X-Project-Id": "good", "X-Roles": "reader,member"}
ADMIN = {"X-User-Id": "u-admin", "X-Project-Id": "admin", "X-Roles": "admin"}
SETTINGS = settings(max_examples=int(os.environ.get("STORED_ALARM_EXAMPLES", "40")),
                    deadline=None, derandomize=not os.environ.get("STORED_ALARM_EXAMPLES"),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
BEFORE = NOW - datetime.timedelta(hours=1)

# Text every backend can hold (PostgreSQL refuses NUL in text and JSON).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=12)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40)
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12)
CRONS = st.sampled_from(["0 0 31 2 *", "* * * * *", "0 8 * * *", "nonsense", "61 * * * *",
                         "", "0 0 29 2 *"])
RULE_KEYS = ("meter_name", "threshold", "comparison_operator", "statistic", "period",
             "evaluation_periods", "query", "field", "op", "value", "type", "event_type",
             "timeout", "reset_after", "metric", "metrics", "resource_id", "resource_type",
             "aggregation_method", "granularity", "pool_id", "stack_id",
             "autoscaling_group_id", "and", "or", "exclude_outliers")
NEAR_RULE = st.dictionaries(st.sampled_from(RULE_KEYS), JSON | CRONS, max_size=8)
RULES = JSON | NEAR_RULE | st.builds(lambda op, leaves: {op: leaves},
                                     st.sampled_from(["and", "or"]),
                                     st.lists(NEAR_RULE | JSON, max_size=3))
CONSTRAINT = st.dictionaries(st.sampled_from(["name", "start", "duration", "timezone"]),
                             JSON | CRONS | st.sampled_from(["Mars/Olympus", "UTC"]),
                             max_size=4)
CONSTRAINTS = JSON | st.lists(CONSTRAINT, max_size=3)
ACTION = st.sampled_from(["http://[::1/", "http://127.0.0.1:9/x", "mailto:", "nope://x",
                          "notification-method:x", "", "alertmanager://[::1", "log://",
                          "trust+http://[::1/"]) | TEXT
ACTIONS = JSON | st.lists(ACTION | JSON, max_size=3)
STATES = st.sampled_from([s.value for s in model.State]) | TEXT
ROWS = st.fixed_dictionaries({
    "name": TEXT, "type": st.sampled_from(rule_kinds.EVALUATED_TYPES) | TEXT,
    "rule": RULES, "project_id": st.sampled_from(["good", "bad", None]),
    "user_id": st.none() | TEXT, "description": TEXT, "enabled": st.just(True),
    "ok_actions": ACTIONS, "alarm_actions": ACTIONS, "insufficient_data_actions": ACTIONS,
    "repeat_actions": st.booleans(), "time_constraints": CONSTRAINTS, "state": STATES,
    "state_reason": TEXT, "severity": st.sampled_from(["low", "critical"]) | TEXT,
    "actions_enabled": st.booleans(), "expression": st.none() | TEXT,
    "last_event_at": st.none() | st.just(BEFORE),
})


class Rig:
    """Good alarms of project ``good`` (each with a webhook), and the daemons."""

    def __init__(self, api: webtest.TestApp, services: Services,
                 receiver: HTTPReceiver) -> None:
        self.api, self.services, self.receiver = api, services, receiver
        self.storage = services.storage
        api.post("/v2.0/metrics", json.dumps([
            {"name": "load", "dimensions": {"host": "h"}, "timestamp": NOW_MS - 30_000,
             "value": 95.0}]), headers={"X-Auth-Token": "good"},
            content_type="application/json", status=204)
        hook = [f"{receiver.url}/good"]
        leaf = {"meter_name": "load", "threshold": 90, "comparison_operator": "gt",
                "period": 60, "evaluation_periods": 1, "statistic": "max"}
        self.evaluated = [
            self._create({"type": "threshold", "threshold_rule": leaf}, hook),
            self._create({"type": "composite", "composite_rule": {
                "or": [dict(leaf, type="threshold"), dict(leaf, type="threshold")]}}, hook),
            self._create({"type": "event", "event_rule": {"event_type": "beat",
                                                          "timeout": 60}}, hook),
        ]
        self.fired = self._create({"type": "event", "event_rule": {
            "event_type": "compute.instance.update"}}, hook)
        self.notifier: NotifierService = build_service(
            services.conf, self.storage, clock=lambda: NOW + datetime.timedelta(minutes=5))

    def _create(self, body: dict[str, Any], hook: list[str]) -> str:
        body = dict(body, name=f"good-{body['type']}", alarm_actions=hook,
                    time_constraints=[{"name": "always", "start": "* * * * *",
                                       "duration": 120}])
        return str(self.api.post_json("/v2/alarms", body, headers=GOOD).json["alarm_id"])

    def reset(self) -> None:
        """Every good alarm back where it started; the bad rows gone."""
        with self.storage.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(alarm_table.delete().where(alarm_table.c.name.like("bad-row-%")))
            conn.execute(alarm_table.update().values(
                state=model.State.INSUFFICIENT_DATA.value, state_timestamp=BEFORE,
                timestamp=BEFORE, last_evaluated_at=None, evaluation_error=None,
                last_event_at=None))

    def insert(self, rows: list[dict[str, Any]]) -> list[str]:
        ids = [str(uuid.uuid4()) for _ in rows]
        values = [dict(row, alarm_id=alarm_id, name=f"bad-row-{row['name']}"[:255],
                       timestamp=BEFORE, state_timestamp=BEFORE)
                  for alarm_id, row in zip(ids, rows, strict=True)]
        with self.storage.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(alarm_table.insert(), values)
        return ids

    def stored(self, alarm_id: str) -> model.Alarm:
        alarm = self.storage.get_alarm(alarm_id)
        assert alarm is not None
        return alarm


@pytest.fixture(scope="module", params=databases.BACKENDS)
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    receiver = HTTPReceiver().start()
    with databases.database(request.param) as url:
        api, services = make_api(url)
        made = Rig(api, services, receiver)
        try:
            yield made
        finally:
            made.notifier.pool.shutdown()
            services.storage.dispose()
            receiver.stop()


def _event(message_id: str) -> dict[str, Any]:
    return {"message_id": message_id, "event_type": "compute.instance.update",
            "traits": [["project_id", 1, "good"]], "generated": NOW.isoformat()}


@SETTINGS
@given(rows=st.lists(ROWS, min_size=1, max_size=4))
def test_bad_rows_never_stop_the_good_alarms(rig: Rig, rows: list[dict[str, Any]]) -> None:
    rig.reset()
    bad = rig.insert(rows)
    clock = iter(NOW + datetime.timedelta(seconds=s) for s in range(10_000))
    evaluator = Evaluator(rig.storage, clock=lambda: next(clock), batch_size=2)
    report = evaluator.run_cycle()
    signalled, _ = evaluator.run_signalled(0, min_gap_s=0)  # the ingest signal path
    assert signalled.evaluated >= 2  # the good threshold and composite alarms, again
    for alarm_id in rig.evaluated:  # judged (an event timeout fires: 60 s of silence)
        alarm = rig.stored(alarm_id)
        assert (alarm.state, alarm.evaluation_error) == ("alarm", None), alarm
        assert alarm.last_evaluated_at is not None
    assert report.evaluated >= len(rig.evaluated)
    for alarm_id in bad:  # each failed alone, or was judged, or was not due
        alarm = rig.stored(alarm_id)
        assert alarm.evaluation_error is None or alarm.evaluation_error.startswith(
            ("the rule cannot", "the alarm cannot", "the evaluation failed", "no data",
             "Prometheus", "Gnocchi", "Octavia")), alarm.evaluation_error

    listener = ListenerReport()
    handler = EventHandler(rig.storage, clock=lambda: next(clock))
    handler.handle_batch([[_event(str(uuid.uuid4()))], _event(str(uuid.uuid4()))], listener)
    handler.handle(_event(str(uuid.uuid4())), listener)
    assert rig.stored(rig.fired).state == "alarm"

    window = {"start": (NOW - datetime.timedelta(minutes=10)).isoformat(),
              "end": NOW.isoformat(), "step": 60}
    shown = rig.api.post_json(f"/v2/alarms/{rig.evaluated[0]}/backtest", window,
                              headers=GOOD).json
    assert shown["final_state"] == "alarm"
    for alarm_id in bad:  # a clear 4xx, or a backtest: never a 500
        answer = rig.api.post_json(f"/v2/alarms/{alarm_id}/backtest", window,
                                   headers=ADMIN, expect_errors=True)
        assert answer.status_int in (200, 400, 404), answer.text[:300]

    before = len(rig.receiver.received)
    for _ in range(3):  # every due delivery is attempted (bad ones fail alone)
        if rig.notifier.run_once() == 0:
            break
    good_alarms = set(rig.evaluated) | {rig.fired}
    reached = {json.loads(r.body)["alarm_id"] for r in rig.receiver.received[before:]}
    assert good_alarms <= reached
    assert _undelivered(rig) == []


def _undelivered(rig: Rig) -> list[str]:
    """Good alarms' deliveries still pending or claimed."""
    with rig.storage.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(sa.select(delivery_table.c.alarm_id,
                                      delivery_table.c.status)).all()
    good = set(rig.evaluated) | {rig.fired}
    return [f"{a}:{s}" for a, s in rows if a in good and s not in ("delivered",)]
