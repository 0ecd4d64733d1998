"""ORDER BY and keyset pagination over sort keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from alarmapi.model import Severity
from alarmapi.storage.base import SortKey

_SEVERITY_RANK = {severity.value: rank for rank, severity in enumerate(Severity)}
#: Columns that may be NULL: sorted as '' so that keyset comparisons stay total.
_NULLABLE_TEXT = frozenset({"user_id", "project_id", "on_behalf_of"})


def sort_expression(table: sa.Table, key: str) -> sa.ColumnElement[Any]:
    """The SQL expression a sort key orders by (severity by rank, not by name)."""
    column = table.c[key]
    if key == "severity":
        return sa.case(_SEVERITY_RANK, value=column, else_=len(_SEVERITY_RANK))
    if key in _NULLABLE_TEXT:
        return sa.func.coalesce(column, "")
    return column


def marker_value(key: str, row: Any) -> Any:
    """The value of a sort key for the marker row, as sort_expression computes it."""
    value = getattr(row, key)
    if key == "severity":
        return _SEVERITY_RANK.get(value, len(_SEVERITY_RANK))
    if key in _NULLABLE_TEXT and value is None:
        return ""
    return value


def order_by(table: sa.Table, keys: Sequence[SortKey]) -> list[sa.ColumnElement[Any]]:
    """ORDER BY clauses for the sort keys."""
    clauses: list[sa.ColumnElement[Any]] = []
    for sort in keys:
        expr = sort_expression(table, sort.key)
        clauses.append(expr.desc() if sort.direction == "desc" else expr.asc())
    return clauses


def after_marker(
    table: sa.Table, keys: Sequence[SortKey], marker_row: Any
) -> sa.ColumnElement[bool]:
    """WHERE clause selecting the rows that sort strictly after ``marker_row``.

    For keys k1..kn it is (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ..., with > turned
    into < for descending keys.
    """
    alternatives = []
    for position, sort in enumerate(keys):
        equal_prefix = [
            sort_expression(table, prior.key) == marker_value(prior.key, marker_row)
            for prior in keys[:position]
        ]
        expr = sort_expression(table, sort.key)
        value = marker_value(sort.key, marker_row)
        beyond = expr < value if sort.direction == "desc" else expr > value
        alternatives.append(sa.and_(*equal_prefix, beyond))
    return sa.or_(*alternatives)


def with_tiebreak(keys: Sequence[SortKey], unique_key: str) -> list[SortKey]:
    """Append the unique key so that the order is total and markers are exact."""
    result = list(keys)
    if all(k.key != unique_key for k in result):
        direction = result[-1].direction if result else "asc"
        result.append(SortKey(unique_key, direction))
    return result
