"""alarmapi-all: one command serves the whole service on SQLite. A threshold alarm posted
to its API fires its webhook after a breaching measurement with nothing else started; a
real Prometheus scraping its /metrics sees the request, the evaluation and the delivery;
a killed service process is started again; SIGTERM stops everything."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import time

import psutil
import requests

from tests.integration import live, prometheus_peer
from tests.receivers import http_receiver

USER = {"X-User-Id": "u", "X-Project-Id": "p", "X-Roles": "reader,member"}


def _service_pid(parent: psutil.Process) -> int | None:
    children = parent.children()
    return children[0].pid if children else None


def test_one_command_serves_alarms_end_to_end(tmp_path: pathlib.Path) -> None:
    port = live.free_port()
    config = tmp_path / "alarmapi.conf"
    config.write_text(f"[api]\nauth_mode = noauth\nport = {port}\n[database]\n"
                      f"connection = sqlite:///{tmp_path}/alarmapi.sqlite\n")
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "all.log"
    with open(log, "wb") as out, http_receiver() as receiver, \
            prometheus_peer.running(tmp_path, also_scrape=f"127.0.0.1:{port}") as (prom, _):
        proc = subprocess.Popen([str(live.BIN / "alarmapi-all"), "--config-file", str(config)],
                                stdout=out, stderr=subprocess.STDOUT)
        try:
            live.wait_ready(url + "/healthcheck", proc, log)  # the schema was made, too
            created = requests.post(f"{url}/v2/alarms", headers=USER, timeout=30, json={
                "name": "hot", "type": "threshold", "alarm_actions": [receiver.url + "/hook"],
                "threshold_rule": {"meter_name": "temp", "threshold": 50, "period": 60,
                                   "evaluation_periods": 1, "comparison_operator": "gt"}})
            assert created.status_code == 201, created.text
            alarm_id = created.json()["alarm_id"]
            posted = requests.post(f"{url}/v2.0/metrics", headers=USER, timeout=30, json={
                "name": "temp", "dimensions": {}, "value": 80,
                "timestamp": int(time.time() * 1000) - 5000})
            assert posted.status_code == 204, posted.text
            (hook,) = receiver.wait_for(1)
            assert (hook.path, hook.json()["alarm_id"], hook.json()["current"]) == (
                "/hook", alarm_id, "alarm")

            # Prometheus reads the service's own metrics.
            def seen(query: str) -> float | None:
                result = prometheus_peer.instant(prom, query)["result"]
                return float(result[0]["value"][1]) if result else None

            wanted = {
                'alarmapi_deliveries_total{job="alarmapi",outcome="delivered"}': 1.0,
                'alarmapi_transitions_total{job="alarmapi",by="evaluator"}': 1.0,
                'alarmapi_http_requests_total{job="alarmapi",route="/v2/alarms",'
                'method="POST",status="201"}': 1.0,
                'alarmapi_outbox_pending{job="alarmapi"}': 0.0}
            assert live.poll(lambda: all(seen(q) == v for q, v in wanted.items())), {
                q: seen(q) for q in wanted}
            assert (seen('alarmapi_evaluations_total{outcome="evaluated"}') or 0) >= 1

            # The service process killed: the parent starts it again, with a log line.
            parent = psutil.Process(proc.pid)
            first = _service_pid(parent)
            assert first is not None
            os.kill(first, signal.SIGKILL)
            assert live.poll(lambda: _service_pid(parent) not in (None, first))
            live.wait_ready(url + "/healthcheck", proc, log)
            assert requests.get(f"{url}/v2/alarms/{alarm_id}", headers=USER,
                                timeout=30).json()["state"] == "alarm"
            assert "alarmapi-all exited with status -9" in log.read_text(errors="replace")
            second = _service_pid(parent)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=90)
    assert code == 0
    assert second is not None and not psutil.pid_exists(second)


def test_the_service_dies_with_a_killed_parent(tmp_path: pathlib.Path) -> None:
    """kill -9 of alarmapi-all's supervising parent: its service process stops too (a
    parent-death signal), so starting the command again never runs two services."""
    port = live.free_port()
    config = tmp_path / "alarmapi.conf"
    config.write_text(f"[api]\nauth_mode = noauth\nport = {port}\n[database]\n"
                      f"connection = sqlite:///{tmp_path}/alarmapi.sqlite\n")
    url, log = f"http://127.0.0.1:{port}", tmp_path / "all.log"
    with open(log, "wb") as out:
        for _ in range(2):  # the second start finds the port free: nothing was left
            proc = subprocess.Popen([str(live.BIN / "alarmapi-all"), "--config-file",
                                     str(config)], stdout=out, stderr=subprocess.STDOUT)
            try:
                live.wait_ready(url + "/healthcheck", proc, log)
                service = _service_pid(psutil.Process(proc.pid))
                assert service is not None
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                gone = live.poll(lambda pid=service: not _alive(pid))
                assert gone, log.read_text(errors="replace")
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=30)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for init to reap it does not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
