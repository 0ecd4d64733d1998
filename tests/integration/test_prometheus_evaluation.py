"""prometheus alarms against a real Prometheus 2.42 holding two projects' series: the
scoping never lets a project see another's series, whatever PromQL it writes; the
evaluator's verdicts, reasons, batching and failures."""

from __future__ import annotations

import math
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import webtest

from alarmapi import promql
from alarmapi.api.context import Services
from alarmapi.evaluator.prometheus import PrometheusSource
from alarmapi.evaluator.service import Evaluator
from alarmapi.prometheus import PrometheusClient
from tests.conftest import ADMIN
from tests.integration import live, prometheus_peer

SERIES = {
    'cpu_util{project="A",vm="a1"}': 90.0,
    'cpu_util{project="A",vm="a2"}': 95.0,
    'cpu_util{project="B",vm="b1"}': 10.0,
    'secret{project="B"}': 7.0,
}
A = {"X-User-Id": "ua", "X-Project-Id": "A", "X-Roles": "reader,member"}
B = {"X-User-Id": "ub", "X-Project-Id": "B", "X-Roles": "reader,member"}


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("prometheus")
    with prometheus_peer.running(pathlib.Path(directory)) as (url, exporter):
        exporter.series = dict(SERIES)
        prometheus_peer.scraped(url, SERIES)
        yield url


#: Queries of project A and the samples they may give: B's series never show.
SCOPED = [
    ("cpu_util", [90.0, 95.0]),
    ("sum(cpu_util)", [185.0]),
    ("cpu_util or on() secret", [90.0, 95.0]),
    ("secret", []),
    ('{__name__=~".+"}', [90.0, 95.0]),
    ('{__name__=~"secret|cpu_util", project="B"}', []),
    ("max_over_time(cpu_util[5m:1s])", [90.0, 95.0]),
    ("max_over_time(secret[5m:1s] offset 1s)", []),
    ("cpu_util offset -1s or cpu_util offset 2s", [90.0, 95.0]),
    ("absent(secret)", [1.0]),
    ('label_replace(secret, "project", "A", "", "")', []),
    ("sum(cpu_util) + on() group_left() sum(secret)", []),
    ("count(secret) or vector(0)", [0.0]),
    ("topk(1, cpu_util)", [95.0]),
    ("(cpu_util > 50) unless ignoring(vm) secret", [90.0, 95.0]),
]


@pytest.mark.parametrize(("query", "expected"), SCOPED)
def test_a_scoped_query_sees_only_its_projects_series(prometheus: str, query: str,
                                                      expected: list[float]) -> None:
    client = PrometheusClient(prometheus)
    assert sorted(client.query(promql.scoped(query, "project", "A"))) == expected


def test_unscoped_queries_see_every_project(prometheus: str) -> None:
    client = PrometheusClient(prometheus)
    assert sorted(client.query("cpu_util")) == [10.0, 90.0, 95.0]
    assert client.query("secret") == [7.0]


def test_a_scalar_is_one_sample(prometheus: str) -> None:
    (value,) = PrometheusClient(prometheus).query(
        promql.scoped("scalar(sum(secret))", "project", "A"))
    assert math.isnan(value)  # B's 7 is not A's


def create(app: webtest.TestApp, headers: dict[str, str], query: str, threshold: float,
           operator: str = "gt", **extra: Any) -> str:
    body = {"name": "p", "type": "prometheus", "prometheus_rule": {
        "query": query, "threshold": threshold, "comparison_operator": operator}, **extra}
    return str(app.post_json("/v2/alarms", body, headers=headers, status=201)
               .json["alarm_id"])


def alarm(app: webtest.TestApp, alarm_id: str) -> dict[str, Any]:
    return dict(app.get(f"/v2/alarms/{alarm_id}", headers=ADMIN).json)


