"""Evaluation cycles on each backend: measurements in, transitions, history and
notifications out, all through the real storage."""

from __future__ import annotations

import datetime
import json
from typing import Any

import webtest

from alarmapi.evaluator.changes import state_change
from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.sql import SQLConnection
from tests.conftest import make_api

USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
# A whole minute just ahead of the wall clock: after the alarms' creation, and close
# enough for the measurements to be accepted.
NOW = (datetime.datetime.now(datetime.UTC).replace(tzinfo=None, second=0, microsecond=0)
       + datetime.timedelta(minutes=2))
NOW_MS = int(NOW.replace(tzinfo=datetime.UTC).timestamp() * 1000)


def post_values(api: webtest.TestApp, values: list[float], host: str = "a",
                minutes_back: int = 3) -> None:
    body = [{"name": "cpu", "dimensions": {"host": host},
             "timestamp": NOW_MS - (minutes_back - i) * 60_000 + 30_000, "value": v}
            for i, v in enumerate(values)]
    api.post("/v2.0/metrics", json.dumps(body), headers={"X-Auth-Token": "p1"},
             content_type="application/json", status=204)


def create(api: webtest.TestApp, **extra: Any) -> str:
    body = {"name": "cpu-high", "type": "threshold", "alarm_actions": ["http://127.0.0.1:9/a"],
            "threshold_rule": {"meter_name": "cpu", "threshold": 90, "comparison_operator": "gt",
                               "statistic": "avg", "period": 60, "evaluation_periods": 3,
                               "query": [{"field": "host", "value": "a"}]}}
    body.update(extra)
    return str(api.post_json("/v2/alarms", body, headers=USER, status=201).json["alarm_id"])


def state(api: webtest.TestApp, alarm_id: str) -> str:
    return str(api.get(f"/v2/alarms/{alarm_id}/state", headers=USER).json)


