"""The wire names of the alarm types, each behind one constant (what each type is and
does: ``alarmapi.rule_kinds``)."""

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

#: Comparison operators of threshold-like rules.
COMPARISON_OPERATORS = ("lt", "le", "eq", "ne", "ge", "gt")


def rule_attribute(alarm_type: str) -> str:
    """Return the wire name of the rule attribute of an alarm type."""
    return f"{alarm_type}_rule"
