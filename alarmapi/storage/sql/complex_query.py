"""Compile a validated complex-query filter tree into a SQLAlchemy expression."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from alarmapi.storage.base import InvalidQuery

#: Field aliases of Aodh's complex query.
ALIASES = {"user": "user_id", "project": "project_id"}

_COMPARATORS: dict[str, Callable[[Any, Any], Any]] = {
    "=": lambda c, v: c == v,
    "!=": lambda c, v: c != v,
    "<": lambda c, v: c < v,
    ">": lambda c, v: c > v,
    "<=": lambda c, v: c <= v,
    "=<": lambda c, v: c <= v,
    ">=": lambda c, v: c >= v,
    "=>": lambda c, v: c >= v,
    "=~": lambda c, v: c.regexp_match(v),
}


def column_for(table: sa.Table, field: str) -> sa.Column[Any]:
    """The column a filter or order-by field names."""
    name = ALIASES.get(field, field)
    if name not in table.c:
        raise InvalidQuery(f"field {field} cannot be queried")
    column = table.c[name]
    if isinstance(column.type, sa.JSON):
        raise InvalidQuery(f"field {field} cannot be queried: it is a JSON document")
    return column


def _coerce(column: sa.Column[Any], field: str, value: Any) -> Any:
    """Convert a JSON value to the column's Python type, refusing mismatches."""
    python_type = column.type.python_type
    if value is None:
        return None
    if python_type is datetime.datetime:
        if not isinstance(value, str):
            raise InvalidQuery(f"{field} must be an ISO 8601 timestamp, not {value!r}")
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidQuery(f"{field} must be an ISO 8601 timestamp: {exc}") from exc
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
        return parsed
    if python_type is bool:
        if not isinstance(value, bool):
            raise InvalidQuery(f"{field} must be true or false, not {value!r}")
        return value
    if python_type is str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidQuery(f"{field} must be a string, not {value!r}")
        return str(value)
    return value


#: Longest pattern accepted by =~, and the largest {m,n} count every backend takes
#: (PostgreSQL refuses counts over 255).
MAX_PATTERN_LENGTH = 256
MAX_REPETITION = 255
_REPETITION = re.compile(r"\{(\d+)(?:,(\d*))?\}")


def _checked_pattern(column: sa.Column[Any], field: str, value: Any) -> str:
    """A =~ pattern every backend can run on a text column, or InvalidQuery."""
    if column.type.python_type is not str:
        raise InvalidQuery(f"=~ only applies to text fields, not to {field}")
    if not isinstance(value, str):
        raise InvalidQuery(f"=~ needs a regular expression string, not {value!r}")
    if len(value) > MAX_PATTERN_LENGTH:
        raise InvalidQuery(f"the =~ pattern on {field} has {len(value)} characters; "
                           f"at most {MAX_PATTERN_LENGTH} are allowed")
    try:
        re.compile(value)
    except re.error as exc:
        raise InvalidQuery(f"the =~ pattern {value!r} on {field} is not a valid regular "
                           f"expression: {exc}") from exc
    for match in _REPETITION.finditer(value):
        counts = [int(n) for n in match.groups() if n]
        if max(counts) > MAX_REPETITION:
            raise InvalidQuery(f"the =~ pattern {value!r} on {field} repeats "
                               f"{max(counts)} times; at most {MAX_REPETITION} are allowed")
    return value


def compile_filter(table: sa.Table, node: Mapping[str, Any]) -> sa.ColumnElement[bool]:
    """Translate one node of the filter tree (and its children)."""
    ((op, operand),) = node.items()
    op = op.lower()
    if op in ("and", "or"):
        parts = [compile_filter(table, child) for child in operand]
        return sa.and_(*parts) if op == "and" else sa.or_(*parts)
    if op == "not":
        return sa.not_(compile_filter(table, operand))
    ((field, value),) = operand.items()
    column = column_for(table, field)
    if op == "in":
        return column.in_([_coerce(column, field, v) for v in value])
    if op == "=~":
        return column.regexp_match(_checked_pattern(column, field, value))
    comparison: sa.ColumnElement[bool] = _COMPARATORS[op](column, _coerce(column, field, value))
    return comparison
