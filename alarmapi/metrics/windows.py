"""What a threshold rule reads from the metric store: a statistic per period over the
last ``evaluation_periods`` periods, ending at evaluation time."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from alarmapi.metrics.model import RULE_STATISTICS, DimensionFilter, MetricQuery


@dataclasses.dataclass(frozen=True)
class ThresholdWindow:
    """One rule's read: which metrics, which statistic, which periods."""

    query: MetricQuery
    statistic: str
    period_s: int
    evaluation_periods: int
    end_ms: int

    @property
    def start_ms(self) -> int:
        """The start of the first period of the window."""
        return self.end_ms - self.period_s * 1000 * self.evaluation_periods


class UnusableRule(ValueError):
    """A threshold rule whose query the metric store cannot answer."""


def window_for_rule(rule: Mapping[str, Any], project_id: str | None, end_ms: int
                    ) -> ThresholdWindow:
    """The window of a stored ``threshold`` rule evaluated at ``end_ms``.

    Query items on ``project_id`` pick the tenant (the alarm's project otherwise);
    every other ``eq`` item is a dimension that must have that value.
    """
    statistic = rule.get("statistic", "avg")
    if statistic not in RULE_STATISTICS:
        raise UnusableRule(f"statistic {statistic!r} is not one of {RULE_STATISTICS}")
    tenant = project_id
    filters = []
    for item in rule.get("query", []):
        if item.get("op", "eq") != "eq":
            raise UnusableRule(f"query on {item.get('field')} uses {item.get('op')}; "
                               "the metric store matches dimensions with eq only")
        if item["field"] in ("project_id", "tenant_id"):
            tenant = str(item["value"])
        else:
            filters.append(DimensionFilter(item["field"], (str(item["value"]),)))
    if tenant is None:
        raise UnusableRule("the rule names no project")
    return ThresholdWindow(MetricQuery(tenant, rule["meter_name"], filters), statistic,
                           int(rule.get("period", 60)), int(rule.get("evaluation_periods", 1)),
                           end_ms)
