"""Each evaluated rule type's stored shape, defined once: its fields, defaults and bounds.

The API normalises every rule it stores through these shapes (``rule_kinds.normalized``:
a stored rule is always complete, a ``null`` means the default, a missing mandatory
field is refused), the evaluator reads rules only through them (so a rule stored before
these checks fails alone, as "unusable", never the cycle), and the expression mapper
uses them too.
``query_tenant`` is the one derivation of the project whose data a threshold rule reads.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from alarmapi import errors, rule_types
from alarmapi.metrics.model import RULE_STATISTICS

#: Longest period or granularity, in seconds (a leap year).
MAX_PERIOD_S = 366 * 86_400
#: Most periods a rule may judge.
MAX_EVALUATION_PERIODS = 1000
#: A composite tree nests at most this many and/or levels and holds this many leaves.
MAX_COMPOSITE_DEPTH = 16
MAX_COMPOSITE_LEAVES = 100
#: Query fields that name the project whose measurements a threshold rule reads.
TENANT_FIELDS = ("project_id", "tenant_id")
STATISTICS = RULE_STATISTICS
COMPARISONS = rule_types.COMPARISON_OPERATORS


class UnusableRule(errors.InvalidInput):
    """A stored or submitted rule that does not have its type's shape."""


def _get(rule: Mapping[str, Any], key: str) -> Any:
    return rule.get(key) if isinstance(rule, Mapping) else None


