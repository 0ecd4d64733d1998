"""The notifier in-process on each backend, against real receivers on loopback: what is
sent, retries, giving up, leases, refused destinations, email, notification methods."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import pathlib
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from alarmapi import clock, model
from alarmapi.cmd.notifier import build_service
from alarmapi.deliveries import DeliveryStatus, DeliveryUpdate
from alarmapi.notifier.service import NotifierService
from alarmapi.storage.sql import SQLConnection
from tests.conftest import make_api
from tests.notifying import create_alarm, transition
from tests.receivers import (
    HTTPReceiver,
    http_receiver,
    self_signed,
    server_tls,
    smtp_receiver,
)

USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
TOKEN = {"X-Auth-Token": "p1"}
AODH_KEYS = {"alarm_name", "alarm_id", "severity", "previous", "current", "reason",
             "reason_data"}


@pytest.fixture
def receiver() -> Iterator[HTTPReceiver]:
    with http_receiver() as running:
        yield running


class Rig:
    """An API, a notifier service and helpers on one database."""

    def __init__(self, storage: SQLConnection, **notifier_options: Any) -> None:
        overrides = {("notifier", "initial_backoff"): 0.0, ("notifier", "threads"): 4}
        overrides.update({("notifier", k): v for k, v in notifier_options.items()})
        self.api, self.services = make_api(storage.url, overrides)
        self.storage = storage
        self.conf = self.services.conf
        self.now = clock.utcnow()
        self.service = self.notifier()

    def notifier(self) -> NotifierService:
        return build_service(self.conf, self.storage, clock=lambda: self.now)

    def alarm(self, actions: list[str]) -> model.Alarm:
        return create_alarm(self.api, self.storage, actions)

    def transition(self, alarm: model.Alarm, state: str) -> model.Alarm:
        moved = transition(self.storage, alarm, state)
        self.now = max(self.now, moved.state_timestamp)
        return moved

    def deliveries(self, alarm: model.Alarm) -> list[Any]:
        return self.storage.outbox.records(alarm.alarm_id)

    def later(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


def test_webhook_gets_aodh_body_request_id_and_idempotency_key(
        storage: SQLConnection, receiver: HTTPReceiver) -> None:
    rig = Rig(storage)
    alarm = rig.transition(rig.alarm([receiver.url + "/hook?x=1"]), "alarm")
    assert rig.service.run_once() == 1
    (got,) = receiver.received
    assert got.path == "/hook?x=1"
    body = got.json()
    assert set(body) == AODH_KEYS
    assert (body["alarm_id"], body["previous"], body["current"], body["severity"]) == (
        alarm.alarm_id, "insufficient data", "alarm", "critical")
    (record,) = rig.deliveries(alarm)
    assert got.headers["Idempotency-Key"] == record.idempotency_key
    assert got.headers["x-openstack-request-id"].startswith("req-")
    assert got.headers["Content-Type"] == "application/json"
    assert (record.status, record.attempts) == ("delivered", 1)
    assert record.result == "delivered after 1 attempt: HTTP 200 OK"
    shown = rig.api.get(f"/v2/alarms/{alarm.alarm_id}/deliveries", headers=USER).json
    assert [(d["status"], d["current"], d["action"]) for d in shown] == [
        ("delivered", "alarm", receiver.url + "/hook?x=1")]
    rig.api.get(f"/v2/alarms/{alarm.alarm_id}/deliveries",
                headers=dict(USER, **{"X-Project-Id": "p2"}), status=404)
    assert rig.service.run_once() == 0  # nothing twice


def test_retries_keep_the_key_until_delivered(storage: SQLConnection,
                                              receiver: HTTPReceiver) -> None:
    rig = Rig(storage)
    receiver.answers = [503, 429]
    alarm = rig.transition(rig.alarm([receiver.url]), "alarm")
    for _ in range(3):
        assert rig.service.run_once() == 1
    keys = {r.headers["Idempotency-Key"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(keys) == 1
    assert [r.headers["X-Alarmapi-Attempt"] for r in receiver.received] == ["1", "2", "3"]
    (record,) = rig.deliveries(alarm)
    assert (record.status, record.attempts) == ("delivered", 3)
    assert rig.service.totals.retried == 2


def test_gives_up_after_max_attempts_and_on_client_errors(storage: SQLConnection,
                                                          receiver: HTTPReceiver) -> None:
    rig = Rig(storage, max_attempts=2)
    receiver.answers = [503, 503, 404]
    flaky = rig.transition(rig.alarm([receiver.url + "/flaky"]), "alarm")
    rig.service.run_once()
    (pending,) = rig.deliveries(flaky)
    assert pending.status == "pending" and pending.result.startswith("attempt 1 failed: HTTP 503")
    rig.service.run_once()
    (given_up,) = rig.deliveries(flaky)
    assert given_up.status == "failed"
    assert given_up.result == "gave up after 2 attempts: HTTP 503 Service Unavailable"
    gone = rig.transition(rig.alarm([receiver.url + "/gone"]), "alarm")
    rig.service.run_once()
    (failed,) = rig.deliveries(gone)
    assert failed.result == "failed after 1 attempt: HTTP 404 Not Found"
    assert rig.service.run_once() == 0


def test_unreachable_receiver_is_retried_later(storage: SQLConnection) -> None:
    rig = Rig(storage, initial_backoff=30.0)
    closed = HTTPReceiver()  # a free port nobody listens on
    alarm = rig.transition(rig.alarm([closed.url + "/down"]), "alarm")
    rig.service.run_once()
    (record,) = rig.deliveries(alarm)
    assert record.status == "pending" and "attempt 1 failed" in record.result
    assert rig.service.run_once() == 0  # backing off
    with http_receiver(closed.port) as back:
        rig.later(31)
        assert rig.service.run_once() == 1
        assert len(back.received) == 1
    assert rig.deliveries(alarm)[0].status == "delivered"


def test_lease_hands_a_dead_notifiers_claim_to_another(storage: SQLConnection) -> None:
    rig = Rig(storage)
    alarm = rig.transition(rig.alarm(["log://"]), "alarm")
    now = rig.now
    (first,) = storage.outbox.claim(10, now, now + datetime.timedelta(seconds=60))
    assert storage.outbox.claim(10, now, now + datetime.timedelta(seconds=60)) == []
    later = now + datetime.timedelta(seconds=61)
    (again,) = storage.outbox.claim(10, later, later + datetime.timedelta(seconds=60))
    assert (again.id, again.key, again.attempts) == (first.id, first.key, 2)
    assert again.claim != first.claim
    stale = DeliveryUpdate(first.id, first.claim, DeliveryStatus.DELIVERED, "late")
    assert storage.outbox.finish([stale], later) == 0
    fresh = DeliveryUpdate(again.id, again.claim, DeliveryStatus.DELIVERED, "ok")
    assert storage.outbox.finish([fresh], later) == 1
    assert rig.deliveries(alarm)[0].result == "ok"


def test_concurrent_claims_never_overlap(storage: SQLConnection) -> None:
    rig = Rig(storage)
    for _ in range(12):
        rig.transition(rig.alarm([f"test://{i}" for i in range(5)]), "alarm")
    claimed: list[int] = []
    lock = threading.Lock()

    def claim_until_empty() -> None:
        while True:
            batch = storage.outbox.claim(7, rig.now, rig.now + datetime.timedelta(minutes=5))
            if not batch:
                return
            with lock:
                claimed.extend(d.id for d in batch)

    threads = [threading.Thread(target=claim_until_empty) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(claimed) == 60 and len(set(claimed)) == 60


def test_one_destination_gets_an_alarms_transitions_in_order(
        storage: SQLConnection, receiver: HTTPReceiver) -> None:
    rig = Rig(storage, initial_backoff=30.0)
    receiver.answers = [503]
    alarm = rig.alarm([receiver.url + "/first"])
    for state in ("alarm", "ok", "alarm"):
        alarm = rig.transition(alarm, state)
    assert rig.service.run_once() == 1  # the oldest, refused: it backs off
    assert rig.service.run_once() == 0  # the newer ones wait behind it
    other = rig.transition(rig.alarm([receiver.url + "/other"]), "alarm")
    assert rig.service.run_once() == 1  # another alarm is not held up
    assert rig.deliveries(other)[0].status == "delivered"
    rig.later(600)
    for _ in range(3):
        assert rig.service.run_once() == 1
    assert rig.service.run_once() == 0
    states = [r.json()["current"] for r in receiver.received if r.path == "/first"]
    assert states == ["alarm", "alarm", "ok", "alarm"]


def test_denied_network_is_refused_at_delivery(storage: SQLConnection,
                                               receiver: HTTPReceiver) -> None:
    rig = Rig(storage)
    alarm = rig.transition(rig.alarm([receiver.url + "/internal"]), "alarm")
    rig.conf.set_override("denied_networks", ["127.0.0.0/8"], "notifier")
    rig.service = rig.notifier()  # the operator forbade loopback after the alarm was made
    rig.service.run_once()
    (record,) = rig.deliveries(alarm)
    assert record.status == "failed"
    assert "127.0.0.1 is in the denied network 127.0.0.0/8" in record.result
    assert receiver.received == []


def test_log_action(storage: SQLConnection, caplog: pytest.LogCaptureFixture) -> None:
    rig = Rig(storage)
    alarm = rig.transition(rig.alarm(["log://"]), "alarm")
    with caplog.at_level(logging.INFO, logger="alarmapi.notifier.log"):
        rig.service.run_once()
    assert f"Notifying alarm disk-full {alarm.alarm_id} of critical priority from " \
           "insufficient data to alarm with action log:" in caplog.text
    assert rig.deliveries(alarm)[0].result == "delivered after 1 attempt: logged"


def test_mailto_action_sends_email(storage: SQLConnection) -> None:
    with smtp_receiver() as smtp:
        rig = Rig(storage, smtp_host="127.0.0.1", smtp_port=smtp.port,
                  smtp_from="alarms@example.org")
        alarm = rig.transition(rig.alarm(["mailto:ops@example.org,dba@example.org"]), "alarm")
        rig.service.run_once()
        (message,) = smtp.wait_for(1)
    assert message["Subject"] == '[alarmapi] Alarm "disk-full" is now alarm ' \
                                 '(was insufficient data)'
    assert message["To"] == "ops@example.org, dba@example.org"
    (record,) = rig.deliveries(alarm)
    assert message["Message-ID"] == f"<{record.idempotency_key}@alarmapi>"
    text = message.get_payload()
    assert isinstance(text, str)
    assert alarm.alarm_id in text and "Transition to alarm due to 1 samples" in text
    assert record.result == ("delivered after 1 attempt: sent to ops@example.org, "
                             "dba@example.org")


def test_webhook_method_repeats_while_in_alarm(storage: SQLConnection,
                                               receiver: HTTPReceiver) -> None:
    rig = Rig(storage)
    method = rig.api.post_json("/v2.0/notification-methods", {
        "name": "pager", "type": "WEBHOOK", "address": receiver.url + "/m", "period": 60},
        headers=TOKEN, status=201).json
    alarm = rig.transition(rig.alarm([f"notification-method:{method['id']}"]), "alarm")
    rig.service.run_once()
    assert len(receiver.received) == 1
    assert rig.service.run_once() == 0  # the repeat is due in 60 s
    rig.later(61)
    rig.service.run_once()
    assert len(receiver.received) == 2
    assert receiver.received[0].headers["Idempotency-Key"] != \
        receiver.received[1].headers["Idempotency-Key"]
    alarm = rig.transition(alarm, "ok")  # announced once, and the repeats stop
    rig.later(61)
    rig.service.run_once()
    rig.later(61)
    rig.service.run_once()
    assert [r.json()["current"] for r in receiver.received] == ["alarm", "alarm", "ok"]
    statuses = [(d.repeat, d.status) for d in rig.deliveries(alarm)]
    assert (True, "cancelled") in statuses and statuses.count((True, "delivered")) == 1


def test_pagerduty_method_and_deleted_method(storage: SQLConnection,
                                            receiver: HTTPReceiver) -> None:
    rig = Rig(storage, pagerduty_url=receiver.url + "/v2/enqueue")
    pd = rig.api.post_json("/v2.0/notification-methods", {
        "name": "pd", "type": "PAGERDUTY", "address": "routing-key-1"}, headers=TOKEN).json
    doomed = rig.api.post_json("/v2.0/notification-methods", {
        "name": "gone", "type": "EMAIL", "address": "a@example.org"}, headers=TOKEN).json
    alarm = rig.transition(rig.alarm([f"notification-method:{pd['id']}",
                                      f"notification-method:{doomed['id']}"]), "alarm")
    rig.api.delete(f"/v2.0/notification-methods/{doomed['id']}", headers=TOKEN, status=204)
    rig.service.run_once()
    (event,) = receiver.received
    sent = event.json()
    assert event.path == "/v2/enqueue"
    assert (sent["routing_key"], sent["event_action"], sent["dedup_key"]) == (
        "routing-key-1", "trigger", alarm.alarm_id)
    assert sent["payload"]["severity"] == "critical"
    results = {d.action: (d.status, d.result) for d in rig.deliveries(alarm)}
    assert results[f"notification-method:{doomed['id']}"] == (
        "failed", f"failed after 1 attempt: notification method {doomed['id']} does not exist")


def test_trust_action_needs_keystone(storage: SQLConnection) -> None:
    rig = Rig(storage)
    alarm = rig.transition(rig.alarm([f"trust+http://{uuid.uuid4().hex}@127.0.0.1:9/x"]),
                           "alarm")
    rig.service.run_once()
    assert rig.deliveries(alarm)[0].result == (
        "failed after 1 attempt: trust actions need auth_mode = keystone")


def test_purge_keeps_what_is_still_pending(storage: SQLConnection) -> None:
    rig = Rig(storage)
    done = rig.transition(rig.alarm(["log://"]), "alarm")
    rig.service.run_once()
    waiting = rig.transition(rig.alarm(["http://127.0.0.1:9/never"]), "alarm")
    assert storage.outbox.purge(clock.utcnow() + datetime.timedelta(seconds=1)) == 1
    assert rig.deliveries(done) == [] and len(rig.deliveries(waiting)) == 1


def test_https_verification_ca_bundle_and_per_action_override(
        storage: SQLConnection, tmp_path: pathlib.Path) -> None:
    cert, key = self_signed(tmp_path)
    with http_receiver(tls=server_tls(cert, key)) as receiver:
        base = f"https://localhost:{receiver.port}"
        rig = Rig(storage)
        untrusted = rig.transition(rig.alarm([base + "/strict"]), "alarm")
        lax = rig.transition(rig.alarm([base + "/lax?aodh-alarm-ssl-verify=0"]), "alarm")
        rig.service.run_once()
        assert "CERTIFICATE_VERIFY_FAILED" in rig.deliveries(untrusted)[0].result
        assert rig.deliveries(lax)[0].status == "delivered"
        trusting = Rig(storage, rest_notifier_ca_bundle_certificate_path=cert)
        trusting.later(3600)
        trusting.service.run_once()
        assert rig.deliveries(untrusted)[0].status == "delivered"
        assert sorted(r.path for r in receiver.received) == [
            "/lax?aodh-alarm-ssl-verify=0", "/strict"]


def test_an_action_that_cannot_be_routed_fails_alone(storage: SQLConnection,
                                                     receiver: HTTPReceiver) -> None:
    """A stored action no URL parser accepts (written before actions were checked)
    fails by itself; the other deliveries claimed with it go out (issue 24)."""
    rig = Rig(storage)
    good = rig.alarm([receiver.url + "/good"])
    broken = dataclasses.replace(rig.alarm([receiver.url + "/other"]),
                                 alarm_actions=["http://[::1/", "trust+http://[::1/",
                                                receiver.url + "/other"])
    rig.transition(broken, "alarm")
    rig.transition(good, "alarm")
    assert rig.service.run_once() == 4
    assert sorted(r.path for r in receiver.received) == ["/good", "/other"]
    outcomes = {d.action: (d.status, d.result) for d in rig.deliveries(broken)}
    assert outcomes["http://[::1/"][0] == "failed"
    assert "the action cannot be delivered: ValueError" in outcomes["http://[::1/"][1]
    assert outcomes[receiver.url + "/other"][0] == "delivered"
