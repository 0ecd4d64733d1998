"""[self_metrics] port: a daemon serves its own metrics (here the evaluator: its cycles)."""

from __future__ import annotations

import pathlib
import socket
import subprocess

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.integration import live


def test_the_evaluator_serves_its_cycles(tmp_path: pathlib.Path) -> None:
    port = live.free_port()
    config = tmp_path / "alarmapi.conf"
    config.write_text(f"[database]\nconnection = sqlite:///{tmp_path}/a.sqlite\n"
                      f"[evaluator]\nevaluation_interval = 1\n[self_metrics]\nport = {port}\n")
    subprocess.run([str(live.BIN / "alarmapi-dbsync"), "--config-file", str(config)],
                   check=True, capture_output=True)

    def cycles() -> float:
        try:
            text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        except requests.RequestException:
            return 0.0
        return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
                   if s.name == "alarmapi_evaluation_cycle_duration_seconds_count")

    with live.process("alarmapi-evaluator", config):
        assert live.poll(lambda: cycles() >= 2)


def test_gunicorn_workers_are_summed(tmp_path: pathlib.Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, /metrics from any worker counts every worker's
    requests."""
    shared = tmp_path / "prometheus-multiproc"
    shared.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    config = live.write_config(tmp_path, f"sqlite:///{tmp_path}/api.sqlite")
    user = {"X-User-Id": "u", "X-Project-Id": "p", "X-Roles": "reader,member"}
    with live.server(config, workers=2) as url:
        # A sync worker serves one connection at a time: while one holds a half-sent
        # request, the other must answer; so both workers count requests.
        held = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=30)
        with held:
            held.sendall(b"GET /v2/alarms HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for _ in range(29):
                assert requests.get(f"{url}/v2/alarms", headers=user, timeout=30).json() == []
            held.sendall("".join(f"{k}: {v}\r\n" for k, v in user.items()).encode()
                         + b"Connection: close\r\n\r\n")
            answer = b""
            while chunk := held.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200")
        text = requests.get(f"{url}/metrics", timeout=30).text
    counted = sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
                  if s.name == "alarmapi_http_requests_total"
                  and s.labels == {"route": "/v2/alarms", "method": "GET", "status": "200"})
    assert counted == 30
    assert len(list(shared.glob("counter_*.db"))) == 2  # both workers counted
