"""The query parameters of GET /v2.0/alarms: filters and sort order, each checked with
a message naming the parameter, its value and what is allowed."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from alarmapi import model
from alarmapi.api.v2_0 import alarm_view as view
from alarmapi.expressions import grammar
from alarmapi.metrics import parsing
from alarmapi.metrics.errors import MetricsError
from alarmapi.metrics.model import DimensionFilter

#: sort_by fields: Monasca's names -> what each sorts by.
SORT_FIELDS = ("alarm_id", "name", "state", "severity", "state_updated_timestamp",
               "updated_timestamp", "created_timestamp")
_SEVERITY_ORDER = {"LOW": 0, "MEDIUM": 1, "HIGH": 2, "CRITICAL": 3}
_STATE_ORDER = {"OK": 0, "UNDETERMINED": 1, "ALARM": 2}


@dataclasses.dataclass
class Listing:
    """What a list asks for."""

    equals: dict[str, Any] = dataclasses.field(default_factory=dict)
    dimensions: list[DimensionFilter] = dataclasses.field(default_factory=list)
    metric_name: str | None = None
    severities: tuple[str, ...] = ()
    updated_since_ms: int | None = None
    sort: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def matches(self, alarm: model.Alarm, node: grammar.Node) -> bool:
        """Whether an alarm (and its expression) passes the filters that are not columns."""
        if self.dimensions and not view.matches(node, self.dimensions):
            return False
        if self.metric_name is not None and self.metric_name not in {
                sub.metric_name for sub in grammar.subexpressions(node)}:
            return False
        if self.severities and view.severity_word(alarm) not in self.severities:
            return False
        if self.updated_since_ms is not None:
            changed = alarm.state_timestamp.timestamp() * 1000
            return changed >= self.updated_since_ms
        return True


def _state(value: str) -> str:
    state = value.upper()
    if state not in view.STATES:
        raise MetricsError(f"state {value!r} must be one of {', '.join(view.STATES)}")
    return view.STATES[state]


def _severities(value: str) -> tuple[str, ...]:
    words = tuple(word.strip().upper() for word in value.split("|"))
    bad = [w for w in words if w not in view.SEVERITIES]
    if bad:
        raise MetricsError(f"severity {bad[0]!r} must be one of {', '.join(view.SEVERITIES)} "
                           "(several separated by |)")
    return words


def _sort(value: str) -> list[tuple[str, str]]:
    keys = []
    for part in value.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise MetricsError(f"sort_by {part!r} must be a field and optionally asc or desc")
        field, direction = words[0], (words[1].lower() if len(words) == 2 else "asc")
        if field not in SORT_FIELDS:
            raise MetricsError(f"sort_by field {field!r} must be one of "
                               f"{', '.join(SORT_FIELDS)}")
        if direction not in ("asc", "desc"):
            raise MetricsError(f"sort_by direction {words[1]!r} of {field} must be asc or desc")
        keys.append((field, direction))
    return keys


def parse(params: dict[str, str]) -> Listing:
    """The listing the query parameters ask for; 422 naming a bad one."""
    listing = Listing()
    if params.get("name"):
        listing.equals["name"] = params["name"]
    if params.get("state"):
        listing.equals["state"] = _state(params["state"])
    for key in ("dimensions", "metric_dimensions"):
        listing.dimensions += parsing.parse_dimension_filters(params.get(key))
    listing.metric_name = params.get("metric_name") or None
    if params.get("severity"):
        listing.severities = _severities(params["severity"])
    listing.updated_since_ms = parsing.parse_time(params.get("state_updated_start_time"),
                                                  "state_updated_start_time")
    if params.get("sort_by"):
        listing.sort = _sort(params["sort_by"])
    return listing


def _key(alarm: model.Alarm, field: str) -> Any:
    if field == "alarm_id":
        return alarm.alarm_id
    if field == "name":
        return alarm.name
    if field == "state":
        return _STATE_ORDER[view.state_word(alarm.state)]
    if field == "severity":
        return _SEVERITY_ORDER[view.severity_word(alarm)]
    if field == "state_updated_timestamp":
        return alarm.state_timestamp
    return alarm.timestamp  # updated_timestamp and created_timestamp: the last write


def sort(alarms: list[model.Alarm], keys: list[tuple[str, str]]) -> list[model.Alarm]:
    """The alarms in sort_by order (stable: later keys first, the id last)."""
    ordered = sorted(alarms, key=lambda a: a.alarm_id)
    for field, direction in reversed(keys):
        ordered.sort(key=functools.partial(_key, field=field), reverse=direction == "desc")
    return ordered
