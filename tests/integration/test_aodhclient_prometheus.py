"""python-aodhclient 3.12's own functional test of prometheus alarms
(``AodhClientPrometheusRulesTest.test_prometheus_type_scenario``), unchanged, against a
live alarmapi and a real Prometheus, with the aodh CLI in noauth mode as an admin."""

from __future__ import annotations

import os
import pathlib
import subprocess

import pytest

from tests.integration import live, prometheus_peer
from tests.integration.conftest import client_venv_bin

TEST = ("aodhclient.tests.functional.test_alarm.AodhClientPrometheusRulesTest"
        ".test_prometheus_type_scenario")


def test_aodhclients_prometheus_scenario(tmp_path: pathlib.Path) -> None:
    python = client_venv_bin("python")
    if subprocess.run([str(python), "-c", "import tempest.lib"],
                      capture_output=True).returncode != 0:
        pytest.fail("tempest is missing from the aodhclient venv: run tools/install-test.sh")
    config = live.write_config(tmp_path, f"sqlite:///{tmp_path}/alarmapi.sqlite")
    with prometheus_peer.running(tmp_path) as (prometheus, exporter), \
            live.server(config) as url:
        exporter.series = {'ceilometer_image_size{project="p"}': 1.0}
        env = dict(os.environ, AODH_ENDPOINT=url, PROMETHEUS_ENDPOINT=prometheus,
                   OS_ADMIN_CLOUD="", OS_AUTH_TYPE="aodh-noauth", AODH_USER_ID="admin",
                   AODH_PROJECT_ID="proj-admin", AODH_ROLES="admin",
                   AODH_CLIENT_EXEC_DIR=str(python.parent))
        result = subprocess.run([str(python), "-m", "unittest", "-v", TEST], env=env,
                                capture_output=True, text=True, timeout=600,
                                cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Ran 1 test" in result.stderr and "OK" in result.stderr
