"""Several evaluators share the alarms through tooz on the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from alarmapi.evaluator.partition import HashRing
from tests import databases

REDIS = os.environ.get("ALARMAPI_TEST_REDIS", "redis://127.0.0.1:6379")


@pytest.fixture
def group() -> Iterator[bytes]:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means no usable Redis
        databases.unavailable(f"Redis at {REDIS}: {exc}")
    yield f"alarmapi-test-{uuid.uuid4().hex[:8]}".encode()


def _settle(rings: list[HashRing], members: int, seconds: float = 30) -> None:
    """Refresh until every ring sees ``members`` members (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for ring in rings:
            ring.refresh()
        if all(len(r.partitioner.ring.nodes) == members for r in rings):
            return
        time.sleep(0.2)
    raise AssertionError("the rings did not agree on their members")


def test_each_alarm_once_and_takeover(group: bytes) -> None:
    url = f"{REDIS}?timeout=3"
    rings = [HashRing(url, f"e{n}", group) for n in range(3)]
    alarms = [str(uuid.uuid4()) for _ in range(600)]
    try:
        _settle(rings, 3)
        owners = [[r for r in rings if r.owns(a)] for a in alarms]
        assert all(len(o) == 1 for o in owners)
        shares = [sum(1 for o in owners if o[0] is r) for r in rings]
        assert all(share > 100 for share in shares), shares
        rings[2].stop()
        rings = rings[:2]
        _settle(rings, 2)
        assert all(sum(r.owns(a) for r in rings) == 1 for a in alarms)
    finally:
        for ring in rings:
            ring.stop()


def test_a_killed_member_is_dropped(group: bytes) -> None:
    """kill -9 of a member: its heartbeat stops, tooz drops it after the timeout and
    the survivor owns everything."""
    url = f"{REDIS}?timeout=2"
    survivor = HashRing(url, "alive", group)
    script = ("import sys, time; from alarmapi.evaluator.partition import HashRing; "
              f"HashRing({url!r}, 'victim', {group!r}); print('joined', flush=True); "
              "time.sleep(600)")
    victim = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert victim.stdout is not None and victim.stdout.readline().strip() == "joined"
        _settle([survivor], 2)
        victim.kill()
        victim.wait(timeout=10)
        _settle([survivor], 1, seconds=30)
        assert all(survivor.owns(str(uuid.uuid4())) for _ in range(50))
    finally:
        if victim.poll() is None:
            victim.kill()
        survivor.stop()


def test_two_evaluators_evaluate_every_alarm_exactly_once(group: bytes, tmp_path: object
                                                          ) -> None:
    from alarmapi.evaluator.service import Evaluator
    from tests.conftest import make_api

    api, services = make_api(f"sqlite:///{tmp_path}/a.sqlite")
    user = {"X-User-Id": "u", "X-Project-Id": "p", "X-Roles": "reader,member"}
    for n in range(60):
        api.post_json("/v2/alarms", {"name": f"a{n}", "type": "threshold", "threshold_rule": {
            "meter_name": "m", "threshold": 1}}, headers=user)
    rings = [HashRing(f"{REDIS}?timeout=3", f"e{n}", group) for n in range(2)]
    try:
        _settle(rings, 2)
        reports = [Evaluator(services.storage, partition=r).run_cycle() for r in rings]
        assert sum(r.evaluated for r in reports) == 60
        assert all(r.evaluated > 0 for r in reports)
    finally:
        for ring in rings:
            ring.stop()
        services.storage.dispose()


def test_evaluator_workers_are_processes_sharing_the_alarms(group: bytes,
                                                            tmp_path: object) -> None:
    """[evaluator] workers = 2 with a coordination URL: two supervised processes, each
    alarm evaluated by one of them per cycle."""
    import json
    import pathlib
    import signal

    from tests.conftest import make_api
    from tests.integration import live

    directory = pathlib.Path(str(tmp_path))
    url = f"sqlite:///{directory}/a.sqlite"
    api, services = make_api(url)
    user = {"X-User-Id": "u", "X-Project-Id": "p", "X-Roles": "reader,member"}
    for n in range(60):
        api.post_json("/v2/alarms", {"name": f"a{n}", "type": "threshold", "threshold_rule": {
            "meter_name": "m", "threshold": 1}}, headers=user)
    services.storage.dispose()
    report = directory / "cycles.jsonl"
    config = live.write_config(directory, url, (
        f"[evaluator]\nworkers = 2\nevaluation_interval = 1\ncycle_report_file = {report}\n"
        f"\n[coordination]\nbackend_url = {REDIS}?timeout=3\n"))

    def shared() -> bool:
        if not report.exists():
            return False
        last: dict[int, int] = {}
        for line in report.read_text().splitlines():
            cycle = json.loads(line)
            last[cycle["pid"]] = cycle["alarms"]
        return len(last) == 2 and sum(last.values()) == 60 and 0 not in last.values()

    evaluators = subprocess.Popen([str(live.BIN / "alarmapi-evaluator"), "--config-file",
                                   str(config)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
    try:
        assert live.poll(shared, 90)
    finally:
        evaluators.send_signal(signal.SIGTERM)
        assert evaluators.wait(timeout=90) == 0
