"""alarmapi-listener on the machine's real RabbitMQ: events published exactly as
Ceilometer publishes them (oslo.messaging, driver messagingv2, on Ceilometer's own
exchange, topic alarm.all made unique per test) fire event alarms, end to end to a real
webhook receiver through alarmapi-notifier; kill -9 mid-stream loses and duplicates
nothing."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.integration import live
from tests.integration.ceilometer import RABBIT, Ceilometer, event
from tests.receivers import HTTPReceiver, http_receiver

P1 = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
CANARY = {"X-User-Id": "u0", "X-Project-Id": "canary", "X-Roles": "reader,member"}


@pytest.fixture
def stack(tmp_path: pathlib.Path) -> Iterator[tuple[str, Ceilometer, HTTPReceiver,
                                                    pathlib.Path]]:
    topic = f"alarm.test.{uuid.uuid4().hex[:10]}"
    config = live.write_config(tmp_path, f"sqlite:///{tmp_path}/alarmapi.sqlite", (
        f"[DEFAULT]\ntransport_url = {RABBIT}\n\n[listener]\nevent_alarm_topic = {topic}\n"
        "batch_size = 10\nbatch_timeout = 1\n\n[notifier]\ndenied_networks =\n"))
    publisher = Ceilometer(topic)
    with http_receiver() as receiver, live.server(config, workers=1) as url, \
            live.process("alarmapi-notifier", config):
        yield url, publisher, receiver, config
    publisher.close()


def create(url: str, headers: dict[str, str], **rule: Any) -> str:
    extra = {k: rule.pop(k) for k in ("repeat_actions", "alarm_actions") if k in rule}
    body = {"name": "e", "type": "event", "event_rule": rule, **extra}
    response = requests.post(url + "/v2/alarms", json=body, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    return str(response.json()["alarm_id"])


def state(url: str, alarm_id: str, headers: dict[str, str] = P1) -> str:
    return str(requests.get(f"{url}/v2/alarms/{alarm_id}/state", headers=headers,
                            timeout=10).json())


def transitions(url: str, alarm_id: str) -> list[dict[str, Any]]:
    history = requests.get(f"{url}/v2/alarms/{alarm_id}/history", headers=P1,
                           timeout=10).json()
    return [h for h in history if h["type"] == "state transition"]


def fired_by(url: str, alarm_id: str) -> list[str]:
    """The message ids of the events each recorded transition came from."""
    return [json.loads(t["detail"])["reason_data"]["event"]["message_id"]
            for t in transitions(url, alarm_id)]


def consuming(url: str, publisher: Ceilometer) -> None:
    """Publish canary events until the listener fires the canary alarm: its queue is
    then bound, and nothing published after is dropped."""
    canary = create(url, CANARY, event_type="canary")

    def fired() -> bool:
        publisher.publish(event("canary", project="canary"))
        return live.poll(lambda: state(url, canary, CANARY) == "alarm", 1.0)
    assert live.poll(fired, 60), "the listener never consumed"


def listener(config: pathlib.Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(live.BIN / "alarmapi-listener"), "--config-file",
                             str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0


def test_events_fire_alarms_as_aodh_does(stack: tuple[str, Ceilometer, HTTPReceiver,
                                                      pathlib.Path]) -> None:
    url, publisher, receiver, config = stack
    hook = receiver.url + "/hook"
    errors = create(url, P1, event_type="compute.instance.*", alarm_actions=[hook],
                    query=[{"field": "traits.state", "op": "eq", "value": "error"}])
    repeating = create(url, P1, event_type="compute.instance.update", repeat_actions=True,
                       query=[{"field": "traits.memory_mb", "op": "ge", "value": "512",
                               "type": "integer"}])
    by_type = create(url, P1, query=[{"field": "event_type", "op": "eq",
                                      "value": "compute.instance.update"}])
    broken = create(url, P1, query=[{"field": "traits.flag", "op": "eq", "value": "true",
                                     "type": "boolean"}])
    other_project = create(url, {**P1, "X-Project-Id": "p2"}, event_type="*")
    process = listener(config)
    try:
        consuming(url, publisher)
        first = event(state="error", memory_mb=1024, flag="true")
        publisher.publish(first, {"no": "message id"}, event(state="active", memory_mb=256))
        assert live.poll(lambda: state(url, errors) == "alarm", 30)
        assert live.poll(lambda: len(transitions(url, repeating)) == 1, 30)
        (recorded,) = transitions(url, errors)
        detail = json.loads(recorded["detail"])
        assert detail["transition_reason"] == (
            f"Event <id={first['message_id']},event_type=compute.instance.update> hits the "
            'query <query=[{"field": "traits.state", "op": "eq", "type": "", '
            '"value": "error"}]>.')
        assert detail["reason_data"] == {"type": "event", "event": first}
        (posted,) = receiver.wait_for(1, 30)
        assert posted.json()["reason_data"]["event"]["message_id"] == first["message_id"]
        assert state(url, by_type) == "alarm" and state(url, broken) == "alarm"
        assert state(url, other_project, {**P1, "X-Project-Id": "p2"}) == "insufficient data"

        # repeat_actions: every matching event again; the same message twice only once.
        again = event(memory_mb=600)
        publisher.publish(again, again)
        assert live.poll(lambda: len(transitions(url, repeating)) == 2, 30)
        # API writes are seen by the very next event: a reset, a new alarm.
        requests.put(f"{url}/v2/alarms/{errors}/state", json="ok", headers=P1, timeout=10)
        fresh = create(url, P1, event_type="volume.*")
        publisher.publish(event(state="error"), event("volume.create.end"))
        assert live.poll(lambda: state(url, errors) == "alarm", 30)
        assert live.poll(lambda: state(url, fresh) == "alarm", 30)
        assert len(transitions(url, repeating)) == 2  # no memory_mb: no match
    finally:
        stop(process)


def test_kill_9_mid_stream_loses_and_duplicates_nothing(
        stack: tuple[str, Ceilometer, HTTPReceiver, pathlib.Path]) -> None:
    url, publisher, _receiver, config = stack
    counter = create(url, P1, event_type="tick", repeat_actions=True)
    process = listener(config)
    consuming(url, publisher)
    # killed while it consumes the first 1,000; 300 more arrive while it is down
    first, total = 1000, 1300
    for n in range(first):
        publisher.publish(event("tick", n=n))
    assert live.poll(lambda: len(transitions(url, counter)) >= 20, 60)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    for n in range(first, total):
        publisher.publish(event("tick", n=n))
    survivor = listener(config)
    try:
        assert live.poll(lambda: len(transitions(url, counter)) >= total, 120), len(
            transitions(url, counter))
        seen = fired_by(url, counter)
        assert len(seen) == len(set(seen)) == total
    finally:
        stop(survivor)


def test_two_listeners_share_the_queue_and_fire_each_event_once(
        stack: tuple[str, Ceilometer, HTTPReceiver, pathlib.Path]) -> None:
    url, publisher, _receiver, config = stack
    counter = create(url, P1, event_type="tick", repeat_actions=True)
    first, second = listener(config), listener(config)
    try:
        consuming(url, publisher)
        duplicate = event("tick")
        for n in range(100):
            publisher.publish(event("tick", n=n))
        publisher.publish(duplicate, duplicate)   # one message id, twice
        assert live.poll(lambda: len(transitions(url, counter)) >= 101, 60)
        seen = fired_by(url, counter)
        assert len(seen) == len(set(seen)) == 101
    finally:
        stop(first)
        stop(second)


def children_of(pid: int) -> list[int]:
    found = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sorted(int(child) for child in found)


def test_workers_are_supervised_processes_sharing_the_queue(
        stack: tuple[str, Ceilometer, HTTPReceiver, pathlib.Path]) -> None:
    """[listener] workers = 2: two processes; one killed is started again; every
    event fires once; SIGTERM stops them all."""
    url, publisher, _receiver, config = stack
    workers = config.with_name("workers.conf")
    workers.write_text(config.read_text().replace("[listener]\n", "[listener]\nworkers = 2\n"))
    counter = create(url, P1, event_type="tick", repeat_actions=True)
    group = listener(workers)
    try:
        assert live.poll(lambda: len(children_of(group.pid)) == 2, 60)
        consuming(url, publisher)
        killed = children_of(group.pid)[0]
        os.kill(killed, signal.SIGKILL)
        assert live.poll(lambda: len(children_of(group.pid)) == 2
                         and killed not in children_of(group.pid), 60)
        for n in range(100):
            publisher.publish(event("tick", n=n))
        assert live.poll(lambda: len(transitions(url, counter)) >= 100, 60)
        seen = fired_by(url, counter)
        assert len(seen) == len(set(seen)) == 100
        running = children_of(group.pid)
    finally:
        stop(group)
    assert not [pid for pid in running if pathlib.Path(f"/proc/{pid}").exists()]
