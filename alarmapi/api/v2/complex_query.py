"""/v2/query/alarms and /v2/query/alarms/history: filter trees, order-by, limit."""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema
import pecan
import wsme
from pecan import rest
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.api import limits
from alarmapi.api.v2 import alarm_type, history_type
from alarmapi.api.v2.expose import wsexpose
from alarmapi.api.v2.wsbase import Base
from alarmapi.storage.base import ComplexQuery, InvalidQuery, SortKey

ALARM_FIELDS = ("alarm_id", "timestamp", "state_reason", "repeat_actions", "description",
                "severity", "project_id", "type", "evaluate_timestamp", "name",
                "state_timestamp", "state", "user_id", "enabled", "user", "project")
HISTORY_FIELDS = ("event_id", "alarm_id", "type", "detail", "on_behalf_of", "severity",
                  "timestamp", "project_id", "user_id", "user", "project")
_SIMPLE_OPS = "(?i)^=$|^!=$|^<$|^>$|^<=$|^=<$|^>=$|^=>$|^=~$"
_SCALAR = {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}
_ONE = {"additionalProperties": False, "minProperties": 1, "maxProperties": 1}
_PROJECT_FIELDS = ("project_id", "project")


def _field_pattern(fields: tuple[str, ...]) -> str:
    return "|".join(f"^{f}$" for f in fields)


def filter_schema(fields: tuple[str, ...]) -> dict[str, Any]:
    """The JSON schema of a filter tree over ``fields``."""
    field = _field_pattern(fields)
    leaf = {"type": "object", "patternProperties": {field: _SCALAR}, **_ONE}
    in_leaf = {"type": "object", "patternProperties": {
        field: {"type": "array", "items": _SCALAR, "minItems": 1}}, **_ONE}
    return {
        "oneOf": [
            {"$ref": "#/definitions/leaf_simple_ops"},
            {"$ref": "#/definitions/leaf_in"},
            {"$ref": "#/definitions/and_or"},
            {"$ref": "#/definitions/not"},
        ],
        "minProperties": 1,
        "maxProperties": 1,
        "definitions": {
            "leaf_simple_ops": {
                "type": "object", "patternProperties": {_SIMPLE_OPS: leaf}, **_ONE},
            "leaf_in": {"type": "object", "patternProperties": {"(?i)^in$": in_leaf}, **_ONE},
            "and_or": {"type": "object", "patternProperties": {
                "(?i)^and$|^or$": {"type": "array", "items": {"$ref": "#"}, "minItems": 2}},
                **_ONE},
            "not": {"type": "object", "patternProperties": {"(?i)^not$": {"$ref": "#"}}, **_ONE},
        },
    }


def orderby_schema(fields: tuple[str, ...]) -> dict[str, Any]:
    """The JSON schema of an order-by list over ``fields``."""
    return {"type": "array", "items": {
        "type": "object",
        "patternProperties": {_field_pattern(fields): {
            "type": "string", "pattern": "(?i)^asc$|^desc$"}},
        **_ONE}}


@functools.cache
def _validator(kind: str, fields: tuple[str, ...]) -> jsonschema.protocols.Validator:
    """A compiled validator (building one per request costs more than the query)."""
    schema = filter_schema(fields) if kind == "Filter" else orderby_schema(fields)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _load(text: str, kind: str, fields: tuple[str, ...]) -> Any:
    try:
        value = json.loads(text)
        limits.check_document(value, kind.lower())
        error = jsonschema.exceptions.best_match(_validator(kind, fields).iter_errors(value))
    except errors.InvalidInput:
        raise
    except (ValueError, RecursionError) as exc:
        raise errors.ClientError(f"{kind} expression not valid: {exc}") from exc
    if error is not None:  # the first line only, as Aodh says it; never the schema
        message = error.message.splitlines()[0]
        if len(message) > 300:
            message = message[:297] + "..."
        raise errors.ClientError(f"{kind} expression not valid: {message}")
    return value


def _named_projects(node: Any) -> list[str]:
    """Every project id a filter tree compares with."""
    ((op, operand),) = node.items()
    if op.lower() in ("and", "or"):
        return [p for child in operand for p in _named_projects(child)]
    if op.lower() == "not":
        return _named_projects(operand)
    ((field, value),) = operand.items()
    if field not in _PROJECT_FIELDS:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class QueryBody(Base):
    """The body of a complex query."""

    filter = wtypes.text
    orderby = wtypes.text
    limit = wsme.wsattr(int)

    def parse(self, fields: tuple[str, ...], scope: str | None) -> ComplexQuery:
        """Validate and parse; a non-admin may only name its own project."""
        query = ComplexQuery()
        if self.filter not in (None, wsme.Unset):
            query.filter = _load(self.filter, "Filter", fields)
            for project in _named_projects(query.filter):
                if scope is not None and project != scope:
                    raise errors.NotAuthorized(f"Not Authorized to access project {project}")
        if self.orderby not in (None, wsme.Unset):
            items = _load(self.orderby, "Order-by", fields)
            query.orderby = [SortKey(*next(iter(i.items()))) for i in items]
            query.orderby = [SortKey(k.key, k.direction.lower()) for k in query.orderby]
        limit: Any = self.limit
        if limit not in (None, wsme.Unset):
            if limit <= 0:
                raise errors.ClientError("Limit should be positive")
            if limit > 2**31 - 1:
                raise errors.InvalidInput("limit", limit, f"it should be at most {2**31 - 1}.")
            query.limit = limit
        return query


def _run(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except InvalidQuery as exc:
        raise errors.ClientError(f"Filter expression not valid: {exc}") from exc


class QueryAlarmHistoryController(rest.RestController):
    """/v2/query/alarms/history."""

    @wsexpose([history_type.AlarmChange], body=QueryBody)
    def post(self, body: QueryBody) -> Any:
        """Query the history of the alarms the caller may see."""
        ctx = pecan.request.ctx
        ctx.enforce("query_alarm_history")
        scope = ctx.caller.scope
        query = body.parse(HISTORY_FIELDS, scope)
        changes = _run(ctx.storage.query_alarm_changes, query, scope)
        return history_type.wire_list(changes)


class QueryAlarmsController(rest.RestController):
    """/v2/query/alarms."""

    history = QueryAlarmHistoryController()

    @wsexpose([alarm_type.Alarm], body=QueryBody)
    def post(self, body: QueryBody) -> Any:
        """Query the alarms the caller may see."""
        ctx = pecan.request.ctx
        ctx.enforce("query_alarm")
        scope = ctx.caller.scope
        query = body.parse(ALARM_FIELDS, scope)
        return alarm_type.wire_list(_run(ctx.storage.query_alarms, query, scope),
                                   ctx.services.conf.evaluator.evaluation_interval)


class QueryController(rest.RestController):
    """/v2/query."""

    alarms = QueryAlarmsController()
