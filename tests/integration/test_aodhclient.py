"""The real python-aodhclient 3.12.0 (`aodh` and `openstack alarm`) against a live alarmapi."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration import live

USER = {"AODH_USER_ID": "user-a", "AODH_PROJECT_ID": "proj-a", "AODH_ROLES": "reader,member"}
ADMIN = {"AODH_USER_ID": "admin", "AODH_PROJECT_ID": "proj-admin", "AODH_ROLES": "admin"}


@pytest.fixture(scope="module")
def alarmapi_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("aodhclient")
    config = live.write_config(directory, f"sqlite:///{directory}/alarmapi.sqlite",
                               "[api]\nenable_evaluation_results_metrics = true\n")
    with live.server(config) as url:
        yield url


class Aodh:
    """Runs the aodh CLI in noauth mode as one identity."""

    def __init__(self, binary: pathlib.Path, url: str, identity: dict[str, str]) -> None:
        self.binary, self.url, self.identity = binary, url, identity

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, OS_AUTH_TYPE="aodh-noauth", **self.identity)
        result = subprocess.run([str(self.binary), "--aodh-endpoint", self.url, *args],
                                env=env, capture_output=True, text=True, timeout=120)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "-f", "json").stdout)


@pytest.fixture
def aodh(aodh_bin: pathlib.Path, alarmapi_url: str) -> Aodh:
    return Aodh(aodh_bin, alarmapi_url, USER)


def test_capabilities(aodh: Aodh) -> None:
    caps = aodh.json("capabilities", "list")
    assert caps["api"]["alarms:query:complex"] is True
    assert caps["api"]["alarms:type:threshold"] is True


def test_alarm_lifecycle(aodh: Aodh) -> None:
    created = aodh.json(
        "alarm", "create", "--type", "threshold", "--name", "cli-cpu", "-m", "cpu",
        "--threshold", "80", "--query", "host=a", "--severity", "critical",
        "--alarm-action", "http://127.0.0.1:9/alarm",
        "--time-constraint", "name=nightly;start=0 23 * * *;duration=3600")
    alarm_id = created["alarm_id"]
    assert (created["threshold"], created["severity"]) == (80.0, "critical")
    assert created["alarm_actions"] == ["http://127.0.0.1:9/alarm"]
    assert aodh.json("alarm", "show", alarm_id)["name"] == "cli-cpu"
    assert aodh.json("alarm", "show", "--name", "cli-cpu")["alarm_id"] == alarm_id

    updated = aodh.json("alarm", "update", alarm_id, "--threshold", "95")
    assert (updated["threshold"], updated["severity"], updated["meter_name"]) == (
        95.0, "critical", "cpu")
    assert "nightly" in updated["time_constraints"]

    aodh.run("alarm", "state", "set", "--state", "alarm", alarm_id)
    assert aodh.json("alarm", "state", "get", alarm_id)["state"] == "alarm"

    history = aodh.json("alarm-history", "show", alarm_id)
    assert [h["type"] for h in history] == ["state transition", "rule change", "creation"]
    found = aodh.json("alarm-history", "search", "--query", f"alarm_id={alarm_id}")
    assert len(found) == 3

    aodh.run("alarm", "delete", alarm_id)
    missing = aodh.run("alarm", "show", alarm_id, check=False)
    assert missing.returncode != 0 and "not found" in missing.stderr


def test_every_accepted_type_and_list_options(aodh: Aodh) -> None:
    composite = json.dumps({"or": [
        {"type": "threshold", "meter_name": "cpu", "threshold": 90},
        {"type": "prometheus", "query": "up", "threshold": 1}]})
    commands = [
        ("--type", "event", "--name", "cli-event", "--event-type", "compute.instance.*"),
        ("--type", "prometheus", "--name", "cli-prom", "--query", "up", "--threshold", "1"),
        ("--type", "composite", "--name", "cli-composite", "--composite-rule", composite),
        ("--type", "loadbalancer_member_health", "--name", "cli-lb", "--stack-id", "s",
         "--pool-id", "p", "--autoscaling-group-id", "g"),
    ]
    ids = [aodh.json("alarm", "create", *cmd)["alarm_id"] for cmd in commands]
    listed = aodh.json("alarm", "list", "--sort", "name:asc")
    names = [a["name"] for a in listed if a["alarm_id"] in ids]
    assert names == sorted(names) and len(names) == 4
    only_events = aodh.json("alarm", "list", "--filter", "type=event")
    assert {a["type"] for a in only_events} == {"event"}
    first = aodh.json("alarm", "list", "--sort", "name:asc", "--limit", "2")
    rest = aodh.json("alarm", "list", "--sort", "name:asc", "--limit", "50",
                     "--marker", first[-1]["alarm_id"])
    assert [a["alarm_id"] for a in first + rest] == [a["alarm_id"] for a in listed]
    for alarm_id in ids:  # read-modify-write of every type
        aodh.run("alarm", "update", alarm_id, "--description", "updated")
        assert aodh.json("alarm", "show", alarm_id)["description"] == "updated"


def test_metrics(aodh: Aodh) -> None:
    assert aodh.json("alarm", "metrics") is not None


def test_errors_are_printed(aodh: Aodh) -> None:
    bad = aodh.run("alarm", "create", "--type", "prometheus", "--name", "x", "--query", "up",
                   "--threshold", "1", "--severity", "urgent", check=False)
    assert bad.returncode != 0
    assert "severity" in bad.stderr


def test_quotas_through_openstack_cli(openstack_bin: pathlib.Path, alarmapi_url: str) -> None:
    def openstack(*args: str) -> Any:
        result = subprocess.run(
            [str(openstack_bin), "--os-auth-type", "aodh-noauth", "--os-user-id", "admin",
             "--os-project-id", "proj-admin", "--os-roles", "admin",
             "--os-aodh-endpoint", alarmapi_url, *args, "-f", "json"],
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    openstack("alarm", "quota", "set", "--alarm", "7", "proj-q")
    assert openstack("alarm", "quota", "show", "--project", "proj-q")["alarms"] == 7


def test_the_readme_s_aodh_cli_lines_work(aodh_bin: pathlib.Path, alarmapi_url: str) -> None:
    """Issue 28.5: the README says how to point the aodh CLI at a noauth server; its
    lines, as written (the aodh binary and the URL replaced), list the alarms."""
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("export OS_AUTH_TYPE=aodh-noauth")
    block = readme[start:readme.index("\n```", start)]
    script = block.replace("http://127.0.0.1:8042", alarmapi_url).replace(
        "\naodh ", f"\n{aodh_bin} ") + " -f json"
    ran = subprocess.run(["bash", "-c", "set -e\n" + script], capture_output=True, text=True,
                         timeout=120, env={k: v for k, v in os.environ.items()
                                           if not k.startswith(("OS_", "AODH_"))})
    assert ran.returncode == 0, ran.stderr
    assert isinstance(json.loads(ran.stdout), list)
