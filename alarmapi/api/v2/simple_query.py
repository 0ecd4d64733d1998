"""Simple queries (``q.field/q.op/q.value``, sort, limit) of alarms and history."""

from __future__ import annotations

import datetime
from typing import Any

from alarmapi import errors
from alarmapi.api.identity import Caller
from alarmapi.api.v2.wsbase import Query
from alarmapi.storage.base import (
    SORT_DIRECTIONS,
    AlarmFilter,
    HistoryFilter,
    SortKey,
)

ALARM_FIELDS = ("all_projects", "user_id", "project_id", "type", "name", "enabled", "state",
                "severity", "timestamp", "repeat_actions")
_BOOLEAN_FIELDS = ("enabled", "repeat_actions", "all_projects")
HISTORY_FIELDS = ("project", "search_offset", "severity", "timestamp", "type", "user")
HISTORY_SORT_KEYS = ("event_id", "type", "timestamp", "severity", "user_id", "project_id")
_HISTORY_COLUMNS = {"user": "user_id", "project": "project_id"}


def _set_repr(values: Any) -> str:
    return "{" + ", ".join(repr(v) for v in values) + "}"


def parse_sort(sort: list[str] | None, allowed: tuple[str, ...]) -> list[SortKey]:
    """``key[:dir]`` items into sort keys; a bad key or direction is a 400."""
    keys = []
    for item in sort or []:
        key, _, direction = item.partition(":")
        if key not in allowed:
            raise errors.InvalidInput(
                "sort", item,
                "the sort parameter should be a pair of sort key and sort dir combined with "
                "':', or only sort key specified and sort dir will be default 'asc', the "
                f"supported sort keys are: {list(allowed)}",
            )
        direction = direction or "asc"
        if direction not in SORT_DIRECTIONS:
            raise errors.InvalidInput(
                "sort", item, f"the sort direction should be one of: {', '.join(SORT_DIRECTIONS)}"
            )
        keys.append(SortKey(key, direction))
    return keys


#: The largest limit a query takes (backends store LIMIT in 64 bits, some in 32).
MAX_LIMIT = 2**31 - 1


def check_limit(limit: int | None) -> int | None:
    """A negative limit is a 400; 0 means no limit, as in Aodh."""
    if limit is not None and limit < 0:
        raise errors.InvalidInput("limit", limit, "it should be a positive integer.")
    if limit is not None and limit > MAX_LIMIT:
        raise errors.InvalidInput("limit", limit, f"it should be at most {MAX_LIMIT}.")
    return limit or None


def _boolean(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise errors.InvalidInput(field, value, "Value should be a boolean: true or false")


def _timestamp(field: str, raw: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise errors.InvalidInput(field, raw, "invalid timestamp format") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed


def alarm_filter(q: list[Query] | None, caller: Caller) -> tuple[AlarmFilter, bool]:
    """The storage filter of a GET /v2/alarms, and whether all_projects was asked.

    The list is always limited to one project (the caller's unless a project_id is
    given); only all_projects=true lifts that, and only for admins.
    """
    q = [item.check() for item in q or []]
    bad_fields = [i.field for i in q if i.field not in ALARM_FIELDS]
    if bad_fields:
        raise errors.InvalidInput(
            "field", _set_repr(bad_fields), f"only fields {_set_repr(ALARM_FIELDS)} are allowed"
        )
    bad_ops = [i.op for i in q if i.op != "eq"]
    if bad_ops:
        raise errors.InvalidInput(
            "op", _set_repr(bad_ops), "only operations {'eq'} are allowed"
        )
    equals: dict[str, Any] = {}
    all_projects = False
    for item in q:
        if item.field in _BOOLEAN_FIELDS:
            value: Any = _boolean(item.field, item.typed_value())
        elif item.field == "timestamp":
            value = _timestamp(item.field, item.value)
        else:
            value = item.value
        if item.field == "all_projects":
            all_projects = value
        else:
            equals[item.field] = value
    project_id = equals.pop("project_id", None)
    if project_id is not None and not caller.is_admin and project_id != caller.project_id:
        raise errors.NotAuthorized(f"Not Authorized to access project {project_id}")
    if project_id is None and not all_projects:
        # An admin without a project lists every project, as in Aodh; anyone else
        # is held to the one derivation of a caller's scope.
        project_id = caller.project_id if caller.is_admin else caller.scope
    return AlarmFilter(project_id=project_id, equals=equals), all_projects


def _unknown_history_field(item: Query, q: list[Query]) -> errors.ClientError:
    return errors.ClientError(
        f'Unknown argument: "{item.field}": unrecognized field in query: '
        f"[{', '.join(repr(i) for i in q)}], valid keys: {sorted(HISTORY_FIELDS)}"
    )


def history_filter(q: list[Query] | None) -> HistoryFilter:
    """The storage filter of GET /v2/alarms/{id}/history."""
    q = [item.check() for item in q or []]
    result = HistoryFilter()
    offset = datetime.timedelta(0)
    for item in q:
        if item.field not in HISTORY_FIELDS:
            raise _unknown_history_field(item, q)
        if item.field == "search_offset":
            offset = _search_offset(item.value)
        elif item.field == "timestamp":
            when = _timestamp("timestamp", item.value)
            if item.op in ("gt", "ge"):
                result.start, result.start_inclusive = when, item.op == "ge"
            elif item.op in ("lt", "le"):
                result.end, result.end_inclusive = when, item.op == "le"
            elif item.op == "eq":
                result.start = result.end = when
            else:
                raise errors.InvalidInput("op", item.op, "timestamp takes lt, le, gt, ge or eq")
        else:
            if item.op != "eq":
                raise errors.InvalidInput("op", item.op, f"{item.field} only takes eq")
            result.equals[_HISTORY_COLUMNS.get(item.field, item.field)] = item.value
    _widen(result, offset)
    return result


def _search_offset(value: Any) -> datetime.timedelta:
    """The minutes of ``search_offset``."""
    try:
        return datetime.timedelta(minutes=int(value))
    except ValueError as exc:
        raise errors.InvalidInput("search_offset", value, "not an integer") from exc
    except OverflowError as exc:
        raise errors.InvalidInput("search_offset", value,
                                  "minutes must lie within 999,999,999 days") from exc


def _widen(result: HistoryFilter, offset: datetime.timedelta) -> None:
    """Widen the timestamp range by ``search_offset`` on both sides."""
    try:
        if result.start is not None:
            result.start -= offset
        if result.end is not None:
            result.end += offset
    except OverflowError as exc:
        minutes = int(offset.total_seconds() // 60)
        raise errors.InvalidInput("search_offset", minutes, "the timestamp range it widens "
                                  "falls outside years 1 to 9999") from exc
