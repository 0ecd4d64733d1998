"""The contract between the API and the evaluator: which rule types exist.

The API registers one schema per name here (entry points ``alarmapi.alarm.rule``)
and the evaluator one evaluator per evaluated name; a test keeps them in step.
"""

from __future__ import annotations

THRESHOLD = "threshold"
GNOCCHI_RESOURCES = "gnocchi_resources_threshold"
GNOCCHI_BY_METRICS = "gnocchi_aggregation_by_metrics_threshold"
GNOCCHI_BY_RESOURCES = "gnocchi_aggregation_by_resources_threshold"
COMPOSITE = "composite"
EVENT = "event"
PROMETHEUS = "prometheus"
LOADBALANCER_MEMBER_HEALTH = "loadbalancer_member_health"

GNOCCHI_TYPES = (GNOCCHI_RESOURCES, GNOCCHI_BY_METRICS, GNOCCHI_BY_RESOURCES)

#: Every alarm type the API accepts.
ALL_TYPES = (
    THRESHOLD,
    *GNOCCHI_TYPES,
    COMPOSITE,
    EVENT,
    PROMETHEUS,
    LOADBALANCER_MEMBER_HEALTH,
)

#: The types a composite rule may hold as leaves. Aodh 23 allows prometheus and the
#: gnocchi types; alarmapi adds its own threshold type.
COMPOSABLE_TYPES = (THRESHOLD, *GNOCCHI_TYPES, PROMETHEUS)

#: The types alarmapi's evaluator evaluates on its schedule (event rules only for their
#: timeouts: the listener judges the events).
EVALUATED_TYPES = (THRESHOLD, *GNOCCHI_TYPES, PROMETHEUS, LOADBALANCER_MEMBER_HEALTH,
                   EVENT, COMPOSITE)

#: Comparison operators of threshold-like rules.
COMPARISON_OPERATORS = ("lt", "le", "eq", "ne", "ge", "gt")


def rule_attribute(alarm_type: str) -> str:
    """Return the wire name of the rule attribute of an alarm type."""
    return f"{alarm_type}_rule"
