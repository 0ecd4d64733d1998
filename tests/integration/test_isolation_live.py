"""Issue 13 against a live alarmapi (gunicorn, 2 workers) on PostgreSQL and MariaDB:
the quota race across worker processes, project-less callers, an internal error over
HTTP, NUL bytes and If-Match."""

from __future__ import annotations

import concurrent.futures
import pathlib
from collections.abc import Iterator

import pytest
import requests

from tests import databases
from tests.integration import live

ADMIN = {"X-User-Id": "root", "X-Project-Id": "admin", "X-Roles": "admin"}
USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}
OTHER = {"X-User-Id": "u2", "X-Project-Id": "p2", "X-Roles": "reader,member"}
NO_PROJECT = {"X-User-Id": "u3", "X-Roles": "reader,member"}


@pytest.fixture(scope="module", params=["postgresql", "mysql"])
def base_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[str]:
    directory: pathlib.Path = tmp_path_factory.mktemp(f"live-{request.param}")
    with databases.database(request.param) as db_url:
        with live.server(live.write_config(directory, db_url), workers=2) as url:
            yield url


def _create(url: str, name: str, headers: dict[str, str]) -> int:
    body = {"name": name, "type": "event", "event_rule": {}}
    return requests.post(f"{url}/v2/alarms", json=body, headers=headers,
                         timeout=30).status_code


def test_parallel_creates_across_workers_never_pass_the_quota(base_url: str) -> None:
    response = requests.post(f"{base_url}/v2/quotas", headers=ADMIN, timeout=30, json={
        "project_id": "p1", "quotas": [{"resource": "alarms", "limit": 10}]})
    assert response.status_code == 201
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        for round_ in range(3):
            statuses = list(pool.map(lambda i, r=round_: _create(base_url, f"q{r}-{i}", USER),
                                     range(20)))
            assert statuses.count(201) == (10 if round_ == 0 else 0), statuses
            listed = requests.get(f"{base_url}/v2/alarms", headers=USER, timeout=30).json()
            assert len(listed) == 10


def test_a_caller_without_a_project_sees_nothing(base_url: str) -> None:
    assert _create(base_url, "mine", OTHER) == 201
    for method, path in (("GET", "/v2/alarms"), ("POST", "/v2/query/alarms"),
                         ("POST", "/v2/query/alarms/history"), ("GET", "/v2/quotas")):
        response = requests.request(method, base_url + path, headers=NO_PROJECT, json={},
                                    timeout=30)
        assert response.status_code == 403, (path, response.text)
        assert "mine" not in response.text


def test_nul_bytes_and_stale_versions_are_client_errors(base_url: str) -> None:
    response = requests.post(f"{base_url}/v2/alarms", headers=USER, timeout=30, json={
        "name": "a\x00b", "type": "event", "event_rule": {}})
    assert response.status_code == 400
    assert "NUL" in response.json()["error_message"]["faultstring"]
    assert requests.get(f"{base_url}/v2/alarms/%00", headers=USER,
                        timeout=30).status_code == 400
    created = requests.post(f"{base_url}/v2/alarms", headers=OTHER, timeout=30, json={
        "name": "versioned", "type": "event", "event_rule": {}}).json()
    url = f"{base_url}/v2/alarms/{created['alarm_id']}"
    read = requests.get(url, headers=OTHER, timeout=30)
    body = dict(read.json(), description="first")
    tagged = dict(OTHER, **{"If-Match": read.headers["ETag"]})
    assert requests.put(url, json=body, headers=tagged, timeout=30).status_code == 200
    body["description"] = "second, from a stale read"
    assert requests.put(url, json=body, headers=tagged, timeout=30).status_code == 412
    assert requests.get(url, headers=OTHER, timeout=30).json()["description"] == "first"
