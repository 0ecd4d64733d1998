"""/v2.0/metrics: ingest, lookups, measurements, statistics, errors and tenancy."""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import sqlalchemy as sa
import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alarmapi.storage.models import measurement_table
from tests.conftest import ADMIN

TENANT = {"X-Auth-Token": "tenant-1"}
OTHER = {"X-Auth-Token": "tenant-2"}
START = "2020-01-01T00:00:00Z"


def now_ms() -> int:
    return int(time.time() * 1000)


def post(api: webtest.TestApp, body: Any, headers: dict[str, str] = TENANT,
         status: int = 204, query: str = "") -> webtest.TestResponse:
    return api.post("/v2.0/metrics" + query, json.dumps(body), headers=headers,
                    content_type="application/json", status=status)


def get(api: webtest.TestApp, path: str, headers: dict[str, str] = TENANT,
        status: int = 200) -> Any:
    return api.get(path, headers=headers, status=status).json


def test_ingest_and_read_back(api: webtest.TestApp) -> None:
    t = now_ms() - 60_000
    post(api, [{"name": "cpu", "dimensions": {"host": "a"}, "timestamp": t, "value": 1},
               {"name": "cpu", "dimensions": {"host": "a"}, "timestamp": (t + 1000) / 1000,
                "value": 3, "value_meta": {"note": "seconds"}},
               {"name": "cpu", "dimensions": {"host": "b"}, "timestamp": t, "value": 10}])
    metrics = get(api, "/v2.0/metrics?name=cpu")["elements"]
    assert sorted(m["dimensions"]["host"] for m in metrics) == ["a", "b"]
    one = get(api, f"/v2.0/metrics/measurements?name=cpu&dimensions=host:a&start_time={START}")
    (series,) = one["elements"]
    assert series["columns"] == ["timestamp", "value", "value_meta"]
    assert [m[1:] for m in series["measurements"]] == [[1.0, {}], [3.0, {"note": "seconds"}]]
    assert series["measurements"][1][0].endswith("Z")
    stats = get(api, f"/v2.0/metrics/statistics?name=cpu&dimensions=host:a|b&merge_metrics=true"
                     f"&statistics=avg,min,max,sum,count&start_time={START}&period=3600")
    values = [row[1:] for row in stats["elements"][0]["statistics"]]
    assert sum(v[4] for v in values) == 3.0 and sum(v[3] for v in values) == 14.0
    assert get(api, "/v2.0/metrics", headers=OTHER)["elements"] == []


def test_several_metrics_need_merge_or_group_by(api: webtest.TestApp) -> None:
    t = now_ms() - 1000
    post(api, [{"name": "m", "dimensions": {"h": h}, "timestamp": t, "value": 1} for h in "xy"])
    conflict = get(api, f"/v2.0/metrics/measurements?name=m&start_time={START}", status=409)
    assert conflict["title"] == "Conflict"
    grouped = get(api, f"/v2.0/metrics/statistics?name=m&statistics=count&group_by=h"
                       f"&start_time={START}")
    assert [e["dimensions"] for e in grouped["elements"]] == [{"h": "x"}, {"h": "y"}]


def test_a_bad_item_refuses_the_whole_batch(api: webtest.TestApp) -> None:
    t = now_ms()
    bad = post(api, [{"name": "ok", "timestamp": t, "value": 1},
                     {"name": "bad", "timestamp": t, "value": "high"}], status=422).json
    assert bad["title"] == "Unprocessable Entity" and bad["description"].startswith("metric 1")
    assert get(api, "/v2.0/metrics")["elements"] == []
    for body, words in (
        ({"name": "a{b", "timestamp": t, "value": 1}, "not allowed"),
        ({"name": "a", "timestamp": t + 86_400_000, "value": 1}, "future"),
        ({"name": "a", "timestamp": t - 90 * 86_400_000, "value": 1}, "past"),
        ({"name": "a", "timestamp": t, "value": 1, "value_meta": {"x": "y" * 3000}}, "2048"),
        ({"name": "a", "timestamp": t, "value": 1, "extra": 1}, "unknown"),
        ({"name": "a", "dimensions": {"_k": "v"}, "timestamp": t, "value": 1}, "'_'"),
        ([], "no metrics"),
    ):
        assert words in post(api, body, status=422).json["description"]
    assert api.post("/v2.0/metrics", "{nope", headers=TENANT, content_type="application/json",
                    status=400).json["title"] == "Bad Request"


