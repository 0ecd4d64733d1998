"""alarmapi-notifier as real processes on a real database: end to end from a measurement
to a webhook, an email and a log line; kill -9 mid-delivery; receiver down; database
connections severed; two notifiers sharing the work."""

from __future__ import annotations

import collections
import json
import pathlib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from alarmapi.storage.sql import SQLConnection
from tests import databases
from tests.conftest import make_api
from tests.integration.live import poll, process
from tests.notifying import ADMIN, create_alarm, transition
from tests.receivers import HTTPReceiver, http_receiver, smtp_receiver

BIN = pathlib.Path(sys.executable).parent


def write_config(tmp_path: pathlib.Path, url: str, **notifier: Any) -> pathlib.Path:
    options = {"initial_backoff": 0.2, "max_backoff": 1.0, "poll_interval": 0.05}
    options.update(notifier)
    lines = "".join(f"{k} = {v}\n" for k, v in options.items())
    config = tmp_path / f"notifier-{time.monotonic_ns()}.conf"
    config.write_text(f"[DEFAULT]\nlog_file = {config.with_suffix('.log')}\n"
                      f"[database]\nconnection = {url}\n[notifier]\n{lines}"
                      "[evaluator]\nevaluation_interval = 1\n")
    return config


def statuses(storage: SQLConnection, alarm_id: str) -> collections.Counter[str]:
    return collections.Counter(d.status for d in storage.outbox.records(alarm_id, 10_000))


@pytest.fixture
def pg_url() -> Iterator[str]:
    with databases.database("postgresql") as url:
        yield url


def test_measurement_to_webhook_email_and_log(tmp_path: pathlib.Path, pg_url: str) -> None:
    api, services = make_api(pg_url)
    with http_receiver() as receiver, smtp_receiver() as smtp:
        body = {"name": "hot", "type": "threshold", "severity": "moderate",
                "alarm_actions": [receiver.url + "/hook", "log://", "mailto:ops@example.org"],
                "threshold_rule": {"meter_name": "temp", "threshold": 50,
                                   "comparison_operator": "gt", "period": 60,
                                   "evaluation_periods": 1}}
        alarm_id = api.post_json("/v2/alarms", body, headers=ADMIN).json["alarm_id"]
        config = write_config(tmp_path, pg_url, smtp_host="127.0.0.1", smtp_port=smtp.port)
        with process("alarmapi-evaluator", config), process("alarmapi-notifier", config):
            sample = [{"name": "temp", "dimensions": {}, "value": 80.0,
                       "timestamp": int(time.time() * 1000) - 2000}]
            api.post("/v2.0/metrics", json.dumps(sample), headers={"X-Auth-Token": "p1"},
                     content_type="application/json", status=204)
            (hook,) = receiver.wait_for(1)
            (mail,) = smtp.wait_for(1)
            assert poll(lambda: statuses(services.storage, alarm_id)["delivered"] == 3)
    sent = hook.json()
    assert (sent["alarm_id"], sent["previous"], sent["current"], sent["severity"]) == (
        alarm_id, "insufficient data", "alarm", "moderate")
    assert sent["reason"].startswith("Transition to alarm due to 1 samples outside")
    assert mail["Subject"] == '[alarmapi] Alarm "hot" is now alarm (was insufficient data)'
    assert f"Notifying alarm hot {alarm_id} of moderate priority" in \
        config.with_suffix(".log").read_text()


def test_kill_9_mid_delivery_delivers_again_with_the_same_key(tmp_path: pathlib.Path,
                                                               pg_url: str) -> None:
    api, services = make_api(pg_url)
    storage = services.storage
    with http_receiver() as receiver:
        alarm = transition(storage, create_alarm(api, storage, [receiver.url]), "alarm")
        config = write_config(tmp_path, pg_url, lease=2)
        receiver.hold.clear()  # the first attempt hangs in the receiver
        with process("alarmapi-notifier", config) as first:
            assert len(receiver.wait_for(1)) == 1
            first.kill()
            first.wait(30)
        receiver.hold.set()
        assert statuses(storage, alarm.alarm_id) == {"pending": 1}
        with process("alarmapi-notifier", config):
            got = receiver.wait_for(2)
            assert poll(lambda: statuses(storage, alarm.alarm_id) == {"delivered": 1})
    assert len(got) == 2
    assert got[0].headers["Idempotency-Key"] == got[1].headers["Idempotency-Key"]
    (record,) = storage.outbox.records(alarm.alarm_id)
    assert record.attempts == 2


def test_receiver_down_for_a_while(tmp_path: pathlib.Path, pg_url: str) -> None:
    api, services = make_api(pg_url)
    storage = services.storage
    receiver = HTTPReceiver()  # its port is closed until start()
    actions = [f"{receiver.url}/{i}" for i in range(20)]
    alarm = transition(storage, create_alarm(api, storage, actions), "alarm")
    with process("alarmapi-notifier", write_config(tmp_path, pg_url)):
        assert poll(lambda: all(d.attempts >= 2 for d in storage.outbox.records(
            alarm.alarm_id)))
        assert statuses(storage, alarm.alarm_id) == {"pending": 20}
        receiver.start()
        try:
            assert poll(lambda: statuses(storage, alarm.alarm_id) == {"delivered": 20})
        finally:
            receiver.stop()
    assert sorted(r.path for r in receiver.received) == sorted(f"/{i}" for i in range(20))


