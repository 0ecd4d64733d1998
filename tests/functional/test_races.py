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
    services.storage.dispose()  # type: ignore[attr-defined]