def test_paging_follows_next_links(api: webtest.TestApp) -> None:
    t = now_ms() - 10_000
    post(api, [{"name": f"n{i}", "timestamp": t, "value": i} for i in range(5)])
    seen, url = [], "/v2.0/metrics?limit=2"
    for _ in range(10):
        doc = get(api, url)
        seen += [e["name"] for e in doc["elements"]]
        following = [link["href"] for link in doc["links"] if link["rel"] == "next"]
        if not following:
            break
        parts = urllib.parse.urlsplit(following[0])
        url = f"{parts.path}?{parts.query}"
    assert sorted(seen) == [f"n{i}" for i in range(5)]


def test_roles_and_delegation(api: webtest.TestApp) -> None:
    reader = {"X-User-Id": "u", "X-Project-Id": "p", "X-Roles": "reader"}
    body = {"name": "cpu", "timestamp": now_ms(), "value": 1}
    assert post(api, body, headers=reader, status=403).json["title"] == "Forbidden"
    post(api, body, headers=TENANT, status=403, query="?tenant_id=tenant-9")
    post(api, body, headers=ADMIN, query="?tenant_id=tenant-9")
    assert len(get(api, "/v2.0/metrics", headers={"X-Auth-Token": "tenant-9"})["elements"]) == 1


metric_items = st.fixed_dictionaries({}, optional={
    "name": st.one_of(st.text(max_size=300), st.integers(), st.none()),
    "dimensions": st.one_of(st.dictionaries(st.text(max_size=5), st.text(max_size=5)),
                            st.lists(st.integers()), st.text()),
    "timestamp": st.one_of(st.integers(), st.floats(), st.text(), st.booleans()),
    "value": st.one_of(st.floats(), st.integers(-2**70, 2**70), st.text(), st.none()),
    "value_meta": st.one_of(st.dictionaries(st.text(max_size=5), st.text()), st.integers()),
})


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(metric_items, st.lists(metric_items, max_size=4), st.integers(),
                      st.text()))
def test_malformed_metrics_get_4xx_and_store_nothing(
        api_services: tuple[webtest.TestApp, Any], body: Any) -> None:
    api, services = api_services

    def stored() -> int:
        with services.storage.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(
                measurement_table)).scalar_one())

    before = stored()
    response = api.post("/v2.0/metrics", json.dumps(body), headers={"X-Auth-Token": "fuzz"},
                        content_type="application/json", expect_errors=True)
    assert response.status_int < 500, response.text
    if response.status_int != 204:
        assert stored() == before


query_params = st.lists(st.tuples(
    st.sampled_from(["name", "dimensions", "start_time", "end_time", "offset", "limit",
                     "merge_metrics", "group_by", "statistics", "period", "tenant_id",
                     "dimension_name", "metric_name"]),
    st.text(max_size=12) | st.sampled_from(["cpu", "2020-01-01T00:00:00Z", "avg,count", "*",
                                            "true", "0", "-5", "host:a|b", "a_1"])),
    max_size=7)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=query_params)
def test_malformed_reads_get_4xx(api: webtest.TestApp, params: list[tuple[str, str]]
                                 ) -> None:
    query = urllib.parse.urlencode(params)
    for path in ("/v2.0/metrics", "/v2.0/metrics/names", "/v2.0/metrics/dimensions/names",
                 "/v2.0/metrics/dimensions/names/values", "/v2.0/metrics/measurements",
                 "/v2.0/metrics/statistics"):
        response = api.get(f"{path}?{query}", headers=TENANT, expect_errors=True)
        assert response.status_int < 500, (path, response.text)
