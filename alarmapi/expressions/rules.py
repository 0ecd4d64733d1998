"""Expressions to alarm rules and back: one sub-expression is a ``threshold`` rule,
several a ``composite`` of threshold rules."""

from __future__ import annotations

from typing import Any

from alarmapi import rule_types
from alarmapi.expressions.grammar import Logic, Node, SubExpression
from alarmapi.rule_shapes import TENANT_FIELDS, ThresholdShape, UnusableRule

#: expression_data operator -> threshold rule comparison_operator.
COMPARISONS = {"LT": "lt", "LTE": "le", "GT": "gt", "GTE": "ge", "EQ": "eq", "NE": "ne"}
_OPERATORS = {v: k for k, v in COMPARISONS.items()}


def threshold_rule(sub: SubExpression) -> dict[str, Any]:
    """The threshold rule (wire form) of one sub-expression."""
    return {
        "meter_name": sub.metric_name,
        "query": [{"field": k, "op": "eq", "type": "string", "value": v}
                  for k, v in sub.dimensions],
        "period": sub.period,
        "comparison_operator": COMPARISONS[sub.operator],
        "threshold": sub.threshold,
        "statistic": sub.function.lower(),
        "evaluation_periods": sub.periods,
    }


def _tree(node: Node) -> dict[str, Any]:
    if isinstance(node, SubExpression):
        return {"type": rule_types.THRESHOLD, **threshold_rule(node)}
    return {node.operator: [_tree(operand) for operand in node.operands]}


def alarm_rule(node: Node) -> tuple[str, dict[str, Any]]:
    """The alarm type and rule (wire form) an expression stands for."""
    if isinstance(node, SubExpression):
        return rule_types.THRESHOLD, threshold_rule(node)
    return rule_types.COMPOSITE, _tree(node)


def _sub(rule: dict[str, Any], project_id: str | None) -> SubExpression | None:
    try:
        shape = ThresholdShape.from_stored(rule)
    except UnusableRule:
        return None
    if any(item.op != "eq" for item in shape.query):
        return None
    operator = _OPERATORS.get(shape.comparison_operator)
    if operator is None:
        return None
    # The alarm's own project is implied; another one (an admin's rule) is written out.
    dimensions = tuple(sorted((item.field, item.value) for item in shape.query
                              if not (item.field in TENANT_FIELDS and item.value == project_id)))
    return SubExpression(shape.statistic.upper(), shape.meter_name, dimensions, operator,
                         shape.threshold, shape.period, shape.evaluation_periods)


def _node(tree: dict[str, Any], project_id: str | None) -> Node | None:
    if len(tree) == 1 and next(iter(tree)) in ("and", "or"):
        ((key, children),) = tree.items()
        operands = [_node(child, project_id) for child in children]
        if any(o is None for o in operands):
            return None
        if len(operands) == 1:
            return operands[0]
        return Logic(key, tuple(o for o in operands if o is not None))
    if tree.get("type") != rule_types.THRESHOLD:
        return None
    return _sub(tree, project_id)


def expression_of(alarm_type: str, rule: dict[str, Any], project_id: str | None
                  ) -> Node | None:
    """The expression a stored rule stands for; None when it has none (a gnocchi,
    event, ... rule, or a threshold query that is not plain dimension equality)."""
    if alarm_type == rule_types.THRESHOLD:
        return _sub(rule, project_id)
    if alarm_type == rule_types.COMPOSITE:
        return _node(rule, project_id)
    return None
