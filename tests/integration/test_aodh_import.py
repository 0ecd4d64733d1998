"""``alarmapi-dbsync --import-aodh``: a real Aodh 23 database, filled through Aodh's own
API (and one generated straight into its schema), is taken over on PostgreSQL and on
MariaDB; afterwards alarmapi's /v2 serves every alarm, history entry and quota exactly
as Aodh's did, ids and timestamps included."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from tests import databases
from tests.integration import aodh_peer, live

BACKENDS = ("postgresql", "mysql")


dbsync = live.dbsync_import


def same(aodh: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """Where our snapshot differs from Aodh's, on the fields Aodh serves."""
    problems = []
    if set(aodh["alarms"]) != set(ours["alarms"]):
        problems.append(f"alarm ids: {sorted(set(aodh['alarms']) ^ set(ours['alarms']))}")
    for alarm_id, theirs in aodh["alarms"].items():
        mine = ours["alarms"].get(alarm_id, {})
        for key, value in theirs.items():
            if mine.get(key) != value:
                problems.append(f"alarm {alarm_id} {key}: Aodh {value!r}, "
                                f"alarmapi {mine.get(key)!r}")
    for alarm_id, entries in aodh["history"].items():
        mine = ours["history"].get(alarm_id)
        if mine != entries:
            problems.append(f"history of {alarm_id}: Aodh {entries!r}, alarmapi {mine!r}")
    if aodh["quotas"] != ours["quotas"]:
        problems.append(f"quotas: Aodh {aodh['quotas']}, alarmapi {ours['quotas']}")
    return problems


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def aodh_db(backend: str) -> Iterator[str]:
    with databases.database(backend) as url:
        yield url


@pytest.fixture
def target(backend: str, tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    """The config of an alarmapi on its own new database of the same backend."""
    with databases.database(backend) as url:
        yield live.write_config(tmp_path, url)


def test_an_aodh_database_filled_through_its_api_reads_the_same(
        aodh_db: str, target: pathlib.Path, tmp_path: pathlib.Path) -> None:
    with aodh_peer.running(tmp_path, aodh_db) as aodh:
        ids = aodh_peer.fill(aodh, projects=2)
        before = aodh_peer.snapshot(aodh, aodh_peer.ADMIN)
    assert set(before["alarms"]) == set(ids)  # the admin sees every project's alarms
    assert sum(map(len, before["history"].values())) >= len(ids) + 3
    assert before["quotas"]["project-0"]["quotas"] == [{"resource": "alarms", "limit": 30}]

    first = dbsync(target, aodh_peer.aodh_url(aodh_db))
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr
    assert f"{len(ids)} alarms (0 already present)" in first.stdout
    again = dbsync(target, aodh_peer.aodh_url(aodh_db))  # idempotent
    assert again.returncode == 0, again.stderr
    assert f"0 alarms ({len(ids)} already present)" in again.stdout
    # Aodh stores a project's quota row when it is first read: both projects have one.
    assert "2 quotas (0 already present)" in first.stdout
    assert "0 quotas (2 already present)" in again.stdout

    with live.server(target) as ours:
        after = aodh_peer.snapshot(ours, aodh_peer.ADMIN)
        assert same(before, after) == []
        # The imported alarms are alarmapi's now: a project sees its own only.
        mine = requests.get(f"{ours}/v2/alarms", headers=aodh_peer.identity("project-1"),
                            timeout=30).json()
        assert {a["project_id"] for a in mine} == {"project-1"}
        assert len(mine) == len(ids) // 2


def test_a_generated_aodh_database_reads_the_same(
        aodh_db: str, target: pathlib.Path, tmp_path: pathlib.Path) -> None:
    with aodh_peer.running(tmp_path, aodh_db) as aodh:
        aodh_peer.generate(aodh_db, alarms=1200, history_per_alarm=5, projects=10)
        before = aodh_peer.snapshot(aodh, aodh_peer.ADMIN)
    assert len(before["alarms"]) == 1200
    result = dbsync(target, aodh_peer.aodh_url(aodh_db))
    assert result.returncode == 0, result.stderr
    assert "1200 alarms (0 already present), 6000 history entries" in result.stdout
    with live.server(target) as ours:
        assert same(before, aodh_peer.snapshot(ours, aodh_peer.ADMIN)) == []


def test_a_failed_import_leaves_alarmapi_as_it_was(
        aodh_db: str, target: pathlib.Path, tmp_path: pathlib.Path) -> None:
    with aodh_peer.running(tmp_path, aodh_db) as aodh:
        aodh_peer.fill(aodh, projects=1)
    good = dbsync(target, aodh_peer.aodh_url(aodh_db))
    assert good.returncode == 0, good.stderr
    with live.server(target) as ours:
        before = aodh_peer.snapshot(ours, aodh_peer.ADMIN)
    # Aodh's name column is unbounded; one alarm more, with a name alarmapi cannot store,
    # sorts after every other alarm, so the import fails after copying the others.
    engine = sa.create_engine(aodh_db)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO alarm (alarm_id, enabled, name, type, severity, description, "
            "timestamp, user_id, project_id, state, state_reason, state_timestamp, "
            "ok_actions, alarm_actions, insufficient_data_actions, repeat_actions, rule, "
            "time_constraints) SELECT 'zzzz-long-name', enabled, :name, type, severity, "
            "description, timestamp, user_id, project_id, state, state_reason, "
            "state_timestamp, ok_actions, alarm_actions, insufficient_data_actions, "
            "repeat_actions, rule, time_constraints FROM alarm WHERE name = 'prometheus-0'"),
            {"name": "n" * 300})
        conn.execute(sa.text(
            "INSERT INTO alarm (alarm_id, enabled, name, type, severity, description, "
            "timestamp, user_id, project_id, state, state_reason, state_timestamp, "
            "ok_actions, alarm_actions, insufficient_data_actions, repeat_actions, rule, "
            "time_constraints) SELECT '0000-new', enabled, 'new', type, severity, "
            "description, timestamp, user_id, project_id, state, state_reason, "
            "state_timestamp, ok_actions, alarm_actions, insufficient_data_actions, "
            "repeat_actions, rule, time_constraints FROM alarm WHERE name = 'prometheus-0'"))
    engine.dispose()
    failed = dbsync(target, aodh_peer.aodh_url(aodh_db))
    assert failed.returncode == 1
    assert ("alarm zzzz-long-name: name is 300 characters long; alarmapi stores at most 255"
            "; nothing was imported") in failed.stderr
    with live.server(target) as ours:
        assert aodh_peer.snapshot(ours, aodh_peer.ADMIN) == before  # '0000-new' not kept


def test_a_database_that_is_not_aodhs_is_refused(target: pathlib.Path,
                                                tmp_path: pathlib.Path) -> None:
    own = dbsync(target, f"sqlite:///{tmp_path}/empty.sqlite")
    assert own.returncode == 1
    assert "not an Aodh database: it has no table 'alarm'" in own.stderr
