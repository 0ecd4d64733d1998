"""OpenStack events (as Ceilometer's event pipeline publishes them) and the event rule
that matches them: the core the listener judges with, framework-free.

An event is ``{"message_id", "event_type", "generated", "traits": [[name, dtype, value],
...]}`` with dtype 0 none, 1 string, 2 integer, 3 float, 4 datetime. Its project is the
trait ``tenant_id`` or ``project_id``. A rule matches when ``fnmatch(event_type,
rule.event_type)`` and every query condition holds (AND). Unlike Aodh, a condition on a
field that is not a trait (``event_type``, ``message_id``, ``generated``, ...) works, as do
``boolean`` and ``datetime`` types; a value that cannot be converted makes the condition
false instead of failing the alarm.
"""

from __future__ import annotations

import dataclasses
import datetime
import fnmatch
import functools
import json
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from alarmapi import rule_types
from alarmapi.rule_shapes import UnusableRule

COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt, "le": operator.le, "eq": operator.eq, "ne": operator.ne,
    "ge": operator.ge, "gt": operator.gt,
}
#: Ceilometer's trait data types by number, and the query types by name.
TRAIT_TYPES = {0: "none", 1: "string", 2: "integer", 3: "float", 4: "datetime"}
QUERY_TYPES = ("string", "integer", "float", "boolean", "datetime")
PROJECT_TRAITS = ("tenant_id", "project_id")


class InvalidEvent(ValueError):
    """An event without its mandatory fields."""


def _datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValueError(f"{value!r} is not a boolean")


def converted(value: Any, kind: str) -> Any:
    """``value`` as ``kind`` (a query type or a trait type name); ValueError if not."""
    if value is None:
        return None
    if kind == "integer":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "boolean":
        return _boolean(value)
    if kind == "datetime":
        return _datetime(value)
    return str(value)


@dataclasses.dataclass(frozen=True)
class Event:
    """One received event, its traits converted by their data types."""

    raw: Mapping[str, Any]
    message_id: str
    event_type: str
    project: str
    traits: Mapping[str, Any]

    @classmethod
    def parse(cls, raw: Any) -> Event:
        """Read one event; InvalidEvent without ``event_type`` or ``message_id``."""
        if not isinstance(raw, Mapping) or not raw:
            raise InvalidEvent("an event must be a non-empty object")
        for key in ("event_type", "message_id"):
            if not raw.get(key) or not isinstance(raw.get(key), str):
                raise InvalidEvent(f"the event has no {key}")
        traits: dict[str, Any] = {}
        project = ""
        for trait in raw.get("traits") or []:
            if not isinstance(trait, (list, tuple)) or len(trait) != 3:
                raise InvalidEvent(f"a trait must be [name, type, value], not {trait!r}")
            name, dtype, value = trait
            try:
                traits[str(name)] = converted(value, TRAIT_TYPES.get(dtype, "string"))
            except (TypeError, ValueError):
                traits[str(name)] = value  # as received: only conditions on it fail
            if name in PROJECT_TRAITS and value:
                project = str(value)
        return cls(raw, str(raw["message_id"]), str(raw["event_type"]), project, traits)

    def value(self, field: str) -> Any:
        """A trait (``traits.<name>``) or a field of the event (dotted path)."""
        if field.startswith("traits."):
            return self.traits.get(field.split(".", 1)[1])
        found: Any = self.raw
        for part in field.split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        return found


def events_of(payload: Any) -> list[Any]:
    """The events a notification's payload carries (a list, or one event)."""
    return list(payload) if isinstance(payload, list) else [payload]


@dataclasses.dataclass(frozen=True)
class Condition:
    """One query item of an event rule."""

    field: str
    op: str
    value: Any
    kind: str

    def holds(self, event: Event) -> bool:
        """Whether the event's value of the field compares true with the query value."""
        actual = event.value(self.field)
        if actual is None:
            return self.op == "ne" and self.value is not None
        try:
            actual = converted(actual, self.kind)
            return bool(COMPARATORS[self.op](actual, self.value))
        except (TypeError, ValueError):
            return False


@dataclasses.dataclass(frozen=True)
class EventShape:
    """A stored ``event`` rule. Extensions (None: Aodh's behaviour): with ``timeout``,
    matching events are heartbeats (each one sets the alarm ``ok``) and none within
    ``timeout`` seconds sets it ``alarm``; with ``reset_after``, an alarm goes back to
    ``ok`` after that many seconds without a matching event."""

    event_type: str
    conditions: tuple[Condition, ...]
    query: tuple[Mapping[str, Any], ...]
    timeout: int | None = None
    reset_after: int | None = None

    @classmethod
    def from_stored(cls, rule: Mapping[str, Any]) -> EventShape:
        """Read a stored event rule; UnusableRule names what is wrong (the alarm alone
        is then skipped, never the project's other alarms)."""
        query = rule.get("query") or []
        if not isinstance(query, list):
            raise UnusableRule("query", query, "a list of query items is required")
        conditions = []
        for item in query:
            if not isinstance(item, Mapping) or not isinstance(item.get("field"), str):
                raise UnusableRule("query", item, "each item needs a field")
            op = item.get("op") or "eq"
            kind = item.get("type") or "string"
            if op not in COMPARATORS:
                raise UnusableRule("query.op", op, f"must be one of {', '.join(COMPARATORS)}")
            if kind not in QUERY_TYPES:
                raise UnusableRule("query.type", kind, f"must be one of {QUERY_TYPES}")
            try:
                value = converted(item.get("value"), kind)
            except (TypeError, ValueError) as exc:
                raise UnusableRule("query.value", item.get("value"), str(exc)) from exc
            conditions.append(Condition(item["field"], op, value, kind))
        event_type = rule.get("event_type") or "*"
        return cls(str(event_type), tuple(conditions), tuple(query),
                   _seconds(rule, "timeout"), _seconds(rule, "reset_after"))

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """``event_type`` as a shell-style pattern, compiled (as fnmatch on POSIX: case
        matters)."""
        return re.compile(fnmatch.translate(self.event_type))

    def matches(self, event: Event) -> bool:
        """The event's type matches the pattern and every condition holds."""
        return self.pattern.match(event.event_type) is not None and all(
            condition.holds(event) for condition in self.conditions)

    def reason(self, event: Event) -> str:
        """Aodh's transition reason."""
        query = json.dumps(list(self.query), sort_keys=True)
        return (f"Event <id={event.message_id},event_type={event.event_type}> hits the "
                f"query <query={query}>.")


#: The longest timeout or reset_after, in seconds (a leap year).
MAX_SECONDS = 366 * 86_400


def _seconds(rule: Mapping[str, Any], key: str) -> int | None:
    value = rule.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SECONDS:
        raise UnusableRule(key, value, f"a whole number of seconds from 1 to {MAX_SECONDS} "
                           "is required")
    return value


def reason_data(event: Event) -> dict[str, Any]:
    """Aodh's reason_data: the event as received."""
    return {"type": rule_types.EVENT, "event": dict(event.raw)}
