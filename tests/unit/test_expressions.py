"""Monasca's alarm expression grammar and its mapping onto alarm rules, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from alarmapi.expressions import grammar, rules
from alarmapi.expressions.grammar import Logic, SubExpression


def sub(function: str, metric: str, operator: str, threshold: float, period: int = 60,
        periods: int = 1, **dims: str) -> SubExpression:
    return SubExpression(function, metric, tuple(sorted(dims.items())), operator, threshold,
                         period, periods)


@pytest.mark.parametrize(("text", "tree"), [
    ("cpu1>10", sub("MAX", "cpu1", "GT", 10)),
    ("cpu1 >= 10", sub("MAX", "cpu1", "GTE", 10)),
    ("cpu1<10", sub("MIN", "cpu1", "LT", 10)),
    ("cpu1 lte 10", sub("MIN", "cpu1", "LTE", 10)),
    ("avg(metric1{instance_id=123})>=10", sub("AVG", "metric1", "GTE", 10, instance_id="123")),
    ("AVG(cpu.idle_perc{host=a b, service=x-y}, 120) GT 5.5 TIMES 3",
     sub("AVG", "cpu.idle_perc", "GT", 5.5, 120, 3, host="a b", service="x-y")),
    ("sum(requests) gte -1e3", sub("SUM", "requests", "GTE", -1000)),
    ("count(errors, 300) > 0 times 2", sub("COUNT", "errors", "GT", 0, 300, 2)),
    ("last(disk) < 0.5", sub("LAST", "disk", "LT", 0.5)),
    ("min(x) lt 1", sub("MIN", "x", "LT", 1)),
    ("max(x) eq 1", sub("MAX", "x", "EQ", 1)),
    ("avg > 1", sub("MAX", "avg", "GT", 1)),
    ("a > 1 and b < 2", Logic("and", (sub("MAX", "a", "GT", 1), sub("MIN", "b", "LT", 2)))),
    ("a > 1 && b < 2 && c > 3", Logic("and", (sub("MAX", "a", "GT", 1),
                                              sub("MIN", "b", "LT", 2),
                                              sub("MAX", "c", "GT", 3)))),
    ("a > 1 or b < 2 and c > 3", Logic("or", (sub("MAX", "a", "GT", 1), Logic("and", (
        sub("MIN", "b", "LT", 2), sub("MAX", "c", "GT", 3)))))),
    ("(a > 1 || b < 2) AND c > 3", Logic("and", (Logic("or", (
        sub("MAX", "a", "GT", 1), sub("MIN", "b", "LT", 2))), sub("MAX", "c", "GT", 3)))),
    ("((a > 1))", sub("MAX", "a", "GT", 1)),
])
def test_parse(text: str, tree: grammar.Node) -> None:
    parsed = grammar.parse(text)
    assert parsed == tree
    assert grammar.parse(parsed.text()) == parsed  # written out, it reads back the same


@pytest.mark.parametrize(("text", "message", "position"), [
    ("", "the expression is empty", 1),
    ("   ", "the expression is empty", 1),
    ("avg(metric1{instance_id=123)>=10", "expected , or } but found )", 28),
    ("cpu >", "expected a number as the threshold", 6),
    ("cpu > ten", "expected a number as the threshold", 7),
    ("cpu = 1", "expected a comparison operator", 5),
    ("cpu", "expected a comparison operator", 4),
    ("> 1", "expected a metric name", 1),
    ("avg(cpu, 90) > 1", "non-zero multiple of 60, not 90", 10),
    ("avg(cpu, 0) > 1", "expected a positive whole number of period", 10),
    ("avg(cpu > 1", ") to close avg(", 9),
    ("cpu > 1 times 0", "expected a positive whole number of periods", 15),
    ("cpu > 1 times", "expected a positive whole number of periods", 14),
    ("(cpu > 1", "expected ) but found the end", 9),
    ("cpu > 1 mem > 2", "unexpected m; expected and, or, or the end", 9),
    ("cpu{host} > 1", "expected = after dimension host but found }", 9),
    ("cpu{=a} > 1", "expected a dimension name", 5),
    ("cpu{host=} > 1", "expected a value for dimension host", 10),
    ("cpu{a=1,a=2} > 1", "dimension a is given twice", 11),
    ("cpu > 1 and", "expected a metric name", 12),
])
def test_errors_point_at_the_position(text: str, message: str, position: int) -> None:
    with pytest.raises(grammar.ExpressionError) as caught:
        grammar.parse(text)
    assert message in str(caught.value)
    assert f"at position {position} of" in str(caught.value)
    assert caught.value.position == position - 1


def test_expression_data() -> None:
    assert grammar.parse("avg(metric1{instance_id=123})>=10").data() == {
        "function": "AVG", "metric_name": "metric1", "period": 60, "threshold": 10.0,
        "periods": 1, "operator": "GTE", "dimensions": {"instance_id": "123"}}
    compound = grammar.parse("a > 1 or b < 2").data()
    assert compound["operator"] == "OR"
    assert [o["metric_name"] for o in compound["operands"]] == ["a", "b"]


def test_one_sub_expression_is_a_threshold_rule() -> None:
    alarm_type, rule = rules.alarm_rule(grammar.parse("avg(cpu{host=a}, 120) > 90 times 3"))
    assert alarm_type == "threshold"
    assert rule == {"meter_name": "cpu", "period": 120, "comparison_operator": "gt",
                    "threshold": 90.0, "statistic": "avg", "evaluation_periods": 3,
                    "query": [{"field": "host", "op": "eq", "type": "string", "value": "a"}]}


def test_several_are_a_composite_of_threshold_rules() -> None:
    alarm_type, rule = rules.alarm_rule(grammar.parse("a > 1 and (b < 2 or last(c) >= 3)"))
    assert alarm_type == "composite"
    first, alternatives = rule["and"]
    assert (first["type"], first["meter_name"], first["statistic"]) == ("threshold", "a", "max")
    assert [leaf["statistic"] for leaf in alternatives["or"]] == ["min", "last"]


@pytest.mark.parametrize("text", [
    "cpu1>10", "avg(metric1{instance_id=123}) >= 10", "a > 1 and (b < 2 or c > 3) or d > 4",
    "sum(x{k=v}, 300) lt 2 times 4",
])
def test_stored_rules_read_back_as_the_same_expression(text: str) -> None:
    node = grammar.parse(text)
    alarm_type, rule = rules.alarm_rule(node)
    if alarm_type == "threshold":  # as stored for a project-scoped caller
        rule["query"].append({"field": "project_id", "op": "eq", "type": "", "value": "p1"})
    assert rules.expression_of(alarm_type, rule, "p1") == node


@pytest.mark.parametrize(("alarm_type", "rule"), [
    ("gnocchi_resources_threshold", {"metric": "cpu", "threshold": 1}),
    ("threshold", {"meter_name": "cpu", "threshold": 1, "comparison_operator": "gt",
                   "query": [{"field": "host", "op": "ne", "value": "a"}]}),
    ("composite", {"or": [{"type": "threshold", "meter_name": "a", "threshold": 1},
                          {"type": "gnocchi_resources_threshold", "metric": "m"}]}),
])
def test_rules_without_an_expression(alarm_type: str, rule: dict[str, Any]) -> None:
    assert rules.expression_of(alarm_type, rule, "p1") is None


def test_another_project_in_the_query_stays_a_dimension() -> None:
    rule = {"meter_name": "cpu", "threshold": 1, "comparison_operator": "gt",
            "query": [{"field": "project_id", "op": "eq", "value": "p2"}]}
    node = rules.expression_of("threshold", rule, "p1")
    assert isinstance(node, SubExpression) and node.dimensions == (("project_id", "p2"),)
