"""loadbalancer_member_health alarms against a real Octavia 19 API: unhealthy members
(old enough, administratively up, in ERROR), pages of members, pools of other projects
refused at create and never read at evaluation, Octavia down."""

from __future__ import annotations

import ast
import json
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
import webtest

from alarmapi import clock, history, model
from alarmapi.api.context import Services
from alarmapi.evaluator.loadbalancer import LoadBalancerSource
from alarmapi.evaluator.service import Evaluator
from alarmapi.octavia import OctaviaClient
from tests import databases
from tests.conftest import make_api
from tests.integration import octavia_peer

A = {"X-User-Id": "ua", "X-Project-Id": "proj-a", "X-Roles": "reader,member"}


@pytest.fixture(scope="module")
def octavia(tmp_path_factory: pytest.TempPathFactory) -> Iterator[octavia_peer.Octavia]:
    with octavia_peer.running(pathlib.Path(tmp_path_factory.mktemp("octavia"))) as peer:
        yield peer


@pytest.fixture
def api(octavia: octavia_peer.Octavia) -> Iterator[tuple[webtest.TestApp, Services]]:
    with databases.database("sqlite") as url:
        test_app, services = make_api(url, {("octavia", "endpoint"): octavia.url})
        yield test_app, services
        services.storage.dispose()


def create(app: webtest.TestApp, pool_id: str, status: int = 201, **extra: Any) -> Any:
    body = {"name": "lb", "type": "loadbalancer_member_health", **extra,
            "loadbalancer_member_health_rule": {
                "pool_id": pool_id, "stack_id": "stack-1", "autoscaling_group_id": "asg-1"}}
    return app.post_json("/v2/alarms", body, headers=A, status=status).json


def shown(app: webtest.TestApp, alarm_id: str) -> dict[str, Any]:
    return dict(app.get(f"/v2/alarms/{alarm_id}", headers=A).json)


def test_unhealthy_members_raise_the_alarm(octavia: octavia_peer.Octavia,
                                           api: tuple[webtest.TestApp, Services]) -> None:
    app, services = api
    pool = octavia.pool("proj-a")
    broken = octavia.member(pool, "proj-a", "10.0.0.1")
    octavia.health(broken, "ERROR")
    octavia.health(octavia.member(pool, "proj-a", "10.0.0.2"), "ONLINE")
    octavia.health(octavia.member(pool, "proj-a", "10.0.0.3"), "ERROR", age_s=10)  # new
    octavia.health(octavia.member(pool, "proj-a", "10.0.0.4"), "ERROR",
                   admin_state_up=False)
    healthy_pool = octavia.pool("proj-a")
    octavia.health(octavia.member(healthy_pool, "proj-a", "10.0.1.1"), "ONLINE")
    sick = create(app, pool)["alarm_id"]
    fine = create(app, healthy_pool)["alarm_id"]
    again = create(app, pool)["alarm_id"]  # the same pool: read once
    source = LoadBalancerSource(OctaviaClient(octavia.url), parallel=2)
    report = Evaluator(services.storage, sources=[source]).run_cycle()
    source.close()
    assert (report.evaluated, report.transitions, report.source_errors) == (3, 3, 0)
    assert report.octavia_requests == 2
    alarm = shown(app, sick)
    assert alarm["state"] == "alarm"
    assert alarm["state_reason"].startswith(
        "Transition to alarm due to 1 members unhealthy, most recent: {")
    most_recent = ast.literal_eval(alarm["state_reason"].split("most recent: ", 1)[1])
    assert (most_recent["id"], most_recent["address"]) == (broken, "10.0.0.1")
    assert shown(app, fine)["state"] == "ok" and shown(app, again)["state"] == "alarm"
    history = app.get(f"/v2/alarms/{sick}/history", headers=A).json
    detail = json.loads(history[0]["detail"])["reason_data"]
    assert (detail["pool_id"], detail["stack_id"], detail["asg_id"]) == (pool, "stack-1",
                                                                         "asg-1")
    assert [m["id"] for m in detail["unhealthy_members"]] == [broken]


def test_every_page_of_members_is_read(octavia: octavia_peer.Octavia,
                                       api: tuple[webtest.TestApp, Services]) -> None:
    app, services = api
    pool = octavia.pool("proj-a")
    members = [octavia.member(pool, "proj-a", f"10.0.2.{n}") for n in range(1, 8)]
    for member in members[:-1]:
        octavia.health(member, "ONLINE")
    octavia.health(members[-1], "ERROR")
    client = OctaviaClient(octavia.url)
    assert len(client.members(pool)) == 7
    alarm_id = create(app, pool)["alarm_id"]
    Evaluator(services.storage, sources=[LoadBalancerSource(client)]).run_cycle()
    assert shown(app, alarm_id)["state"] == "alarm"


def test_another_projects_pool_is_refused_and_never_read(
        octavia: octavia_peer.Octavia, api: tuple[webtest.TestApp, Services]) -> None:
    app, services = api
    foreign = octavia.pool("proj-b")
    octavia.health(octavia.member(foreign, "proj-b", "10.0.3.1"), "ERROR")
    refused = create(app, foreign, status=400)["error_message"]["faultstring"]
    unknown = create(app, "00000000-0000-0000-0000-000000000000", status=400)[
        "error_message"]["faultstring"]
    assert refused.replace(foreign, "X") == unknown.replace(
        "00000000-0000-0000-0000-000000000000", "X")  # no oracle
    assert "pool_id" in refused
    # One stored before the check (Aodh's data): evaluated as no pool at all.
    legacy = model.Alarm(
        alarm_id="legacy-lb", name="old", type="loadbalancer_member_health",
        rule={"pool_id": foreign, "stack_id": "s", "autoscaling_group_id": "g"},
        project_id="proj-a", user_id="ua", description="", timestamp=clock.utcnow(),
        state_timestamp=clock.utcnow(), state="ok")
    services.storage.create_alarm(legacy, history.record(
        legacy, model.ChangeType.CREATION, history.alarm_detail(legacy), user_id="ua",
        project_id="proj-a", timestamp=legacy.timestamp))
    source = LoadBalancerSource(OctaviaClient(octavia.url))
    report = Evaluator(services.storage, sources=[source]).run_cycle()
    assert report.source_errors == 1
    alarm = shown(app, "legacy-lb")
    assert (alarm["state"], alarm["state_reason"]) == (
        "insufficient data", "failed to communicate with load balancing service")
    assert alarm["evaluation_error"] == f"the alarm's project has no pool {foreign}"


def test_octavia_down_is_insufficient_data(octavia: octavia_peer.Octavia,
                                           api: tuple[webtest.TestApp, Services]) -> None:
    app, services = api
    pool = octavia.pool("proj-a")
    alarm_id = create(app, pool, state="ok")["alarm_id"]
    down = LoadBalancerSource(OctaviaClient("http://127.0.0.1:9", timeout=2))
    report = Evaluator(services.storage, sources=[down]).run_cycle()
    assert (report.transitions, report.source_errors) == (1, 1)
    alarm = shown(app, alarm_id)
    assert (alarm["state"], alarm["state_reason"]) == (
        "insufficient data", "failed to communicate with load balancing service")
    assert alarm["evaluation_error"] == "Octavia is unavailable: ConnectionError"