def _sever_connections(url: str) -> int:
    """Terminate every server connection to the test database (what clients see when
    the server restarts)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    engine.dispose()
    return int(count)


def test_database_connections_severed(tmp_path: pathlib.Path, pg_url: str) -> None:
    api, services = make_api(pg_url)
    storage = services.storage
    with http_receiver() as receiver:
        alarm = create_alarm(api, storage, [receiver.url + "/db"])
        with process("alarmapi-notifier", write_config(tmp_path, pg_url)):
            alarm = transition(storage, alarm, "alarm")
            receiver.wait_for(1)
            for state in ("ok", "alarm", "ok", "alarm"):
                assert _sever_connections(pg_url) >= 1
                alarm = transition(storage, alarm, state)
            assert poll(lambda: statuses(storage, alarm.alarm_id) == {"delivered": 5})
        keys = {r.headers["Idempotency-Key"] for r in receiver.received}
    assert len(keys) == 5
    assert [r.json()["current"] for r in receiver.received][-1] == "alarm"


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
def test_two_notifiers_share_without_double_delivery(tmp_path: pathlib.Path,
                                                     backend: str) -> None:
    with databases.database(backend) as url:
        api, services = make_api(url)
        storage = services.storage
        with http_receiver() as receiver:
            actions = [f"{receiver.url}/{i}" for i in range(300)]
            alarm = create_alarm(api, storage, actions)
            config = write_config(tmp_path, url, batch_size=20)
            with process("alarmapi-notifier", config), process("alarmapi-notifier", config):
                alarm = transition(storage, alarm, "alarm")
                assert poll(lambda: statuses(storage, alarm.alarm_id) == {"delivered": 300})
            keys = collections.Counter(r.headers["Idempotency-Key"]
                                       for r in receiver.received)
        storage.dispose()
    assert len(keys) == 300 and set(keys.values()) == {1}


def test_workers_are_supervised_processes_sharing_the_outbox(tmp_path: pathlib.Path,
                                                              pg_url: str) -> None:
    """[notifier] workers = 2 (Aodh's meaning: processes): two children deliver
    everything once; SIGTERM to the command stops both."""
    api, services = make_api(pg_url)
    storage = services.storage
    with http_receiver() as receiver:
        alarm = create_alarm(api, storage, [f"{receiver.url}/{i}" for i in range(200)])
        config = write_config(tmp_path, pg_url, batch_size=10, workers=2)
        with process("alarmapi-notifier", config) as group:
            children = pathlib.Path(f"/proc/{group.pid}/task/{group.pid}/children")
            assert poll(lambda: len(children.read_text().split()) == 2)
            pids = children.read_text().split()
            alarm = transition(storage, alarm, "alarm")
            assert poll(lambda: statuses(storage, alarm.alarm_id) == {"delivered": 200})
        keys = collections.Counter(r.headers["Idempotency-Key"] for r in receiver.received)
    assert len(keys) == 200 and set(keys.values()) == {1}
    assert not [pid for pid in pids if pathlib.Path(f"/proc/{pid}").exists()]


def test_workers_die_with_a_killed_supervisor(tmp_path: pathlib.Path, pg_url: str) -> None:
    """kill -9 of alarmapi-notifier with [notifier] workers = 2: both children stop
    (parent-death signal), a restart runs two workers again, not four, and every
    delivery is sent, each with one idempotency key on all its attempts."""
    api, services = make_api(pg_url)
    storage = services.storage
    with http_receiver() as receiver:
        alarm = create_alarm(api, storage, [f"{receiver.url}/{i}" for i in range(40)])
        config = write_config(tmp_path, pg_url, batch_size=5, workers=2, lease=2)
        receiver.hold.clear()  # attempts hang in the receiver while the parent dies
        first = subprocess.Popen([str(BIN / "alarmapi-notifier"), "--config-file",
                                  str(config)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            old = _children(first.pid, 2)
            alarm = transition(storage, alarm, "alarm")
            assert receiver.wait_for(1)
            first.kill()
            first.wait(30)
            receiver.hold.set()
            assert poll(lambda: not [p for p in old if _alive(p)])
        finally:
            if first.poll() is None:
                first.kill()
        with process("alarmapi-notifier", config) as again:
            assert len(_children(again.pid, 2)) == 2
            assert poll(lambda: statuses(storage, alarm.alarm_id) == {"delivered": 40})
            assert len(_children(again.pid, 2)) == 2
    by_path: dict[str, set[str]] = collections.defaultdict(set)
    for request in receiver.received:
        by_path[request.path].add(request.headers["Idempotency-Key"])
    assert len(by_path) == 40 and all(len(keys) == 1 for keys in by_path.values())


def _children(pid: int, count: int) -> list[int]:
    """The child pids of ``pid`` once there are ``count`` of them (bounded wait)."""
    listed = pathlib.Path(f"/proc/{pid}/task/{pid}/children")
    assert poll(lambda: len(listed.read_text().split()) == count)
    return [int(p) for p in listed.read_text().split()]


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
