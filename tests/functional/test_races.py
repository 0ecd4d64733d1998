"""Concurrent writers on every backend: quotas never pass, history stays a chain and
agrees with the row (issue 13, section 5)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import webtest

from alarmapi.storage.sql import SQLConnection
from tests.conftest import ADMIN, make_api

USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
WRITERS = 20


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at once; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def _event_alarm(name: str) -> dict[str, Any]:
    return {"name": name, "type": "event", "event_rule": {}}


def test_parallel_creates_never_pass_the_quota(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    api.post_json("/v2/quotas", {"project_id": "p1", "quotas": [
        {"resource": "alarms", "limit": 10}]}, headers=ADMIN, status=201)
    for round_ in range(3):
        apps = [webtest.TestApp(api.app) for _ in range(WRITERS)]
        statuses = _together([
            (lambda a=a, name=f"r{round_}-{i}": a.post_json(
                "/v2/alarms", _event_alarm(name), headers=USER,
                expect_errors=True).status_int)
            for i, a in enumerate(apps)])
        assert storage.count_alarms(project_id="p1") == 10
        assert statuses.count(201) == (10 if round_ == 0 else 0)
        assert set(statuses) <= {201, 403}
    services.storage.dispose()


def test_first_creates_of_a_new_project_all_succeed(storage: SQLConnection) -> None:
    """The first creates of a project under a quota make its lock row together: on
    MariaDB that once deadlocked and answered 500s (89 of 180 here); never now."""
    api, services = make_api(storage.url, {("api", "project_alarm_quota"): 100})
    for round_ in range(10):
        project = {**USER, "X-Project-Id": f"fresh-{round_}"}
        apps = [webtest.TestApp(api.app) for _ in range(6)]
        statuses = _together([
            (lambda a=a, name=f"f{round_}-{i}", project=project: a.post_json(
                "/v2/alarms", _event_alarm(name), headers=project,
                expect_errors=True).status_int)
            for i, a in enumerate(apps)])
        assert statuses == [201] * 6
        assert storage.count_alarms(project_id=f"fresh-{round_}") == 6
    services.storage.dispose()


class _ReadThenInterfere:
    """The storage, with a manual state PUT slipped in just after the evaluator reads
    its batch: the interleaving the race needs, made deterministic."""

    def __init__(self, storage: SQLConnection, interfere: Callable[[], None]) -> None:
        self._storage = storage
        self._interfere = interfere

    def evaluable_alarms(self, *args: Any, **kwargs: Any) -> Any:
        batch = self._storage.evaluable_alarms(*args, **kwargs)
        if batch:
            self._interfere()
            self._interfere = lambda: None
        return batch

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)


def _chain(api: webtest.TestApp, alarm_id: str) -> list[tuple[str | None, str]]:
    import json

    history = api.get(f"/v2/alarms/{alarm_id}/history", headers=USER).json
    steps = []
    for entry in reversed(history):  # oldest first
        if entry["type"] == "state transition":
            detail = json.loads(entry["detail"])
            steps.append((detail.get("previous_state"), detail["state"]))
    return steps


def test_a_transition_from_a_state_set_meanwhile_is_a_lost_race(storage: SQLConnection
                                                                ) -> None:
    import datetime
    import json

    from alarmapi.evaluator.service import Evaluator

    api, services = make_api(storage.url)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    ms = int(now.replace(tzinfo=datetime.UTC).timestamp() * 1000)
    api.post("/v2.0/metrics", json.dumps({"name": "cpu", "dimensions": {},
                                          "timestamp": ms - 20_000, "value": 99}),
             headers={"X-Auth-Token": "p1"}, content_type="application/json", status=204)
    body = {"name": "hot", "type": "threshold", "threshold_rule": {
        "meter_name": "cpu", "threshold": 90, "comparison_operator": "gt"}}
    alarm_id = api.post_json("/v2/alarms", body, headers=USER, status=201).json["alarm_id"]
    api.put_json(f"/v2/alarms/{alarm_id}/state", "ok", headers=USER)
    later = now + datetime.timedelta(seconds=30)
    for manual in ("insufficient data", "ok"):  # another state, and the same one (ABA)
        def interfere(state: str = manual) -> None:
            api.put_json(f"/v2/alarms/{alarm_id}/state", state, headers=USER)

        evaluator = Evaluator(_ReadThenInterfere(storage, interfere),  # type: ignore[arg-type]
                              clock=lambda: later)
        report = evaluator.run_cycle()
        assert (report.transitions, report.lost_races) == (0, 1)
        assert api.get(f"/v2/alarms/{alarm_id}/state", headers=USER).json == manual
    # The next cycle reads the current state and moves on from it.
    assert Evaluator(storage, clock=lambda: later).run_cycle().transitions == 1
    steps = _chain(api, alarm_id)
    assert steps[-1] == ("ok", "alarm")
    services.storage.dispose()


def _threshold(value: float, actions: list[str] | None = None) -> dict[str, Any]:
    return {"name": "w", "type": "threshold", "alarm_actions": actions or [],
            "threshold_rule": {"meter_name": "cpu", "threshold": value}}


def test_parallel_puts_leave_row_and_history_in_agreement(storage: SQLConnection) -> None:
    import json

    api, services = make_api(storage.url)
    alarm_id = api.post_json("/v2/alarms", _threshold(0), headers=USER,
                             status=201).json["alarm_id"]
    apps = [webtest.TestApp(api.app) for _ in range(WRITERS)]
    statuses = _together([
        (lambda a=a, i=i: a.put_json(f"/v2/alarms/{alarm_id}", _threshold(i + 1),
                                     headers=USER, expect_errors=True).status_int)
        for i, a in enumerate(apps)])
    assert statuses == [200] * WRITERS
    final = api.get(f"/v2/alarms/{alarm_id}", headers=USER).json
    history = api.get(f"/v2/alarms/{alarm_id}/history", headers=USER).json
    changes = [json.loads(h["detail"]) for h in history if h["type"] == "rule change"]
    assert len(changes) == WRITERS
    newest = changes[0]
    assert newest["rule"]["threshold"] == final["threshold_rule"]["threshold"]
    stamps = [h["timestamp"] for h in history]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == len(stamps)
    services.storage.dispose()


def test_if_match_makes_read_modify_write_safe(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    alarm_id = api.post_json("/v2/alarms", _threshold(1), headers=USER,
                             status=201).json["alarm_id"]
    apps = [webtest.TestApp(api.app) for _ in range(WRITERS)]

    def append(app: webtest.TestApp, n: int) -> int:
        """Read, add one action, write back with If-Match; again on a 412."""
        for _ in range(200):
            read = app.get(f"/v2/alarms/{alarm_id}", headers=USER)
            body = read.json
            body["alarm_actions"] = [*body["alarm_actions"], f"http://127.0.0.1:9/{n}"]
            written = app.put_json(f"/v2/alarms/{alarm_id}", body, expect_errors=True,
                                   headers=dict(USER, **{"If-Match": read.headers["ETag"]}))
            if written.status_int != 412:
                return written.status_int
        return 412

    statuses = _together([(lambda a=a, n=n: append(a, n)) for n, a in enumerate(apps)])
    assert statuses == [200] * WRITERS
    final = api.get(f"/v2/alarms/{alarm_id}", headers=USER).json
    assert sorted(final["alarm_actions"]) == sorted(
        f"http://127.0.0.1:9/{n}" for n in range(WRITERS))
    # A stale tag is refused and changes nothing; no If-Match is Aodh's behaviour.
    stale = api.put_json(f"/v2/alarms/{alarm_id}", _threshold(7), expect_errors=True,
                         headers=dict(USER, **{"If-Match": '"0000"'}))
    assert stale.status_int == 412
    assert api.get(f"/v2/alarms/{alarm_id}", headers=USER).json["threshold_rule"][
        "threshold"] == 1
    assert api.put_json(f"/v2/alarms/{alarm_id}", _threshold(7), headers=USER).json[
        "threshold_rule"]["threshold"] == 7
    assert api.get("/v2/capabilities").json["api"]["alarms:put:if_match"]
    services.storage.dispose()
