"""The PromQL writer and scoping: every selector scoped, values escaped, written text a
fixed point of parse-and-write; the samples of answers; the prometheus source's sharing."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alarmapi import errors, prometheus, promql
from alarmapi.evaluator.prometheus import PrometheusSource
from tests.fakes import leaf

CORPUS = [
    "up", 'rate(foo{a="b"}[5m] offset 1m @ start())', "bar offset -5m",
    "max_over_time(baz[10m:1m] offset 2m)", '{__name__=~".+",job!~"x\\\\d"} @ 1600000000.5',
    "sum by (a,b) (x) / on(c) group_left(d) topk(3, y) > bool 1", "x or on() y",
    "x unless ignoring(a) y", 'count_values("v", x)', "sum(x) by ()", "-x ^ 2", "x > -1",
    "x atan2 y", "vector(1)", "1 + 2", 'label_replace(x, "p", "Y", "", "")',
    "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))", "x[5m:]",
    "sum(rate(x[5m]))[30m:1m]", "absent(nope)", "time()", "quantile(0.5, x)",
    "x @ end()", "(x)", "x + on(a) group_right(b) y", "-(x)", "x offset 1h30m",
]


def selectors(text: str) -> list[Any]:
    return promql._selectors(promql._parse(text))


@pytest.mark.parametrize("query", CORPUS)
def test_the_writer_is_a_fixed_point_and_scopes_every_selector(query: str) -> None:
    written = promql._Writer(None)(promql._parse(query))
    assert promql._Writer(None)(promql._parse(written)) == written
    scoped = promql.scoped(query, "project", "p1")
    assert len(selectors(scoped)) == len(selectors(query))
    for selector in selectors(scoped):
        assert [(m.name, m.value) for m in selector.matchers.matchers
                if m.name == "project"] == [("project", "p1")]


@given(st.text(max_size=20), st.text(min_size=1, max_size=20))
def test_values_survive_the_writer(value: str, project: str) -> None:
    query = "x{a=" + promql._string(value) + "}"
    (selector,) = selectors(promql.scoped(query, "project", project))
    assert {m.name: m.value for m in selector.matchers.matchers} == {"a": value,
                                                                      "project": project}


@pytest.mark.parametrize(("query", "why"), [
    ('x{a="1" or b="2"}', "'or'"), ("x{", "not valid PromQL"), ("", "not valid PromQL"),
])
def test_queries_that_cannot_be_scoped(query: str, why: str) -> None:
    with pytest.raises(promql.UnscopableQuery) as raised:
        promql.scoped(query, "project", "p1")
    assert why in raised.value.reason and raised.value.field == "query"


def test_samples_of_each_result_type() -> None:
    def answer(kind: str, result: Any) -> dict[str, Any]:
        return {"status": "success", "data": {"resultType": kind, "result": result}}

    vector = [{"metric": {}, "value": [1, "2.5"]}, {"metric": {}, "value": [1, "+Inf"]}]
    assert prometheus.samples(answer("vector", vector)) == [2.5, math.inf]
    assert prometheus.samples(answer("vector", [])) == []
    assert prometheus.samples(answer("scalar", [1, "3"])) == [3.0]
    for kind in ("matrix", "string"):
        with pytest.raises(prometheus.QueryFailed):
            prometheus.samples(answer(kind, []))
    with pytest.raises(prometheus.QueryFailed):
        prometheus.samples({"status": "error", "error": "bad"})


def test_the_environment_endpoint_is_aodhs() -> None:
    assert prometheus.environment_endpoint({}) == (None, None)
    env = {"PROMETHEUS_HOST": "::1", "PROMETHEUS_PORT": "9090",
           "PROMETHEUS_ROOT_PATH": "/prom/", "PROMETHEUS_CA_CERT": "/ca.pem"}
    assert prometheus.environment_endpoint(env) == ("https://[::1]:9090/prom", "/ca.pem")
    assert prometheus.environment_endpoint({"PROMETHEUS_HOST": "h", "PROMETHEUS_PORT": "1"}
                                           ) == ("http://h:1", None)


class RecordingClient:
    """Answers every query with the samples the test set; records the queries sent."""

    def __init__(self, values: list[float] | Exception) -> None:
        self.values = values
        self.sent: list[str] = []

    def query(self, text: str) -> list[float]:
        self.sent.append(text)
        if isinstance(self.values, Exception):
            raise self.values
        return list(self.values)


NOW = datetime.datetime(2026, 1, 1)


def rule(query: str = "up", scope: str | None = "stranger", **extra: Any) -> dict[str, Any]:
    return {"query": query, "threshold": 5, "comparison_operator": "gt",
            "scope_to_project": scope, **extra}


@pytest.mark.parametrize("parallel", [1, 4])
def test_each_distinct_scoped_query_is_sent_once(parallel: int) -> None:
    client = RecordingClient([6.0, 7.0])
    source = PrometheusSource(client, parallel=parallel)  # type: ignore[arg-type]
    leaves = [leaf("prometheus", rule(), "p1"), leaf("prometheus", rule(), "p1"),
              leaf("prometheus", rule(), "p2"), leaf("prometheus", rule(scope=None), "p1")]
    source.prefetch(leaves, NOW)
    verdicts = [source.evaluate(one, NOW) for one in leaves]
    source.close()
    assert sorted(client.sent) == sorted(['up{project="p1"}', 'up{project="p2"}', "up"])
    assert source.requests == 3
    assert {v.state for v in verdicts} == {"alarm"}
    assert verdicts[0].reason == ("Transition to alarm due to 2 samples outside threshold, "
                                  "most recent: 7.0")
    assert verdicts[0].reason_data == {"type": "threshold", "disposition": "outside",
                                       "count": 2, "most_recent": 7.0}


def test_mixed_samples_lean_to_the_last_series_and_failures_give_no_verdict() -> None:
    mixed = PrometheusSource(RecordingClient([9.0, 1.0]))  # type: ignore[arg-type]
    verdict = mixed.evaluate(leaf("prometheus", rule()), NOW)
    assert (verdict.state, verdict.trend, verdict.error) == (None, "ok", None)
    down = PrometheusSource(RecordingClient(errors.BackendUnavailable("gone")))  # type: ignore[arg-type]
    failed = down.evaluate(leaf("prometheus", rule()), NOW)
    assert (failed.state, failed.error) == (None, "gone")
    bad = PrometheusSource(RecordingClient([1.0]))  # type: ignore[arg-type]
    refused = bad.evaluate(leaf("prometheus", rule('x{a="1" or a="2"}')), NOW)
    assert refused.state is None and "cannot be scoped" in str(refused.error)
