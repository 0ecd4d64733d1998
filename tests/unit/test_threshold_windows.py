"""Threshold rules mapped to metric store windows."""

from __future__ import annotations

import pytest

from alarmapi.metrics.model import DimensionFilter
from alarmapi.metrics.windows import UnusableRule, window_for_rule


def test_rule_to_window() -> None:
    rule = {"meter_name": "cpu", "period": 60, "evaluation_periods": 3, "statistic": "max",
            "query": [{"field": "host", "op": "eq", "value": "a", "type": ""},
                      {"field": "project_id", "op": "eq", "value": "p2", "type": ""}]}
    window = window_for_rule(rule, "p1", 1_000_000)
    assert window.query.tenant_id == "p2"
    assert window.query.dimensions == [DimensionFilter("host", ("a",))]
    assert (window.start_ms, window.end_ms) == (1_000_000 - 180_000, 1_000_000)


@pytest.mark.parametrize(("rule", "project"), [
    ({"meter_name": "cpu", "query": [{"field": "host", "op": "gt", "value": "a"}]}, "p"),
    ({"meter_name": "cpu", "statistic": "p99"}, "p"),
    ({"meter_name": "cpu"}, None),
])
def test_unusable_rules(rule: dict, project: str | None) -> None:
    with pytest.raises(UnusableRule):
        window_for_rule(rule, project, 0)
