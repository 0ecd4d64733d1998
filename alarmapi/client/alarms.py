"""Alarms: ``/v2/alarms`` (Aodh's API, every rule type) and ``/v2.0/alarms`` (alarms
written as Monasca expressions)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from alarmapi.client.base import Manager, dimensions_text

Query = dict[str, Any]


def query_params(q: Sequence[Query] | None = None, sort: Sequence[str] | None = None,
                 limit: int | None = None, marker: str | None = None,
                 **equals: Any) -> list[tuple[str, Any]]:
    """Aodh's simple query: q.field/q.op/q.value (and q.type), sort, limit, marker;
    keyword arguments are equality filters."""
    items = list(q or []) + [{"field": k, "op": "eq", "value": v}
                             for k, v in equals.items() if v is not None]
    params: list[tuple[str, Any]] = []
    for item in items:
        params += [("q.field", item["field"]), ("q.op", item.get("op", "eq")),
                   ("q.value", item["value"])]
        if item.get("type"):
            params.append(("q.type", item["type"]))
    params += [("sort", s) for s in sort or []]
    if limit is not None:
        params.append(("limit", limit))
    if marker is not None:
        params.append(("marker", marker))
    return params


class AlarmsManager(Manager):
    """/v2/alarms: every alarm type, Aodh's fields."""

    path = "/v2/alarms"

    def create(self, **alarm: Any) -> Any:
        """Create an alarm from Aodh's fields (type, name, <type>_rule ...)."""
        return self.http.post(self.path, alarm)

    def get(self, alarm_id: str) -> Any:
        """One alarm."""
        return self.http.get(f"{self.path}/{alarm_id}")

    def list(self, q: Sequence[Query] | None = None, sort: Sequence[str] | None = None,
             limit: int | None = None, marker: str | None = None, **equals: Any) -> Any:
        """Alarms matching a simple query (``q``) or equality filters, sorted and paged
        (``sort`` like "name:asc"; ``marker`` the last alarm id of the previous page)."""
        return self.http.get(self.path, query_params(q, sort, limit, marker, **equals))

    def update(self, alarm_id: str, /, **alarm: Any) -> Any:
        """Replace an alarm with the fields given (PUT)."""
        return self.http.put(f"{self.path}/{alarm_id}", alarm)

    def patch(self, alarm_id: str, /, **changes: Any) -> Any:
        """Change some fields, keeping the rest (read, modify, write back)."""
        alarm = self.get(alarm_id)
        for key, value in changes.items():
            if key.endswith("_rule") and isinstance(value, dict):
                alarm[key] = {**(alarm.get(key) or {}), **value}
            else:
                alarm[key] = value
        return self.update(alarm_id, **alarm)

    def delete(self, alarm_id: str) -> None:
        """Delete an alarm and its history."""
        self.http.delete(f"{self.path}/{alarm_id}")

    def get_state(self, alarm_id: str) -> str:
        """The alarm's state (ok, alarm, insufficient data)."""
        return str(self.http.get(f"{self.path}/{alarm_id}/state"))

    def set_state(self, alarm_id: str, state: str) -> str:
        """Set the alarm's state by hand."""
        return str(self.http.put(f"{self.path}/{alarm_id}/state", state))

    def history(self, alarm_id: str, q: Sequence[Query] | None = None,
                sort: Sequence[str] | None = None, limit: int | None = None) -> Any:
        """The alarm's history records, newest first."""
        return self.http.get(f"{self.path}/{alarm_id}/history", query_params(q, sort, limit))

    def deliveries(self, alarm_id: str, limit: int | None = None) -> Any:
        """What became of the alarm's notifications (an alarmapi extension)."""
        return self.http.get(f"{self.path}/{alarm_id}/deliveries",
                             {"limit": limit} if limit else None)

    def backtest(self, alarm_id: str, start: str, end: str, step: int | None = None,
                 initial_state: str | None = None) -> Any:
        """The transitions the alarm would have made between ``start`` and ``end``
        (ISO 8601), every ``step`` seconds (the evaluation interval by default), from
        ``initial_state``; nothing is sent or written (an alarmapi extension)."""
        return self.http.post(f"{self.path}/{alarm_id}/backtest",
                              _range(start, end, step, initial_state))

    def backtest_unsaved(self, alarm: dict[str, Any], start: str, end: str,
                         step: int | None = None, initial_state: str | None = None) -> Any:
        """A backtest of an alarm body (Aodh's fields) that is not saved."""
        return self.http.post(f"{self.path}/backtest",
                              {"alarm": alarm, **_range(start, end, step, initial_state)})

    def query(self, filter: Any = None, orderby: Any = None, limit: int | None = None
              ) -> Any:
        """Complex query (/v2/query/alarms): filter and orderby as dicts/lists."""
        return self.http.post("/v2/query/alarms", _complex(filter, orderby, limit))

    def query_history(self, filter: Any = None, orderby: Any = None,
                      limit: int | None = None) -> Any:
        """Complex query of history records (/v2/query/alarms/history)."""
        return self.http.post("/v2/query/alarms/history", _complex(filter, orderby, limit))


