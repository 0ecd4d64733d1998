"""Alarms as Alertmanager alerts: the body, the endpoint, which transitions carry the
action, and ALERTMANAGER notification methods (table-driven)."""

from __future__ import annotations

import datetime
import urllib.parse

import pytest

from alarmapi import model
from alarmapi import notification_methods as methods
from alarmapi.deliveries import Delivery
from alarmapi.notifier import alertmanager

T0 = datetime.datetime(2026, 12, 1, 12, 0, 0)


def _delivery(current: str, created: datetime.datetime = T0, project: str | None = "p1"
              ) -> Delivery:
    notification = model.Notification(
        "a1", project, "cpu-high", "critical", "ok" if current == "alarm" else "alarm",
        current, "Transition to x", {}, ["alertmanager://h"], created,
        alarm_type="threshold", description="hot")
    return Delivery(1, 1, "alertmanager://h", "k" * 32, 1, False, "c", notification,
                    current, created)


def test_a_firing_alert() -> None:
    now = T0 + datetime.timedelta(seconds=5)
    body = alertmanager.alert(_delivery("alarm"), now, 60, "https://console/{alarm_id}")
    assert body == {
        "labels": {"alertname": "cpu-high", "alarm_id": "a1", "severity": "critical",
                   "type": "threshold", "project_id": "p1"},
        "annotations": {"summary": "Transition to x", "description": "hot",
                        "state": "alarm", "previous_state": "ok"},
        "startsAt": "2026-12-01T12:00:00Z", "endsAt": "2026-12-01T12:04:05Z",
        "generatorURL": "https://console/a1"}


@pytest.mark.parametrize(("current", "created", "ends"), [
    ("ok", T0, "2026-12-01T12:00:00Z"),
    ("insufficient data", T0, "2026-12-01T12:00:00Z"),
    # A transition stamped after the notifier's clock still resolves now.
    ("ok", T0 + datetime.timedelta(minutes=5), "2026-12-01T12:00:05Z"),
])
def test_leaving_alarm_resolves(current: str, created: datetime.datetime, ends: str) -> None:
    body = alertmanager.alert(_delivery(current, created, project=None),
                              T0 + datetime.timedelta(seconds=5), 60)
    assert (body["startsAt"], body["endsAt"]) == (ends, ends)
    assert "project_id" not in body["labels"] and "generatorURL" not in body


@pytest.mark.parametrize(("action", "url"), [
    ("alertmanager://am.example", "http://am.example:9093/api/v2/alerts"),
    ("alertmanager://am.example:80/prefix/", "http://am.example:80/prefix/api/v2/alerts"),
    ("alertmanager+https://am.example", "https://am.example:9093/api/v2/alerts"),
    ("alertmanager://[::1]:9999", "http://[::1]:9999/api/v2/alerts"),
])
def test_endpoint(action: str, url: str) -> None:
    assert alertmanager.endpoint(urllib.parse.urlsplit(action)) == url


def _alarm(**fields: object) -> model.Alarm:
    base = dict(alarm_id="a", name="n", type="threshold", rule={}, project_id="p",
                user_id="u", description="", timestamp=T0, state_timestamp=T0,
                ok_actions=["http://ok"], alarm_actions=["http://x", "alertmanager://am"],
                insufficient_data_actions=[])
    base.update(fields)
    return model.Alarm(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("previous", "state", "actions"), [
    ("ok", "alarm", ["http://x", "alertmanager://am"]),
    ("alarm", "ok", ["http://ok", "alertmanager://am"]),
    ("alarm", "insufficient data", ["alertmanager://am"]),
    ("insufficient data", "ok", ["http://ok"]),
    (None, "ok", ["http://ok"]),
])
def test_leaving_alarm_runs_the_alert_actions(previous: str | None, state: str,
                                              actions: list[str]) -> None:
    assert model.actions_for(_alarm(), state, previous) == actions
    assert model.actions_for(_alarm(actions_enabled=False), state, previous) == []


def test_alertmanager_methods() -> None:
    assert methods.check("am", "alertmanager", "http://am:9093", 0, [0, 60])[1] is \
        methods.MethodType.ALERTMANAGER
    with pytest.raises(methods.InvalidMethod, match="scheme"):
        methods.check("am", "ALERTMANAGER", "ftp://am", 0, [0, 60])
    with pytest.raises(methods.InvalidMethod, match="Period"):
        methods.check("am", "ALERTMANAGER", "http://am", 60, [0, 60])
    assert methods.alertmanager_action("https://am.example/x") == \
        "alertmanager+https://am.example/x"
    assert methods.alertmanager_action("http://127.0.0.1:9093") == \
        "alertmanager://127.0.0.1:9093"