def _integer(rule: Mapping[str, Any], key: str, default: int, maximum: int) -> int:
    value = _get(rule, key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise UnusableRule(key, value, "an integer is required")
    if not 1 <= value <= maximum:
        raise UnusableRule(key, value, f"must lie between 1 and {maximum}")
    return int(value)


def _number(rule: Mapping[str, Any], key: str) -> float:
    value = _get(rule, key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnusableRule(key, value, "a number is required")
    if not math.isfinite(value) or abs(value) > 1e300:
        raise UnusableRule(key, value, "a finite number of magnitude at most 1e300 is "
                           "required")
    return float(value)


def _text(rule: Mapping[str, Any], key: str, default: str | None = None,
          choices: tuple[str, ...] = ()) -> str:
    value = _get(rule, key)
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or not value:
        raise UnusableRule(key, value, "a non-empty string is required")
    if choices and value not in choices:
        raise UnusableRule(key, value, f"must be one of {', '.join(choices)}")
    return value


@dataclasses.dataclass(frozen=True)
class QueryItem:
    """One item of a threshold rule's query: ``field op value``."""

    field: str
    value: str
    op: str = "eq"
    type: str = ""

    @classmethod
    def from_stored(cls, item: Any) -> QueryItem:
        """Read one stored query item."""
        if not isinstance(item, Mapping):
            raise UnusableRule("query", item, "each query item must be an object")
        value = item.get("value")
        if isinstance(value, (dict, list)) or value is None:
            raise UnusableRule("query.value", value, "a string or number is required")
        return cls(_text(item, "field"), str(value), _text(item, "op", "eq"),
                   str(item.get("type") or ""))


def query_tenant(items: tuple[QueryItem, ...], default: str | None) -> str | None:
    """The project whose measurements a query reads: the one its ``project_id`` and
    ``tenant_id`` items name, else ``default`` (the alarm's project).

    Items naming two projects are refused: a rule reads one project's data.
    """
    named = sorted({item.value for item in items if item.field in TENANT_FIELDS})
    if len(named) > 1:
        raise UnusableRule("query", named, "project_id and tenant_id items must name one "
                           "and the same project")
    return named[0] if named else default


@dataclasses.dataclass(frozen=True)
class ThresholdShape:
    """The stored ``threshold`` rule (alarmapi's own metric store)."""

    meter_name: str
    threshold: float
    query: tuple[QueryItem, ...] = ()
    period: int = 60
    comparison_operator: str = "eq"
    statistic: str = "avg"
    evaluation_periods: int = 1
    exclude_outliers: bool = False

    @classmethod
    def from_stored(cls, rule: Mapping[str, Any]) -> ThresholdShape:
        """Read a stored threshold rule; UnusableRule names what is wrong."""
        query = _get(rule, "query")
        if query is not None and not isinstance(query, list):
            raise UnusableRule("query", query, "a list of query items is required")
        return cls(
            meter_name=_text(rule, "meter_name"),
            threshold=_number(rule, "threshold"),
            query=tuple(QueryItem.from_stored(item) for item in query or []),
            period=_integer(rule, "period", 60, MAX_PERIOD_S),
            comparison_operator=_text(rule, "comparison_operator", "eq", COMPARISONS),
            statistic=_text(rule, "statistic", "avg", STATISTICS),
            evaluation_periods=_integer(rule, "evaluation_periods", 1,
                                        MAX_EVALUATION_PERIODS),
            exclude_outliers=bool(_get(rule, "exclude_outliers") or False),
        )

    def tenant(self, alarm_project: str | None) -> str | None:
        """The project whose measurements the rule reads."""
        return query_tenant(self.query, alarm_project)

    def dimensions(self) -> tuple[QueryItem, ...]:
        """The query items that are not the tenant."""
        return tuple(item for item in self.query if item.field not in TENANT_FIELDS)

    def stored(self) -> dict[str, Any]:
        """The complete stored form."""
        rule = dataclasses.asdict(self)
        rule["query"] = [dataclasses.asdict(item) for item in self.query]
        return rule


#: The fields each gnocchi_* type requires besides the common ones.
GNOCCHI_REQUIRED = {
    rule_types.GNOCCHI_RESOURCES: ("metric", "resource_id", "resource_type"),
    rule_types.GNOCCHI_BY_METRICS: ("metrics",),
    rule_types.GNOCCHI_BY_RESOURCES: ("metric", "query", "resource_type"),
}


@dataclasses.dataclass(frozen=True)
class GnocchiShape:
    """A stored ``gnocchi_*`` rule; which of the optional fields are set depends on
    the type (GNOCCHI_REQUIRED)."""

    rule_type: str
    aggregation_method: str
    threshold: float
    comparison_operator: str = "eq"
    granularity: int = 60
    evaluation_periods: int = 1
    metric: str | None = None
    metrics: tuple[str, ...] = ()
    resource_id: str | None = None
    resource_type: str | None = None
    query: str | None = None

    @classmethod
    def from_stored(cls, rule_type: str, rule: Mapping[str, Any]) -> GnocchiShape:
        """Read a stored gnocchi_* rule; UnusableRule names what is wrong."""
        required = GNOCCHI_REQUIRED[rule_type]
        optional = {key: _text(rule, key) for key in ("metric", "resource_id",
                                                      "resource_type", "query")
                    if key in required}
        metrics: tuple[str, ...] = ()
        if "metrics" in required:
            raw = _get(rule, "metrics")
            if not isinstance(raw, list) or not raw or not all(
                    isinstance(m, str) and m for m in raw):
                raise UnusableRule("metrics", raw, "a non-empty list of metric ids is "
                                   "required")
            metrics = tuple(raw)
        return cls(
            rule_type=rule_type,
            aggregation_method=_text(rule, "aggregation_method"),
            threshold=_number(rule, "threshold"),
            comparison_operator=_text(rule, "comparison_operator", "eq", COMPARISONS),
            granularity=_integer(rule, "granularity", 60, MAX_PERIOD_S),
            evaluation_periods=_integer(rule, "evaluation_periods", 1,
                                        MAX_EVALUATION_PERIODS),
            metrics=metrics,
            **optional,
        )

    def stored(self) -> dict[str, Any]:
        """The complete stored form: the common fields and those of the type."""
        rule: dict[str, Any] = {
            "aggregation_method": self.aggregation_method, "threshold": self.threshold,
            "comparison_operator": self.comparison_operator,
            "granularity": self.granularity, "evaluation_periods": self.evaluation_periods}
        for key in GNOCCHI_REQUIRED[self.rule_type]:
            value = getattr(self, key)
            rule[key] = list(value) if isinstance(value, tuple) else value
        return rule


@dataclasses.dataclass(frozen=True)
class PrometheusShape:
    """A stored ``prometheus`` rule: an instant PromQL query whose every series is one
    sample compared with the threshold."""

    query: str
    threshold: float
    comparison_operator: str = "eq"
    #: The project whose series the query may read; None: every project's (an admin's
    #: own alarm, as in Aodh).
    scope_to_project: str | None = None

    @classmethod
    def from_stored(cls, rule: Mapping[str, Any]) -> PrometheusShape:
        """Read a stored prometheus rule; UnusableRule names what is wrong."""
        scope = _get(rule, "scope_to_project")
        return cls(
            query=_text(rule, "query"),
            threshold=_number(rule, "threshold"),
            comparison_operator=_text(rule, "comparison_operator", "eq", COMPARISONS),
            scope_to_project=_text(rule, "scope_to_project") if scope is not None else None,
        )

    def stored(self) -> dict[str, Any]:
        """The complete stored form."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class LoadBalancerShape:
    """A stored ``loadbalancer_member_health`` rule: an Octavia pool of a Heat
    autoscaling group."""

    pool_id: str
    stack_id: str | None = None
    autoscaling_group_id: str | None = None

    @classmethod
    def from_stored(cls, rule: Mapping[str, Any]) -> LoadBalancerShape:
        """Read a stored loadbalancer_member_health rule."""
        optional = {key: _text(rule, key) for key in ("stack_id", "autoscaling_group_id")
                    if _get(rule, key) is not None}
        return cls(pool_id=_text(rule, "pool_id"), **optional)


def is_branch(node: Any) -> bool:
    """Whether a composite node is an and/or branch (else a leaf rule)."""
    return isinstance(node, Mapping) and len(node) == 1 and next(iter(node)) in ("and", "or")


def check_composite(tree: Any) -> None:
    """Refuse a composite tree deeper than MAX_COMPOSITE_DEPTH or with more than
    MAX_COMPOSITE_LEAVES leaves (checked without recursion)."""
    leaves, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if not is_branch(node):
            leaves += 1
            if leaves > MAX_COMPOSITE_LEAVES:
                raise UnusableRule("composite_rule", "...", f"a composite rule holds at most "
                                   f"{MAX_COMPOSITE_LEAVES} rules")
            continue
        if depth > MAX_COMPOSITE_DEPTH:
            raise UnusableRule("composite_rule", "...", f"a composite rule nests at most "
                               f"{MAX_COMPOSITE_DEPTH} levels of and/or")
        children = next(iter(node.values()))
        if isinstance(children, list):  # anything else is refused by the API's parser
            stack.extend((child, depth + 1) for child in children)
