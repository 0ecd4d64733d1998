"""The legacy ``threshold`` rule, evaluated against alarmapi's own metric store.

Aodh removed it in 2018; python-aodhclient (``--meter-name``) and Heat still send it.
"""

from __future__ import annotations

from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors, rule_shapes
from alarmapi.api.rule_context import RuleContext
from alarmapi.api.v2.rules.base import AlarmRule, comparison_operator
from alarmapi.api.v2.wsbase import OPERATIONS, EnumAttr, Query

#: Aodh's statistics, and ``last`` (an alarmapi extension, Monasca's last function).
STATISTICS = rule_shapes.STATISTICS


class ThresholdRule(AlarmRule):
    """A statistic of a meter over ``evaluation_periods`` periods vs a threshold."""

    _stored_keys = ("meter_name", "query", "period", "comparison_operator", "threshold",
            "statistic", "evaluation_periods", "exclude_outliers")

    meter_name = wsme.wsattr(wtypes.text, mandatory=True)
    query = wsme.wsattr([Query], default=[])
    period = wsme.wsattr(wtypes.IntegerType(minimum=1), default=60)
    comparison_operator = comparison_operator()
    threshold = wsme.wsattr(float, mandatory=True)
    statistic = EnumAttr("statistic", *STATISTICS, default="avg")
    evaluation_periods = wsme.wsattr(wtypes.IntegerType(minimum=1), default=1)
    exclude_outliers = wsme.wsattr(bool, default=False)

    def __init__(self, query: Any = None, **kw: Any) -> None:
        items = [q if isinstance(q, Query) else Query(**q) for q in query or []]
        super().__init__(query=items, **kw)

    def validate_rule(self, ctx: RuleContext) -> None:
        for index, item in enumerate(self.query or []):
            if not isinstance(item, Query):
                raise errors.InvalidInput(f"threshold_rule.query[{index}]", item,
                                          "each query item must be an object with field, "
                                          "op and value")
            if item.field == "timestamp":
                raise errors.InvalidInput(
                    "query", item.field, "timestamp is not allowed in a threshold rule query"
                )
            if item.op in (None, wsme.Unset):  # Heat sends what it was not given as null
                item.op = "eq"
            if item.op not in OPERATIONS:
                raise errors.InvalidInput(
                    "op", item.op, "Value should be one of: " + ", ".join(OPERATIONS)
                )
            item.typed_value()
        items = tuple(rule_shapes.QueryItem(q.field, str(q.value), q.op)
                      for q in self.query or [])
        try:
            tenant = rule_shapes.query_tenant(items, ctx.project_id)
        except rule_shapes.UnusableRule as exc:
            raise errors.InvalidInput("threshold_rule.query", exc.value, exc.reason) from exc
        scope = ctx.caller.scope
        if scope is not None and tenant != scope:
            raise errors.NotAuthorized(f"Not Authorized to access project {tenant}")

    def default_description(self) -> str:
        return (
            f"Alarm when {self.meter_name} is {self.comparison_operator} a "
            f"{self.statistic} of {self.threshold} over {self.period} seconds"
        )

    def as_dict(self) -> dict[str, Any]:
        rule = self.as_dict_from_keys(list(self._stored_keys))
        rule["query"] = [q.as_dict() for q in self.query or []]
        return rule

    def stored_form(self, ctx: RuleContext) -> dict[str, Any]:
        rule = self.as_dict()
        scope = ctx.project_id if ctx.caller.scope is not None else None
        if scope is not None and not any(q["field"] in rule_shapes.TENANT_FIELDS
                                         for q in rule["query"]):
            # A project-scoped caller only sees its own measurements.
            rule["query"].append(
                {"field": "project_id", "op": "eq", "type": "", "value": scope}
            )
        return rule