def _range(start: str, end: str, step: int | None, initial_state: str | None
           ) -> dict[str, Any]:
    body: dict[str, Any] = {"start": start, "end": end}
    if step is not None:
        body["step"] = step
    if initial_state is not None:
        body["initial_state"] = initial_state
    return body


def _complex(filter: Any, orderby: Any, limit: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if filter is not None:
        body["filter"] = filter if isinstance(filter, str) else json.dumps(filter)
    if orderby is not None:
        body["orderby"] = orderby if isinstance(orderby, str) else json.dumps(orderby)
    if limit is not None:
        body["limit"] = limit
    return body


class ExpressionAlarmsManager(Manager):
    """/v2.0/alarms: alarms written as Monasca expressions (Monasca's fields and words)."""

    path = "/v2.0/alarms"

    def create(self, name: str, expression: str, **fields: Any) -> Any:
        """Create an alarm from an expression; fields: description, severity,
        alarm_actions, ok_actions, undetermined_actions (notification method ids),
        actions_enabled, state."""
        return self.http.post(self.path, {"name": name, "expression": expression, **fields})

    def get(self, alarm_id: str) -> Any:
        """One alarm."""
        return self.http.get(f"{self.path}/{alarm_id}")

    def list(self, name: str | None = None, dimensions: dict[str, str] | None = None,
             state: str | None = None, limit: int | None = None) -> Any:
        """The tenant's expression alarms (every page)."""
        return self._elements(self.path, {"name": name, "state": state,
                                          "dimensions": dimensions_text(dimensions)}, limit)

    def update(self, alarm_id: str, /, **fields: Any) -> Any:
        """Replace an alarm (PUT: name and expression required)."""
        return self.http.put(f"{self.path}/{alarm_id}", fields)

    def patch(self, alarm_id: str, /, **fields: Any) -> Any:
        """Change some fields (PATCH)."""
        return self.http.patch(f"{self.path}/{alarm_id}", fields)

    def delete(self, alarm_id: str) -> None:
        """Delete an alarm."""
        self.http.delete(f"{self.path}/{alarm_id}")

    def history(self, alarm_id: str) -> Any:
        """The alarm's state transitions, newest first."""
        return self._elements(f"{self.path}/{alarm_id}/state-history")

    def history_list(self, dimensions: dict[str, str] | None = None,
                     start_time: str | None = None, end_time: str | None = None,
                     limit: int | None = None) -> Any:
        """State transitions of the tenant's alarms."""
        return self._elements(f"{self.path}/state-history", {
            "dimensions": dimensions_text(dimensions), "start_time": start_time,
            "end_time": end_time}, limit)
