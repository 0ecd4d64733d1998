"""The event rule schema (accepted and stored)."""

from __future__ import annotations

import re
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.api.rule_context import RuleContext
from alarmapi.api.v2.rules.base import AlarmRule
from alarmapi.api.v2.wsbase import OPERATIONS, Query
from alarmapi.events import MAX_SECONDS

_FIELD = re.compile(r"^[a-zA-Z.',0-9_-]*$")
_TYPES = ("string", "integer", "float", "boolean", "")


class EventRule(AlarmRule):
    """Fires when an event of ``event_type`` matching ``query`` arrives."""

    _stored_keys = ("event_type", "query", "timeout", "reset_after")

    event_type = wsme.wsattr(wtypes.text)
    query = wsme.wsattr([Query])
    #: Extensions (capability alarms:event:timeout), shown only when set: matching events
    #: are heartbeats and none within ``timeout`` seconds sets the alarm; ``reset_after``
    #: seconds without a matching event set it back to ok.
    timeout = wsme.wsattr(int)
    reset_after = wsme.wsattr(int)

    def __init__(self, event_type: str | None = None, query: Any = None, **kw: Any) -> None:
        items = [q if isinstance(q, Query) else Query(**q) for q in query or []]
        super().__init__(event_type=event_type or "*", query=items, **kw)

    def validate_rule(self, ctx: RuleContext) -> None:
        for name in ("timeout", "reset_after"):
            value = getattr(self, name)
            if value not in (wsme.Unset, None) and not 1 <= value <= MAX_SECONDS:
                raise errors.InvalidInput(name, value, f"a whole number of seconds from 1 "
                                          f"to {MAX_SECONDS} is required")
        if self.event_type in (None, wsme.Unset):  # Heat sends what it was not given as null
            self.event_type = "*"
        if self.query in (None, wsme.Unset):
            self.query = []
        for index, item in enumerate(self.query):
            if not isinstance(item, Query):  # [null]
                raise errors.InvalidInput(f"event_rule.query[{index}]", item, "an object "
                                          "with field, op, type and value is required")
            if item.op in (None, wsme.Unset):
                item.op = "eq"
            item.typed_value()
            if item.op not in OPERATIONS:
                allowed = sorted(OPERATIONS)
                problem = f"value must be one of {allowed} for dictionary value @ data['op']"
            elif not _FIELD.match(item.field):
                problem = "does not match regular expression for dictionary value @ data['field']"
            elif (item.type or "") not in _TYPES:
                problem = (
                    f"value must be one of {list(_TYPES)} for dictionary value @ data['value']"
                )
            else:
                continue
            raise errors.ClientError(f"Query value or traits invalid: {problem}")

    def default_description(self) -> str:
        return f"Alarm when {self.event_type} event occurred."

    def as_dict(self) -> dict[str, Any]:
        rule = {"event_type": self.event_type, "query": [q.as_dict() for q in self.query]}
        for name in ("timeout", "reset_after"):
            if getattr(self, name) not in (wsme.Unset, None):
                rule[name] = getattr(self, name)
        return rule