def test_the_evaluator_judges_each_project_on_its_own_series(
        prometheus: str, api_services: tuple[webtest.TestApp, Services]) -> None:
    app, services = api_services
    a_high = create(app, A, "cpu_util", 50)
    a_again = create(app, A, "cpu_util", 50, "ge")          # same query: one request
    b_low = create(app, B, "cpu_util", 50, "lt")
    everyone = create(app, ADMIN, "cpu_util", 5)            # an admin's own: unscoped
    for_b = create(app, ADMIN, "cpu_util", 5, project_id="B", user_id="ub")
    empty = create(app, A, "secret", 1, state="ok")
    source = PrometheusSource(PrometheusClient(prometheus), parallel=4)
    report = Evaluator(services.storage, sources=[source]).run_cycle()
    source.close()
    assert (report.evaluated, report.transitions, report.source_errors) == (6, 6, 0)
    assert report.prometheus_requests == 4  # A's cpu_util, B's, the unscoped, A's secret
    high = alarm(app, a_high)
    assert high["state"] == "alarm"
    assert high["state_reason"].startswith(  # the most recent: the last series given
        "Transition to alarm due to 2 samples outside threshold, most recent: 9")
    assert alarm(app, a_again)["state"] == "alarm"
    assert alarm(app, b_low)["state_reason"].startswith(
        "Transition to alarm due to 1 samples outside threshold, most recent: 10.0")
    assert alarm(app, everyone)["state_reason"].startswith(
        "Transition to alarm due to 3 samples outside threshold")
    assert alarm(app, for_b)["state_reason"].startswith(
        "Transition to alarm due to 1 samples outside threshold")
    unknown = alarm(app, empty)
    assert (unknown["state"], unknown["state_reason"]) == ("insufficient data",
                                                           "datapoints are unknown")
    history = app.get(f"/v2/alarms/{a_high}/history", headers=A).json
    assert '"type": "threshold", "disposition": "outside", "count": 2' in history[0][
        "detail"]


def test_failures_leave_the_state_and_are_reported(
        prometheus: str, api_services: tuple[webtest.TestApp, Services]) -> None:
    app, services = api_services
    matrix = create(app, A, "cpu_util[1m]", 1)
    broken = create(app, ADMIN, "cpu_util{", 1)              # unscoped: sent as written
    fine = create(app, A, "cpu_util", 1)
    source = PrometheusSource(PrometheusClient(prometheus))
    report = Evaluator(services.storage, sources=[source]).run_cycle()
    assert (report.evaluated, report.transitions, report.source_errors) == (3, 1, 2)
    assert alarm(app, matrix)["state"] == alarm(app, broken)["state"] == "insufficient data"
    assert alarm(app, matrix)["evaluation_error"] == (
        "the query gives a matrix, not an instant vector or a scalar")
    assert alarm(app, broken)["evaluation_error"].startswith("Prometheus answered 400: ")
    assert alarm(app, fine)["state"] == "alarm"
    assert "evaluation_error" not in alarm(app, fine)
    down = PrometheusSource(PrometheusClient("http://127.0.0.1:9", timeout=2))
    report = Evaluator(services.storage, sources=[down]).run_cycle()
    assert (report.transitions, report.source_errors) == (0, 3)
    shown = alarm(app, fine)
    assert (shown["state"], shown["evaluation_error"]) == (
        "alarm", "Prometheus is unavailable: ConnectionError")
    # A GET-then-PUT sends the extension back: accepted, and the evaluator's own.
    for key in ("alarm_id", "timestamp", "state_timestamp", "evaluate_timestamp"):
        shown.pop(key)
    app.put_json(f"/v2/alarms/{fine}", dict(shown, evaluation_error="mine"), headers=A)
    assert alarm(app, fine)["evaluation_error"] == "Prometheus is unavailable: ConnectionError"
    Evaluator(services.storage, sources=[source]).run_cycle()
    assert "evaluation_error" not in alarm(app, fine)  # read again: cleared


def test_the_evaluator_daemon_reads_prometheus_from_its_config(
        prometheus: str, tmp_path: pathlib.Path) -> None:
    config = live.write_config(
        tmp_path, f"sqlite:///{tmp_path}/alarmapi.sqlite",
        f"[evaluator]\nevaluation_interval = 1\n\n[prometheus]\nendpoint = {prometheus}\n")
    with live.server(config, workers=1) as url, \
            live.process("alarmapi-evaluator", config):
        body = {"name": "p", "type": "prometheus", "prometheus_rule": {
            "query": "cpu_util", "threshold": 50, "comparison_operator": "gt"}}
        alarm_id = requests.post(url + "/v2/alarms", json=body, headers=A,
                                 timeout=10).json()["alarm_id"]

        def shown() -> dict[str, Any]:
            return dict(requests.get(f"{url}/v2/alarms/{alarm_id}", headers=A,
                                     timeout=10).json())
        assert live.poll(lambda: shown()["state"] == "alarm", 60), shown()
