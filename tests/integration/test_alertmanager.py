"""Alarms handed to a real Alertmanager 0.25: the evaluator's transitions, delivered by
the notifier through an alertmanager:// action or an ALERTMANAGER notification method,
become alerts that Alertmanager groups, inhibits, silences and resolves."""

from __future__ import annotations

import datetime
import json
import pathlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from alarmapi import clock
from alarmapi.cmd.notifier import build_service
from alarmapi.evaluator.service import Evaluator
from tests import databases
from tests.conftest import make_api
from tests.integration import alertmanager_peer
from tests.receivers import http_receiver

USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
CONFIG = """
route:
  receiver: hook
  group_by: [project_id]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: {hook}
        send_resolved: true
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="low"']
    equal: [project_id]
"""


@pytest.fixture
def rig(tmp_path: pathlib.Path) -> Iterator[dict[str, Any]]:
    with http_receiver() as hook, databases.database("postgresql") as url:
        with alertmanager_peer.running(tmp_path, CONFIG.format(hook=hook.url + "/am")) as am:
            api, services = make_api(url)
            yield {"api": api, "storage": services.storage, "conf": services.conf,
                   "am": am, "hook": hook}
            services.storage.dispose()


def _post_cpu(api: Any, host: str, value: float, now: datetime.datetime) -> None:
    ms = int(now.replace(tzinfo=datetime.UTC).timestamp() * 1000)
    api.post("/v2.0/metrics", json.dumps({"name": "cpu", "dimensions": {"host": host},
                                          "timestamp": ms - 20_000, "value": value}),
             headers={"X-Auth-Token": "p1"}, content_type="application/json", status=204)


def _alarm(api: Any, name: str, host: str, severity: str, action: str) -> str:
    body = {"name": name, "type": "threshold", "severity": severity, "description": f"{name}!",
            "alarm_actions": [action],
            "threshold_rule": {"meter_name": "cpu", "threshold": 90, "comparison_operator": "gt",
                               "query": [{"field": "host", "value": host}]}}
    return str(api.post_json("/v2/alarms", body, headers=USER, status=201).json["alarm_id"])


def _alerts(am: str, **filters: str) -> list[dict[str, Any]]:
    params = [("filter", f'{k}="{v}"') for k, v in filters.items()]
    return list(requests.get(f"{am}/api/v2/alerts", params=params, timeout=10).json())


def _until(check: Any, seconds: float = 60) -> Any:
    """Poll ``check`` until it returns something truthy (bounded in time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("not reached in time")


def _deliver(rig: dict[str, Any], now: datetime.datetime) -> None:
    service = build_service(rig["conf"], rig["storage"], clock=lambda: now)
    try:
        while service.run_once():
            pass
    finally:
        service.close()


def test_alarms_become_grouped_inhibited_silenced_and_resolved_alerts(
        rig: dict[str, Any]) -> None:
    api, storage, am, hook = rig["api"], rig["storage"], rig["am"], rig["hook"]
    action = f"alertmanager://{am.removeprefix('http://')}"
    method = api.post_json("/v2.0/notification-methods", {
        "name": "am", "type": "ALERTMANAGER", "address": am},
        headers={"X-Auth-Token": "p1"}).json["id"]
    web = _alarm(api, "web-hot", "web", "moderate", action)
    _alarm(api, "db-hot", "db", "moderate", f"notification-method:{method}")
    _alarm(api, "outage", "core", "critical", action)
    disk = _alarm(api, "disk-full", "disk", "low", action)
    now = clock.utcnow() + datetime.timedelta(seconds=1)
    for host in ("web", "db", "core", "disk"):
        _post_cpu(api, host, 99, now)
    assert Evaluator(storage, clock=lambda: now).run_cycle().transitions == 4
    _deliver(rig, now)
    # Alertmanager has the alerts, with the alarms' labels and annotations.
    (alert,) = _until(lambda: _alerts(am, alarm_id=web))
    assert alert["labels"] == {"alertname": "web-hot", "alarm_id": web, "project_id": "p1",
                               "severity": "moderate", "type": "threshold"}
    assert alert["annotations"]["description"] == "web-hot!"
    assert alert["annotations"]["summary"].startswith("Transition to alarm due to 1 samples")
    # Grouping (by project): one webhook notification holds the alarms together.
    (grouped, *_) = hook.wait_for(1, where=lambda r: {"web-hot", "db-hot"} <= {
        a["labels"]["alertname"] for a in r.json().get("alerts", [])})
    assert len(grouped.json()["alerts"]) >= 2
    # Inhibition: the project's critical alert inhibits its low one.
    (inhibited,) = _until(lambda: [a for a in _alerts(am, alarm_id=disk)
                                   if a["status"]["inhibitedBy"]])
    assert inhibited["status"]["state"] == "suppressed"
    # A silence on one alarm suppresses its alert.
    start = datetime.datetime.now(datetime.UTC)
    silence = requests.post(f"{am}/api/v2/silences", timeout=10, json={
        "matchers": [{"name": "alarm_id", "value": web, "isRegex": False}],
        "startsAt": start.isoformat(), "endsAt": (start + datetime.timedelta(hours=1)
                                                  ).isoformat(),
        "createdBy": "test", "comment": "maintenance"}).json()["silenceID"]
    (silenced,) = _until(lambda: [a for a in _alerts(am, alarm_id=web)
                                  if a["status"]["silencedBy"] == [silence]])
    assert silenced["status"]["state"] == "suppressed"
    # While the alarm stays in alarm its alert is sent again.
    later = now + datetime.timedelta(seconds=rig["conf"].notifier.alertmanager_resend_interval
                                     + 1)
    _deliver(rig, later)
    assert sum(1 for r in storage.outbox.records(web) if r.status == "delivered") >= 2
    # Back to ok (no ok_actions at all): the alarm_actions' alert is resolved.
    evaluated = later + datetime.timedelta(seconds=60)
    _post_cpu(api, "web", 10, evaluated)
    assert Evaluator(storage, clock=lambda: evaluated).run_cycle().transitions >= 1
    assert api.get(f"/v2/alarms/{web}", headers=USER).json["state"] == "ok"
    _deliver(rig, evaluated)
    _until(lambda: _alerts(am, alarm_id=web) == [])
    resolved = [r for r in storage.outbox.records(web) if r.current == "ok"]
    assert [r.status for r in resolved] == ["delivered"]
