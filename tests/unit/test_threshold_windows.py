"""Threshold rules mapped to metric store windows, through the rule's stored shape."""

from __future__ import annotations

from typing import Any

import pytest

from alarmapi.metrics.model import DimensionFilter
from alarmapi.metrics.windows import window_for_rule
from alarmapi.rule_shapes import ThresholdShape, UnusableRule


def _window(rule: dict[str, Any], project: str | None, end_ms: int = 0) -> Any:
    return window_for_rule(ThresholdShape.from_stored(rule), project, end_ms)


def test_rule_to_window() -> None:
    rule = {"meter_name": "cpu", "threshold": 1, "period": 60, "evaluation_periods": 3,
            "statistic": "max",
            "query": [{"field": "host", "op": "eq", "value": "a", "type": ""},
                      {"field": "project_id", "op": "eq", "value": "p2", "type": ""}]}
    window = _window(rule, "p1", 1_000_000)
    assert window.query.tenant_id == "p2"
    assert window.query.dimensions == [DimensionFilter("host", ("a",))]
    assert (window.start_ms, window.end_ms) == (1_000_000 - 180_000, 1_000_000)


@pytest.mark.parametrize("field", ["project_id", "tenant_id"])
def test_either_tenant_field_picks_the_project(field: str) -> None:
    rule = {"meter_name": "cpu", "threshold": 1,
            "query": [{"field": field, "op": "eq", "value": "p1"}]}
    assert _window(rule, "p1").query.tenant_id == "p1"
    assert _window(rule, "p1").query.dimensions == []


@pytest.mark.parametrize(("rule", "project", "field"), [
    ({"meter_name": "cpu", "threshold": 1,
      "query": [{"field": "host", "op": "gt", "value": "a"}]}, "p", "query"),
    ({"meter_name": "cpu", "threshold": 1, "statistic": "p99"}, "p", "statistic"),
    ({"meter_name": "cpu", "threshold": 1}, None, "query"),
    # Two projects named at once: the rule reads neither (the tenant_id leak).
    ({"meter_name": "cpu", "threshold": 1,
      "query": [{"field": "project_id", "value": "own"},
                {"field": "tenant_id", "value": "victim"}]}, "own", "query"),
    ({"meter_name": None, "threshold": 1}, "p", "meter_name"),
    ({"meter_name": "cpu", "threshold": None}, "p", "threshold"),
    ({"meter_name": "cpu", "threshold": float("inf")}, "p", "threshold"),
    ({"meter_name": "cpu", "threshold": 1, "period": 2**70}, "p", "period"),
    ({"meter_name": "cpu", "threshold": 1, "period": 0}, "p", "period"),
    ({"meter_name": "cpu", "threshold": 1, "evaluation_periods": 2**70}, "p",
     "evaluation_periods"),
    ({"meter_name": "cpu", "threshold": 1, "evaluation_periods": "3"}, "p",
     "evaluation_periods"),
    ({"meter_name": "cpu", "threshold": 1, "query": None}, None, "query"),
    ({"meter_name": "cpu", "threshold": 1, "query": [None]}, "p", "query"),
    ({"meter_name": "cpu", "threshold": 1, "query": "x"}, "p", "query"),
    ({"meter_name": "cpu", "threshold": 1, "comparison_operator": "~"}, "p",
     "comparison_operator"),
])
def test_unusable_rules(rule: dict[str, Any], project: str | None, field: str) -> None:
    with pytest.raises(UnusableRule) as caught:
        _window(rule, project)
    assert caught.value.field == field


def test_nulls_mean_the_defaults() -> None:
    shape = ThresholdShape.from_stored({"meter_name": "cpu", "threshold": 5, "period": None,
                                        "evaluation_periods": None, "statistic": None,
                                        "comparison_operator": None, "query": None})
    assert (shape.period, shape.evaluation_periods, shape.statistic,
            shape.comparison_operator, shape.query) == (60, 1, "avg", "eq", ())
