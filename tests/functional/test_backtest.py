"""Backtests (extension, capability alarms:backtest): the transitions an alarm would
have made over a past range are the ones the evaluator itself makes when its clock
walks through that range, and nothing is sent or written."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import webtest

from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.base import AlarmFilter, HistoryFilter
from alarmapi.storage.models import alarm_table

USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
OTHER = {"X-User-Id": "u2", "X-Project-Id": "p2", "X-Roles": "reader,member"}
# An hour ago, on a whole minute: the range every test replays.
START = (datetime.datetime.now(datetime.UTC).replace(tzinfo=None, second=0, microsecond=0)
         - datetime.timedelta(hours=1))
#: cpu per minute from START (None: no measurement that minute): low, a breach, a gap
#: with no data, a mixed stretch, high, low again.
VALUES = [10, 12, 11, 95, 96, 97, 98, None, None, None, None, 20, 97, 30, 96, 97, 98, 99,
          15, 14, 13, 12, 11, 10, 9, 95, 9, 8, 7, 6]


def _ms(when: datetime.datetime) -> int:
    return int(when.replace(tzinfo=datetime.UTC).timestamp() * 1000)


def _rule(**extra: Any) -> dict[str, Any]:
    return {"meter_name": "cpu", "threshold": 90, "comparison_operator": "gt",
            "statistic": "avg", "period": 60, "evaluation_periods": 3,
            "query": [{"field": "host", "value": "a"}], **extra}


@pytest.fixture
def api(backend_api: tuple[webtest.TestApp, Any]) -> tuple[webtest.TestApp, Any]:
    app, services = backend_api
    body = [{"name": "cpu", "dimensions": {"host": "a"},
             "timestamp": _ms(START) + i * 60_000 + 20_000, "value": v}
            for i, v in enumerate(VALUES) if v is not None]
    body.append({"name": "cpu", "dimensions": {"host": "b"},  # not the rule's host
                 "timestamp": _ms(START) + 20_000, "value": 1000})
    app.post("/v2.0/metrics", json.dumps(body), headers={"X-Auth-Token": "p1"},
             content_type="application/json", status=204)
    return app, services


def _create(app: webtest.TestApp, **extra: Any) -> str:
    body = {"name": "cpu-high", "type": "threshold", "threshold_rule": _rule(),
            "alarm_actions": ["http://127.0.0.1:9/hook"], **extra}
    return str(app.post_json("/v2/alarms", body, headers=USER, status=201).json["alarm_id"])


def _range(minutes: int = len(VALUES), **extra: Any) -> dict[str, Any]:
    end = START + datetime.timedelta(minutes=minutes)
    return {"start": START.isoformat(), "end": end.isoformat(), **extra}


def _replayed(services: Any, alarm_id: str, step_s: int, minutes: int = len(VALUES)
              ) -> list[tuple[str, str, str]]:
    """(previous, state, reason) of what the evaluator does at each moment of the range."""
    moments = [START + datetime.timedelta(seconds=step_s * k)
               for k in range(minutes * 60 // step_s + 1)]
    for moment in moments:
        Evaluator(services.storage, clock=lambda moment=moment: moment).run_cycle()
    history = services.storage.get_alarm_changes(_history_query(alarm_id))
    changes = [json.loads(h.detail) for h in reversed(history) if h.type == "state transition"]
    return [(c["previous_state"], c["state"], c["transition_reason"]) for c in changes]


def _history_query(alarm_id: str) -> HistoryFilter:
    return HistoryFilter(alarm_id=alarm_id)


def _steps(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(t["previous_state"], t["state"], t["reason"]) for t in result["transitions"]]


@pytest.mark.parametrize(("period", "step"), [(60, 60), (300, 60), (60, 30)])
def test_the_backtest_is_what_the_evaluator_does(api: tuple[webtest.TestApp, Any],
                                                 period: int, step: int) -> None:
    app, services = api
    alarm_id = _create(app, threshold_rule=_rule(period=period,
                                                 evaluation_periods=3 if period == 60 else 1))
    result = app.post_json(f"/v2/alarms/{alarm_id}/backtest", _range(step=step),
                           headers=USER, status=200).json
    assert result["alarm_id"] == alarm_id and result["step"] == step
    assert result["evaluations"] == len(VALUES) * 60 // step + 1 and result["skipped"] == 0
    assert len(result["transitions"]) >= 3
    # Nothing written, nothing queued.
    history = app.get(f"/v2/alarms/{alarm_id}/history", headers=USER).json
    assert [h["type"] for h in history] == ["creation"]
    assert services.storage.outbox.records(alarm_id, 10) == []
    assert app.get(f"/v2/alarms/{alarm_id}/state", headers=USER).json == "insufficient data"

    assert _steps(result) == _replayed(services, alarm_id, step)
    assert result["final_state"] == result["transitions"][-1]["state"]


def test_transitions_reasons_and_series(api: tuple[webtest.TestApp, Any]) -> None:
    app, _ = api
    alarm_id = _create(app)
    result = app.post_json(f"/v2/alarms/{alarm_id}/backtest", _range(step=60),
                           headers=USER).json
    first = result["transitions"][0]
    assert (first["previous_state"], first["state"]) == ("insufficient data", "ok")
    assert first["timestamp"] == (START + datetime.timedelta(minutes=3)).isoformat()
    assert first["reason"] == ("Transition to ok due to 3 samples inside threshold, "
                               "most recent: 11.0")
    assert first["reason_data"] == {"type": "threshold", "disposition": "inside", "count": 3,
                                    "most_recent": 11.0}
    assert "alarm" in [t["state"] for t in result["transitions"]]
    # The plot's data: the rule's statistic per period, host b left out.
    (series,) = result["series"]
    assert (series["threshold"], series["comparison_operator"]) == (90.0, "gt")
    assert [p["value"] for p in series["points"]] == [float(v) for v in VALUES
                                                      if v is not None]
    # Each state change with alarm_actions would have notified: one per entry into alarm.
    assert result["notifications"] == [t["state"] for t in result["transitions"]].count(
        "alarm")


def test_repeat_actions_count_every_notification(api: tuple[webtest.TestApp, Any]) -> None:
    app, _ = api
    once = app.post_json(f"/v2/alarms/{_create(app)}/backtest", _range(), headers=USER).json
    again = app.post_json(f"/v2/alarms/{_create(app, repeat_actions=True)}/backtest",
                          _range(), headers=USER).json
    assert _steps(once) == _steps(again)
    assert again["notifications"] > once["notifications"]


def test_time_constraints_skip_moments(api: tuple[webtest.TestApp, Any]) -> None:
    app, services = api
    hour = (START + datetime.timedelta(minutes=10)).strftime("%M %H")
    constraint = {"name": "ten-minutes", "start": f"{hour} * * *", "duration": 600}
    alarm_id = _create(app, time_constraints=[constraint])
    result = app.post_json(f"/v2/alarms/{alarm_id}/backtest", _range(), headers=USER).json
    assert result["evaluations"] == 11 and result["skipped"] == len(VALUES) + 1 - 11
    assert _steps(result) == _replayed(services, alarm_id, 60)


def test_an_unsaved_alarm_and_a_composite(api: tuple[webtest.TestApp, Any]) -> None:
    app, services = api
    body = {"name": "draft", "type": "composite", "composite_rule": {"or": [
        {"type": "threshold", **_rule()},
        {"type": "threshold", **_rule(threshold=1000, comparison_operator="ge")}]}}
    result = app.post_json("/v2/alarms/backtest", {"alarm": body, **_range()},
                           headers=USER, status=200).json
    assert result["alarm_id"] is None and len(result["series"]) == 2
    assert services.storage.list_alarms(_all_alarms()) == []
    saved = app.post_json("/v2/alarms", body, headers=USER, status=201).json["alarm_id"]
    assert _steps(result) == _replayed(services, saved, 60)


def _all_alarms() -> AlarmFilter:
    return AlarmFilter()


@pytest.mark.parametrize(("body", "message"), [
    (_range(step=0), "Invalid input for field/attribute step. Value: '0'. must be at least"),
    ({"start": START.isoformat(), "end": START.isoformat()},
     "Invalid input for field/attribute end."),
    ({"start": "2020-01-01T00:00:00", "end": "2021-01-01T00:00:00", "step": 60},
     "at most 10000 are allowed"),
    (_range(step=7), "with a period of 300 s this needs 300 reads"),
    ({"end": START.isoformat()}, "Mandatory field missing"),
    (_range(initial_state="on fire"), "Invalid input for field/attribute initial_state."),
])
def test_bad_ranges_are_refused(api: tuple[webtest.TestApp, Any], body: dict[str, Any],
                                message: str) -> None:
    app, _ = api
    alarm_id = _create(app, threshold_rule=_rule(period=300))
    fault = app.post_json(f"/v2/alarms/{alarm_id}/backtest", body, headers=USER,
                          status=400).json["error_message"]["faultstring"]
    assert message in fault


def test_other_rule_types_are_refused(api: tuple[webtest.TestApp, Any]) -> None:
    app, _ = api
    body = {"name": "ev", "type": "event", "event_rule": {"event_type": "compute.*"}}
    fault = app.post_json("/v2/alarms/backtest", {"alarm": body, **_range()}, headers=USER,
                          status=400).json["error_message"]["faultstring"]
    assert fault.startswith("Invalid input for field/attribute type. Value: 'event'. A "
                            "backtest reads alarmapi's metric store")


def test_a_loadbalancer_alarm_is_refused_saying_why(api: tuple[webtest.TestApp, Any]
                                                     ) -> None:
    app, _ = api
    body = {"name": "lb", "type": "loadbalancer_member_health",
            "loadbalancer_member_health_rule": {"pool_id": "p", "stack_id": "s",
                                                "autoscaling_group_id": "g"}}
    fault = app.post_json("/v2/alarms/backtest", {"alarm": body, **_range()}, headers=USER,
                          status=400).json["error_message"]["faultstring"]
    assert fault == ("Invalid input for field/attribute type. Value: "
                     "'loadbalancer_member_health'. Octavia keeps no history of member "
                     "health, so a backtest has nothing to replay")


def test_another_projects_alarm_and_data_stay_hidden(api: tuple[webtest.TestApp, Any]
                                                     ) -> None:
    app, _ = api
    alarm_id = _create(app)
    missing = app.post_json(f"/v2/alarms/{alarm_id}/backtest", _range(), headers=OTHER,
                            status=404).json["error_message"]["faultstring"]
    assert missing == f"Alarm {alarm_id} not found"
    # p2's own draft of the same rule reads p2's metrics: none.
    body = {"name": "d", "type": "threshold", "threshold_rule": _rule()}
    result = app.post_json("/v2/alarms/backtest", {"alarm": body, **_range()},
                           headers=OTHER).json
    assert result["series"][0]["points"] == [] and result["final_state"] == \
        "insufficient data"


def test_capability_and_xml(api: tuple[webtest.TestApp, Any]) -> None:
    app, _ = api
    assert app.get("/v2/capabilities").json["api"]["alarms:backtest"] is True
    alarm_id = _create(app)
    xml = app.post_json(f"/v2/alarms/{alarm_id}/backtest", _range(),
                        headers={**USER, "Accept": "application/xml"}).text
    assert "<final_state>" in xml and "<reason_data>{" in xml


NO_PROJECT = {"X-User-Id": "u3", "X-Roles": "reader,member"}


def test_a_caller_with_no_project_sees_nothing(api: tuple[webtest.TestApp, Any]) -> None:
    """Refused as every project-scoped read is, the same for an alarm that exists and
    one that does not (nothing tells them apart)."""
    app, _ = api
    alarm_id = _create(app)
    shown = app.get(f"/v2/alarms/{alarm_id}", headers=NO_PROJECT, expect_errors=True)
    answers = [app.post_json(f"/v2/alarms/{target}/backtest", _range(), headers=NO_PROJECT,
                             expect_errors=True)
               for target in (alarm_id, "00000000-0000-0000-0000-000000000000")]
    assert {(a.status_int, a.text) for a in answers} == {(shown.status_int, shown.text)}
    assert shown.status_int == 403 and alarm_id not in shown.text
    body = {"name": "d", "type": "threshold", "threshold_rule": _rule()}
    refused = app.post_json("/v2/alarms/backtest", {"alarm": body, **_range()},
                            headers=NO_PROJECT, status=403)
    assert "series" not in refused.text


def test_a_malformed_stored_rule_is_a_clear_400_next_to_good_ones(
        api: tuple[webtest.TestApp, Any]) -> None:
    app, services = api
    good, bad = _create(app), _create(app)
    composite = app.post_json("/v2/alarms", {"name": "c", "type": "composite",
                                             "composite_rule": {"or": [
                                                 {"type": "threshold", **_rule()},
                                                 {"type": "threshold", **_rule()}]}},
                              headers=USER, status=201).json["alarm_id"]
    broken = {**_rule(), "evaluation_periods": "three"}
    with services.storage.engine.begin() as conn:
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id == bad)
                     .values(rule=broken))
        conn.execute(alarm_table.update().where(alarm_table.c.alarm_id == composite)
                     .values(rule={"or": [{"type": "threshold", **_rule()},
                                          {"type": "threshold", **broken}]}))
    for alarm_id in (bad, composite):
        fault = app.post_json(f"/v2/alarms/{alarm_id}/backtest", _range(), headers=USER,
                              status=400).json["error_message"]["faultstring"]
        assert fault.startswith(
            "Invalid input for field/attribute evaluation_periods. Value: 'three'.")
    assert app.post_json(f"/v2/alarms/{good}/backtest", _range(), headers=USER,
                         status=200).json["transitions"]