def test_threshold_alarm_goes_to_alarm_and_back(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    evaluator = Evaluator(storage, clock=lambda: NOW)
    alarm_id = create(api)
    report = evaluator.run_cycle()
    assert (report.evaluated, report.transitions) == (1, 0)  # no data: stays unknown
    post_values(api, [95, 96, 97])
    assert evaluator.run_cycle().transitions == 1
    assert state(api, alarm_id) == "alarm"
    history = api.get(f"/v2/alarms/{alarm_id}/history", headers=USER).json
    assert [h["type"] for h in history] == ["state transition", "creation"]
    assert json.loads(history[0]["detail"])["state"] == "alarm"
    (job,) = storage.outbox.records(alarm_id)
    assert (job.previous, job.current, job.action, job.status) == (
        "insufficient data", "alarm", "http://127.0.0.1:9/a", "pending")
    assert job.reason.startswith("Transition to alarm due to 3 samples outside")
    assert evaluator.run_cycle().transitions == 0  # same state, no repeat: nothing new
    later = NOW + datetime.timedelta(minutes=3)
    post_values(api, [10, 11, 12], minutes_back=0)
    assert Evaluator(storage, clock=lambda: later).run_cycle().transitions == 1
    assert state(api, alarm_id) == "ok"
    assert len(storage.outbox.records(alarm_id)) == 1  # ok_actions is empty: no job
    services.storage.dispose()


def test_repeat_actions_time_constraints_and_disabled(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    post_values(api, [95, 96, 97])
    repeating = create(api, repeat_actions=True)
    create(api, time_constraints=[{"name": "never-now", "start": "0 3 * * *",
                                   "duration": 60}])
    create(api, enabled=False)
    evaluator = Evaluator(storage, clock=lambda: NOW)
    first = evaluator.run_cycle()
    assert (first.evaluated, first.skipped, first.transitions) == (1, 1, 1)
    assert evaluator.run_cycle().transitions == 1  # repeated notification, no history
    history = api.get(f"/v2/alarms/{repeating}/history", headers=USER).json
    assert len(history) == 2
    jobs = storage.outbox.records(repeating)[::-1]
    assert [(j.previous, j.current) for j in jobs] == [
        ("insufficient data", "alarm"), ("alarm", "alarm")]
    assert jobs[1].reason.startswith("Remaining as alarm")
    services.storage.dispose()


def test_a_state_set_meanwhile_wins(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    post_values(api, [95, 96, 97])
    alarm_id = create(api)
    stale = storage.get_alarm(alarm_id)
    api.put_json(f"/v2/alarms/{alarm_id}/state", "ok", headers=USER)
    assert stale is not None
    from alarmapi.evaluator.outcome import Transition

    change = state_change(stale, Transition("insufficient data", "alarm", "r", {}),
                                     NOW)
    assert storage.record_transitions([change]) == [False]
    assert state(api, alarm_id) == "ok"
    assert storage.outbox.records(alarm_id) == []
    services.storage.dispose()


def test_composite_of_threshold_rules(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    post_values(api, [95, 96, 97], host="a")
    post_values(api, [5, 6, 7], host="b")
    leaf = {"type": "threshold", "meter_name": "cpu", "threshold": 90,
            "comparison_operator": "gt", "evaluation_periods": 3}
    rule = {"or": [dict(leaf, query=[{"field": "host", "value": "b"}]),
                   dict(leaf, query=[{"field": "host", "value": "a"}])]}
    alarm_id = api.post_json("/v2/alarms", {"name": "c", "type": "composite",
                                            "composite_rule": rule}, headers=USER,
                             status=201).json["alarm_id"]
    report = Evaluator(storage, clock=lambda: NOW).run_cycle()
    assert state(api, alarm_id) == "alarm"
    # The first leaf was read in the batch's one store read; the second alone, as the
    # "or" still needed it after the first said ok.
    assert report.store_requests == 2
    services.storage.dispose()


def test_threshold_leaves_of_many_composites_are_read_together(storage: SQLConnection
                                                               ) -> None:
    api, services = make_api(storage.url)
    post_values(api, [95, 96, 97], host="a")
    leaf = {"type": "threshold", "meter_name": "cpu", "threshold": 90,
            "comparison_operator": "gt", "evaluation_periods": 3,
            "query": [{"field": "host", "value": "a"}]}
    ids = [api.post_json("/v2/alarms", {"name": f"c{n}", "type": "composite",
                                        "composite_rule": {"or": [leaf, leaf]}},
                         headers=USER, status=201).json["alarm_id"] for n in range(5)]
    create(api)
    report = Evaluator(storage, clock=lambda: NOW).run_cycle()
    assert (report.evaluated, report.transitions, report.store_requests) == (6, 6, 1)
    assert {state(api, alarm_id) for alarm_id in ids} == {"alarm"}
    services.storage.dispose()


def test_a_signal_rejudges_composite_alarms_with_a_leaf_on_the_metric(
        storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    leaf = {"type": "threshold", "meter_name": "cpu", "threshold": 90,
            "comparison_operator": "gt"}
    other = dict(leaf, meter_name="mem", threshold=-1)
    post_values(api, [5], host="x", minutes_back=1)
    both = api.post_json("/v2/alarms", {"name": "and", "type": "composite",
                                        "composite_rule": {"and": [other, leaf]}},
                         headers=USER, status=201).json["alarm_id"]
    api.post("/v2.0/metrics", json.dumps([{"name": "mem", "dimensions": {},
                                           "timestamp": NOW_MS - 30_000, "value": 1}]),
             headers={"X-Auth-Token": "p1"}, content_type="application/json", status=204)
    evaluator = Evaluator(storage, clock=lambda: NOW)
    _, since = evaluator.run_signalled(0, min_gap_s=0)
    assert state(api, both) == "ok"  # mem breaches, cpu does not
    post_values(api, [200], host="x", minutes_back=1)  # the minute's average: 102.5
    report, _ = evaluator.run_signalled(since, min_gap_s=0)
    assert (report.evaluated, report.transitions) == (1, 1)
    assert state(api, both) == "alarm"
    services.storage.dispose()


def test_signalled_alarms_are_judged_between_cycles(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    alarm_id = create(api, threshold_rule={"meter_name": "cpu", "threshold": 90,
                                           "comparison_operator": "gt",
                                           "evaluation_periods": 1})
    create(api, threshold_rule={"meter_name": "other", "threshold": 1})
    evaluator = Evaluator(storage, clock=lambda: NOW)
    evaluator.run_cycle()
    report, since = evaluator.run_signalled(0)
    assert report.evaluated == 0
    post_values(api, [99], minutes_back=1)
    report, since = evaluator.run_signalled(since)
    assert (report.evaluated, report.transitions) == (1, 1)  # only the alarm on "cpu"
    assert state(api, alarm_id) == "alarm"
    post_values(api, [99], minutes_back=1)
    again, _ = evaluator.run_signalled(since)
    assert again.evaluated == 0  # at most one evaluation per alarm per second
    services.storage.dispose()


def test_a_batch_of_transitions_keeps_the_ones_that_did_not_race(storage: SQLConnection
                                                                  ) -> None:
    from alarmapi.evaluator.outcome import Transition

    api, services = make_api(storage.url)
    raced, clean = create(api), create(api)
    stale = [storage.get_alarm(raced), storage.get_alarm(clean)]
    api.put_json(f"/v2/alarms/{raced}/state", "ok", headers=USER)
    changes = [state_change(a, Transition("insufficient data", "alarm", "r", {}),
                                       NOW) for a in stale if a is not None]
    assert storage.record_transitions(changes) == [False, True]
    assert (state(api, raced), state(api, clean)) == ("ok", "alarm")
    assert storage.outbox.records(raced) == [] and len(storage.outbox.records(clean)) == 1
    history = api.get(f"/v2/alarms/{clean}/history", headers=USER).json
    assert history[0]["type"] == "state transition"
    services.storage.dispose()
