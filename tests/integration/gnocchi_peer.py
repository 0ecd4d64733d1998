"""A real Gnocchi 4.7.1 (../shared/peer/gnocchi), started for the tests if needed."""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
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
