"""What a threshold rule reads from the metric store: a statistic per period over the
last ``evaluation_periods`` periods, ending at evaluation time."""

from __future__ import annotations

import dataclasses

from alarmapi.metrics.model import DimensionFilter, MetricQuery
from alarmapi.rule_shapes import ThresholdShape, UnusableRule


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


def window_for_rule(rule: ThresholdShape, project_id: str | None, end_ms: int
                    ) -> ThresholdWindow:
    """The window of a threshold rule evaluated at ``end_ms``.

    The rule reads the project ``rule.tenant`` derives (the alarm's by default); every
    other query item is a dimension that must have that value.
    """
    filters = []
    for item in rule.query:
        if item.op != "eq":
            raise UnusableRule("query", f"{item.field} {item.op} {item.value}",
                               "the metric store matches dimensions with eq only")
    for item in rule.dimensions():
        filters.append(DimensionFilter(item.field, (item.value,)))
    tenant = rule.tenant(project_id)
    if tenant is None:
        raise UnusableRule("query", None, "the rule names no project")
    return ThresholdWindow(MetricQuery(tenant, rule.meter_name, filters), rule.statistic,
                           rule.period, rule.evaluation_periods, end_ms)
