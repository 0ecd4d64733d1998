"""The Aodh transcript replay against a live alarmapi (gunicorn, PostgreSQL).

gnocchi_* creates are checked against the same Gnocchi stand-in the transcripts were
recorded with (../shared/peer/aodh/gnocchi_stub.py), so both sides saw the same
answers; alarmapi against a real Gnocchi is test_gnocchi_rules.py.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import requests

from tests import databases, transcripts
from tests.functional.test_transcripts import DEVIATIONS
from tests.integration import live

STUB = transcripts.SHARED / "peer" / "aodh" / "gnocchi_stub.py"


@contextlib.contextmanager
def recorded_gnocchi_stand_in() -> Iterator[str]:
    """The stand-in Aodh validated against when the transcripts were recorded."""
    port = live.free_port()
    process = subprocess.Popen([sys.executable, str(STUB)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               env=dict(os.environ, GNOCCHI_STUB_PORT=str(port)))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(url + "/v1/capabilities/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Gnocchi stand-in did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_replay_against_gunicorn_on_postgresql(tmp_path: pathlib.Path) -> None:
    with recorded_gnocchi_stand_in() as gnocchi, databases.database("postgresql") as url:
        config = live.write_config(tmp_path, url, (
            "[api]\nenable_evaluation_results_metrics = true\n"
            f"[gnocchi]\nendpoint = {gnocchi}\n"))
        with live.server(config) as base, requests.Session() as session:
            def send(method: str, path: str, headers: dict[str, str],
                     body: bytes | None) -> tuple[int, dict[str, str], Any]:
                response = session.request(method, base + path, headers=headers, data=body,
                                           timeout=30)
                content_type = response.headers.get("Content-Type", "")
                if content_type.startswith("application/json") and response.text:
                    return response.status_code, dict(response.headers), response.json()
                return response.status_code, dict(response.headers), response.text

            outcomes = transcripts.replay_all(send, DEVIATIONS)
    assert transcripts.unexpected(outcomes, DEVIATIONS) == {}
