"""Property-based isolation on every backend: requests of another project and of a
caller without a project, over every endpoint, with the victim's ids and project in
paths, markers, filters and rules, never answer 5xx, never show the victim's data,
and change nothing of it (issue 13)."""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alarmapi.evaluator.service import Evaluator
from alarmapi.storage.models import alarm_table
from tests import databases
from tests.conftest import ADMIN, make_api
from tests.functional.test_evaluator_cycle import NOW, NOW_MS

VICTIM = {"X-User-Id": "victim-user", "X-Project-Id": "victim", "X-Roles": "reader,member"}
VICTIM_TOKEN = {"X-Auth-Token": "victim"}
INTRUDER = {"X-User-Id": "intruder-user", "X-Project-Id": "intruder",
            "X-Roles": "reader,member"}
INTRUDER_TOKEN = {"X-Auth-Token": "intruder"}
NO_PROJECT = {"X-User-Id": "nobody", "X-Roles": "reader,member"}
#: Strings and numbers only the victim's data holds (the metric and dimension names are
#: aimed at, so the intruder may well use them in its own alarms; their value is not).
SECRETS = ("secret-alarm-name", "secret description", "secret@victim.example", "31337.25",
           "secret-method", "secret-silence-comment")
SETTINGS = settings(max_examples=int(os.environ.get("ISOLATION_EXAMPLES", "150")), deadline=None,
                    derandomize=not os.environ.get("ISOLATION_EXAMPLES"),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _victim_data(api: webtest.TestApp) -> dict[str, str]:
    """Alarms of several kinds, a method, metrics and history, all the victim's."""
    api.post("/v2.0/metrics", json.dumps([
        {"name": "secret-meter", "dimensions": {"host": "secret-dim-value"},
         "timestamp": NOW_MS - 30_000, "value": 31337.25}]),
        headers=VICTIM_TOKEN, content_type="application/json", status=204)
    method = api.post_json("/v2.0/notification-methods", {
        "name": "secret-method", "type": "EMAIL", "address": "secret@victim.example"},
        headers=VICTIM_TOKEN).json["id"]
    threshold = api.post_json("/v2/alarms", {
        "name": "secret-alarm-name", "description": "secret description", "type": "threshold",
        "alarm_actions": [f"notification-method:{method}"],
        "threshold_rule": {"meter_name": "secret-meter", "threshold": 1,
                           "comparison_operator": "gt",
                           "query": [{"field": "host", "value": "secret-dim-value"}]}},
        headers=VICTIM).json["alarm_id"]
    expression = api.post_json("/v2.0/alarms", {
        "name": "secret-alarm-name", "expression": "avg(secret-meter) > 1"},
        headers=VICTIM_TOKEN).json["id"]
    api.put_json(f"/v2/alarms/{threshold}/state", "alarm", headers=VICTIM)
    silence = api.post_json("/v2/silences", {"alarm_id": threshold,
                                             "comment": "secret-silence-comment"},
                            headers=VICTIM).json["id"]
    return {"threshold": threshold, "expression": expression, "method": method,
            "silence": silence}


def _snapshot(api: webtest.TestApp, ids: dict[str, str]) -> Any:
    alarms = api.get("/v2/alarms", headers=VICTIM).json
    history = api.get(f"/v2/alarms/{ids['threshold']}/history", headers=VICTIM).json
    method = api.get(f"/v2.0/notification-methods/{ids['method']}", headers=VICTIM_TOKEN).json
    quotas = api.get("/v2/quotas?project_id=victim", headers=ADMIN).json
    silences = api.get("/v2/silences?expired=true", headers=VICTIM).json
    return alarms, history, method, quotas, silences


@pytest.fixture(scope="module", params=databases.BACKENDS)
def world(request: pytest.FixtureRequest) -> Iterator[tuple[webtest.TestApp, Any, dict]]:
    with databases.database(request.param) as url:
        api, services = make_api(url)
        ids = _victim_data(api)
        before = _snapshot(api, ids)
        yield api, services, ids
        assert _snapshot(api, ids) == before, "the victim's data was changed"
        _evaluate_everything(api, services)
        services.storage.dispose()


def _evaluate_everything(api: webtest.TestApp, services: Any) -> None:
    """Whatever the intruder managed to create is evaluated: no rule of its may read
    the victim's measurements (they would show in its state reasons)."""
    Evaluator(services.storage, clock=lambda: NOW).run_cycle()
    with services.storage.engine.connect() as conn:
        rows = list(conn.execute(sa.select(alarm_table.c.project_id, alarm_table.c.state_reason)))
    for project, reason in rows:
        if project != "victim":
            assert "31337.25" not in reason, reason


PATHS = [
    ("GET", "/v2/alarms"), ("POST", "/v2/alarms"), ("GET", "/v2/alarms/{threshold}"),
    ("PUT", "/v2/alarms/{threshold}"), ("DELETE", "/v2/alarms/{threshold}"),
    ("GET", "/v2/alarms/{threshold}/state"), ("PUT", "/v2/alarms/{threshold}/state"),
    ("GET", "/v2/alarms/{threshold}/history"), ("GET", "/v2/alarms/{threshold}/deliveries"),
    ("POST", "/v2/query/alarms"), ("POST", "/v2/query/alarms/history"),
    ("GET", "/v2/quotas"), ("POST", "/v2/quotas"), ("DELETE", "/v2/quotas/victim"),
    ("GET", "/v2/metrics"), ("GET", "/v2.0/metrics"), ("POST", "/v2.0/metrics"),
    ("GET", "/v2.0/metrics/names"), ("GET", "/v2.0/metrics/measurements"),
    ("GET", "/v2.0/metrics/statistics"), ("GET", "/v2.0/metrics/dimensions/names"),
    ("GET", "/v2.0/metrics/dimensions/names/values"),
    ("GET", "/v2.0/notification-methods"), ("POST", "/v2.0/notification-methods"),
    ("GET", "/v2.0/notification-methods/{method}"),
    ("PUT", "/v2.0/notification-methods/{method}"),
    ("PATCH", "/v2.0/notification-methods/{method}"),
    ("DELETE", "/v2.0/notification-methods/{method}"),
    ("GET", "/v2.0/alarms"), ("POST", "/v2.0/alarms"), ("GET", "/v2.0/alarms/{expression}"),
    ("PUT", "/v2.0/alarms/{expression}"), ("PATCH", "/v2.0/alarms/{expression}"),
    ("DELETE", "/v2.0/alarms/{expression}"),
    ("GET", "/v2.0/alarms/{expression}/state-history"), ("GET", "/v2.0/alarms/state-history"),
    ("GET", "/v2/silences"), ("POST", "/v2/silences"), ("GET", "/v2/silences/{silence}"),
    ("DELETE", "/v2/silences/{silence}"),
]
# Values aimed at the victim: its project, ids, metric and dimension.
aimed = st.sampled_from(["victim", "{threshold}", "{expression}", "{method}", "{silence}",
                         "secret-meter", "secret-dim-value", "true", "intruder", ""])
PARAMS = ["q.field", "q.value", "q.op", "marker", "project_id", "tenant_id", "name",
          "metric_name", "dimensions", "dimension_name", "statistics", "start_time",
          "offset", "limit", "sort", "sort_by", "alarm_id"]
FIELDS = ["project_id", "tenant_id", "all_projects", "alarm_id", "user_id", "name",
          "on_behalf_of", "project", "host"]
query_items = st.fixed_dictionaries({"field": st.sampled_from(FIELDS), "value": aimed},
                                    optional={"op": st.sampled_from(["eq", "ne", "gt"])})
rule = st.fixed_dictionaries({"meter_name": st.sampled_from(["secret-meter", "cpu"]),
                              "threshold": st.just(1),
                              "query": st.lists(query_items, max_size=3)},
                             optional={"comparison_operator": st.just("gt")})
bodies = st.one_of(
    st.fixed_dictionaries({"name": st.just("x"), "type": st.just("threshold"),
                           "threshold_rule": rule},
                          optional={"project_id": aimed, "user_id": aimed}),
    st.fixed_dictionaries({"name": st.just("x"), "type": st.just("composite"),
                           "composite_rule": st.fixed_dictionaries({"or": st.lists(
                               rule.map(lambda r: {"type": "threshold", **r}),
                               min_size=1, max_size=3)})}),
    st.fixed_dictionaries({"filter": st.dictionaries(
        st.sampled_from(["=", "in", "=~"]), st.dictionaries(st.sampled_from(FIELDS), aimed,
                                                            min_size=1, max_size=1),
        min_size=1, max_size=1).map(json.dumps)}),
    st.fixed_dictionaries({"name": st.just("m"), "expression": st.sampled_from([
        "avg(secret-meter) > 1", "avg(secret-meter{tenant_id=victim}) > 1",
        "max(cpu{project_id=victim}) > 1", "avg(secret-meter{project_id=intruder,"
        "tenant_id=victim}) > 1"])}),
    st.fixed_dictionaries({"name": st.just("n"), "type": st.just("EMAIL"),
                           "address": st.just("x@intruder.example")}),
    st.fixed_dictionaries({"project_id": aimed, "quotas": st.just(
        [{"resource": "alarms", "limit": 0}])}),
    st.just({"name": "secret-meter", "dimensions": {}, "timestamp": NOW_MS, "value": 1,
             "tenant_id": "victim"}),
    st.just("ok"),
    st.fixed_dictionaries({"alarm_id": aimed}, optional={"project_id": aimed}),
    st.fixed_dictionaries({"matchers": st.lists(st.fixed_dictionaries({
        "field": st.sampled_from(["alarm_id", "name"]), "value": aimed}), min_size=1,
        max_size=2), "ends_at": st.just("2999-01-01T00:00:00")},
        optional={"project_id": aimed}),
)
callers = st.sampled_from([(INTRUDER, INTRUDER_TOKEN), (NO_PROJECT, NO_PROJECT)])


def _fill(text: str, ids: dict[str, str]) -> str:
    for key, value in ids.items():
        text = text.replace("{" + key + "}", value)
    return text


def _assert_nothing_shown(response: webtest.TestResponse, sent: str,
                          ids: dict[str, str]) -> None:
    assert response.status_int < 500, response.text[:400]
    text = response.text
    for secret in SECRETS:
        if secret not in sent:
            assert secret not in text, (sent, text[:400])
    for value in ids.values():
        if value not in sent:
            assert value not in text, (sent, text[:400])


@SETTINGS
@given(path=st.sampled_from(PATHS), caller=callers, body=bodies,
       params=st.lists(st.tuples(st.sampled_from(PARAMS), aimed), max_size=4))
def test_no_answer_shows_or_changes_another_projects_data(
        world: tuple[webtest.TestApp, Any, dict], path: tuple[str, str],
        caller: tuple[dict[str, str], dict[str, str]], body: Any,
        params: list[tuple[str, str]]) -> None:
    api, _services, ids = world
    method, template = path
    headers = caller[1] if template.startswith("/v2.0") else caller[0]
    url = _fill(template, ids)
    query = _fill(urllib.parse.urlencode(params), ids)
    raw = _fill(json.dumps(body), ids)
    response = api.request(f"{url}?{query}" if query else url, method=method,
                           headers=headers, body=raw.encode() if method != "GET" else b"",
                           content_type="application/json", expect_errors=True)
    _assert_nothing_shown(response, url + query + raw, ids)
    if caller[0] is NO_PROJECT:  # refused (or its request is malformed): never served
        assert 400 <= response.status_int < 500, (url, response.text[:300])
