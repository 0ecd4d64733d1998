"""The event rule schema (accepted and stored)."""

from __future__ import annotations

import re
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.api.v2.rules.base import AlarmRule, RuleContext
from alarmapi.api.v2.wsbase import OPERATIONS, Query

_FIELD = re.compile(r"^[a-zA-Z.',0-9_-]*$")
_TYPES = ("string", "integer", "float", "boolean", "")


class EventRule(AlarmRule):
    """Fires when an event of ``event_type`` matching ``query`` arrives."""

    _stored_keys = ("event_type", "query")

    event_type = wsme.wsattr(wtypes.text)
    query = wsme.wsattr([Query])

    def __init__(self, event_type: str | None = None, query: Any = None, **kw: Any) -> None:
        items = [q if isinstance(q, Query) else Query(**q) for q in query or []]
        super().__init__(event_type=event_type or "*", query=items, **kw)

    def validate_rule(self, ctx: RuleContext) -> None:
        for item in self.query:
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
        return {"event_type": self.event_type, "query": [q.as_dict() for q in self.query]}
