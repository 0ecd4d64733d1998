"""A real Gnocchi 4.7.1 (../shared/peer/gnocchi), started for the tests if needed."""

from __future__ import annotations

import contextlib
import datetime
import os
import pathlib
import subprocess
import time
import uuid
from collections.abc import Iterator

import requests

from tests import databases

PEER = pathlib.Path(__file__).resolve().parents[3] / "shared" / "peer" / "gnocchi"
PEER_HOME = pathlib.Path(os.environ.get("PEER_HOME", pathlib.Path.home() /
                                        ".cache/alarmapi-peer"))
URL = os.environ.get("ALARMAPI_TEST_GNOCCHI", "http://127.0.0.1:8041")
AUTH = ("admin", "")


def answers(url: str = URL) -> bool:
    """Whether a Gnocchi answers at ``url``."""
    try:
        return requests.get(url + "/v1/status", auth=AUTH, timeout=5).status_code == 200
    except requests.RequestException:
        return False


@contextlib.contextmanager
def running() -> Iterator[str]:
    """Yield the URL of a running Gnocchi; start (and afterwards stop) the peer if
    none runs."""
    if answers():
        yield URL
        return
    if not (PEER_HOME / "gnocchi-venv" / "bin" / "gnocchi-api").exists():
        databases.unavailable("Gnocchi 4.7.1 is not installed: run tools/install.sh")
    started = subprocess.run(["bash", str(PEER / "start_gnocchi.sh")], capture_output=True,
                             text=True, timeout=300)
    if started.returncode != 0 or not answers():
        databases.unavailable(f"Gnocchi did not start: {started.stderr[-500:]}")
    try:
        yield URL
    finally:
        subprocess.run(["bash", str(PEER / "stop_gnocchi.sh")], capture_output=True,
                       timeout=120)


def archive_policy(url: str, methods: tuple[str, ...] = ("mean", "max")) -> str:
    """A new archive policy of one day at 60 s with ``methods``; its name."""
    name = f"alarmapi{uuid.uuid4().hex[:8]}"
    requests.post(url + "/v1/archive_policy", auth=AUTH, timeout=30, json={
        "name": name, "aggregation_methods": list(methods),
        "definition": [{"granularity": "60s", "timespan": "1 day"}]}).raise_for_status()
    return name


def cpu_resource(url: str, policy: str, project: str, values: dict[datetime.datetime, float],
                 user: str = "u") -> dict[str, str]:
    """A generic resource of ``project`` whose metric cpu holds ``values`` (by time),
    once metricd processed them (bounded); its ``resource_id`` and ``metric``."""
    resource_id = str(uuid.uuid4())
    made = requests.post(url + "/v1/resource/generic", auth=AUTH, timeout=30, json={
        "id": resource_id, "user_id": user, "project_id": project,
        "metrics": {"cpu": {"archive_policy_name": policy}}})
    made.raise_for_status()
    metric = made.json()["metrics"]["cpu"]
    requests.post(f"{url}/v1/metric/{metric}/measures", auth=AUTH, timeout=30, json=[
        {"timestamp": when.isoformat(), "value": value} for when, value in values.items()
    ]).raise_for_status()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not requests.get(
            f"{url}/v1/metric/{metric}/measures", auth=AUTH, timeout=30).json():
        time.sleep(0.5)
    return {"resource_id": resource_id, "metric": metric}
