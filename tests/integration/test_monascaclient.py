"""The seed's own client, python-monascaclient 1.0.1, against a live alarmapi: the
metric examples of ../shared/seeds/000_d9af5b3a32f99820.txt."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests import databases
from tests.integration import live

PEER_HOME = pathlib.Path(os.environ.get("PEER_HOME", pathlib.Path.home() /
                                        ".cache/alarmapi-peer"))
MONASCA = PEER_HOME / "monascaclient-1.0.1-venv" / "bin" / "monasca"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not MONASCA.exists():
        databases.unavailable(f"{MONASCA} is missing: run tools/install-test.sh")
    directory = tmp_path_factory.mktemp("monasca")
    config = live.write_config(directory, f"sqlite:///{directory}/alarmapi.sqlite")
    with live.server(config) as url:
        yield url


def monasca(base_url: str, *args: str, tenant: str = "82510970543135") -> str:
    result = subprocess.run(
        [str(MONASCA), "--os-no-client-auth", "--os-auth-token", tenant,
         "--monasca-api-url", f"{base_url}/v2.0", *args],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def rows(table: str) -> list[list[str]]:
    """The cells of a prettytable, one list per line between the borders ("key: value"
    as this client prints a dimension, "key:value" as the seed shows it)."""
    return [[cell.strip().replace(": ", ":") for cell in line.strip("|").split("|")]
            for line in table.splitlines() if line.startswith("|")][1:]


def test_seed_metric_examples(base_url: str) -> None:
    assert "Successfully created metric" in monasca(base_url, "metric-create", "cpu1", "123.40")
    for instance, value in (("123", "1234.56"), ("123", "2222.22"), ("222", "3333.33")):
        monasca(base_url, "metric-create", "metric1", value, "--dimensions",
                f"instance_id={instance},service=ourservice")

    listed = rows(monasca(base_url, "metric-list"))
    assert ["cpu1", ""] in listed
    assert ["metric1", "instance_id:123"] in listed and ["", "service:ourservice"] in listed

    everything = rows(monasca(base_url, "measurement-list", "metric1",
                              "2014-01-01T00:00:00Z"))
    values = [row[4] for row in everything if row[4]]
    assert sorted(values) == ["1234.56", "2222.22", "3333.33"]
    assert all(row[3].endswith("Z") for row in everything if row[3])

    one = rows(monasca(base_url, "measurement-list", "metric1", "2014-01-01T00:00:00Z",
                       "--dimensions", "instance_id=123"))
    assert sorted(row[4] for row in one if row[4]) == ["1234.56", "2222.22"]
    assert one[0][:2] == ["metric1", "instance_id:123"]


def test_json_output_and_tenancy(base_url: str) -> None:
    monasca(base_url, "metric-create", "tenant_metric", "1", tenant="tenant-x")
    data: Any = json.loads(monasca(base_url, "-j", "metric-list", tenant="tenant-x"))
    assert [m["name"] for m in data] == ["tenant_metric"]
    other: Any = json.loads(monasca(base_url, "-j", "metric-list", tenant="tenant-y"))
    assert other == []


def test_seed_notification_examples(base_url: str) -> None:
    tenant = "notif-tenant"
    created = json.loads(monasca(base_url, "notification-create", "cindyemail1", "EMAIL",
                                 "cindy.employee@hp.com", tenant=tenant))
    assert (created["name"], created["type"], created["address"]) == (
        "cindyemail1", "EMAIL", "cindy.employee@hp.com")
    listed = rows(monasca(base_url, "notification-list", tenant=tenant))
    assert listed == [["cindyemail1", created["id"], "EMAIL", "cindy.employee@hp.com"]]
    shown = monasca(base_url, "notification-show", created["id"], tenant=tenant)
    assert "cindy.employee@hp.com" in shown
    updated = json.loads(monasca(base_url, "notification-update", created["id"], "cindy2",
                                 "EMAIL", "cindy@example.org", tenant=tenant))
    assert (updated["name"], updated["address"]) == ("cindy2", "cindy@example.org")
    assert "Successfully deleted notification" in monasca(
        base_url, "notification-delete", created["id"], tenant=tenant)
    assert rows(monasca(base_url, "notification-list", tenant=tenant)) == []
