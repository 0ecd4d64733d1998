"""/v2.0/alarms: alarms written as Monasca expressions (the seed client's alarm API).

The alarms are ordinary alarmapi alarms (a threshold rule, or a composite of
threshold rules), checked and stored by the same code as /v2/alarms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pecan
import webob
import wsme

from alarmapi import clock, model
from alarmapi.api import alarm_builder, alarm_service
from alarmapi.api.alarm_spec import AlarmSpec, KeptRule
from alarmapi.api.context import RequestContext
from alarmapi.api.rule_context import RuleInput
from alarmapi.api.v2.rules import registry
from alarmapi.api.v2_0 import alarm_history, alarm_listing
from alarmapi.api.v2_0 import alarm_view as view
from alarmapi.api.v2_0.base import (
    context,
    endpoint,
    integer,
    json_object,
    json_response,
    page,
    tenant,
)
from alarmapi.expressions import grammar, rules
from alarmapi.metrics import parsing
from alarmapi.metrics.errors import MalformedRequest, MethodNotAllowed, MetricsError, NotFound
from alarmapi.metrics.model import DimensionFilter
from alarmapi.storage.base import AlarmFilter, InvalidMarker, SortKey

DEFAULT_LIMIT = 10_000
FIELDS = ("name", "description", "expression", "severity", "alarm_actions", "ok_actions",
          "undetermined_actions", "actions_enabled", "state")
#: Fields PUT must carry (the rest go back to their defaults when left out).
PUT_REQUIRED = ("name", "expression")


def _body() -> dict[str, Any]:
    body = json_object("the alarm's fields")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise MetricsError(f"Unknown field(s): {', '.join(unknown)}; an alarm has "
                           f"{', '.join(FIELDS)}")
    return body


def _text(body: dict[str, Any], field: str, limit: int = 255) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MetricsError(f"{field} must be a string")
    if len(value) > limit:
        raise MetricsError(f"{field} is longer than {limit} characters")
    return value


def _word(body: dict[str, Any], field: str, words: dict[str, str]) -> str | None:
    value = _text(body, field)
    if value is None:
        return None
    if value.upper() not in words:
        raise MetricsError(f"{field} {value!r} must be one of {', '.join(words)}")
    return value.upper()


def _actions(body: dict[str, Any], field: str) -> list[str]:
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise MetricsError(f"{field} must be a list of notification method ids")
    return view.action_urls(value)


def _expression(text: str) -> grammar.Node:
    try:
        return grammar.parse(text)
    except grammar.ExpressionError as exc:
        raise MetricsError(f"The alarm expression is invalid: {exc}") from exc


def _rule(text: str | None, existing: model.Alarm | None) -> tuple[str, RuleInput]:
    """The alarm type and rule an expression stands for; without one (a PATCH) the
    stored rule is kept exactly."""
    if text is None:
        assert existing is not None
        return existing.type, KeptRule(existing.rule, existing.description)
    alarm_type_name, fields = rules.alarm_rule(_expression(text))
    try:
        rule = registry.rule_input(alarm_type_name, fields)
    except wsme.exc.ClientSideError as exc:
        raise MetricsError(str(exc.faultstring)) from exc
    assert rule is not None
    return alarm_type_name, rule


def _spec(body: dict[str, Any], severity: str, existing: model.Alarm | None
          ) -> tuple[AlarmSpec, str | None]:
    """The alarm spec a complete Monasca body describes, and its expression's text."""
    name = _text(body, "name")
    if not name:
        raise MetricsError("name is required")
    text = _text(body, "expression", 4096)
    if text is None and existing is None:
        raise MetricsError("expression is required")
    state = _word(body, "state", view.STATES)
    alarm_type_name, rule = _rule(text, existing)
    spec = AlarmSpec(
        name=name,
        type=alarm_type_name,
        rule=rule,
        description=_text(body, "description", 65535) or "",
        severity=view.SEVERITIES[severity],
    )
    for field, stored in view.ACTION_FIELDS.items():
        setattr(spec, stored, _actions(body, field))
    if existing is not None:
        spec.state = view.STATES[state] if state else existing.state
        spec.enabled = existing.enabled
        spec.repeat_actions = existing.repeat_actions
        spec.time_constraints = list(existing.time_constraints)
    elif state:
        spec.state = view.STATES[state]
    return spec, text


def _checked(ctx: RequestContext, body: dict[str, Any], existing: model.Alarm | None
             ) -> model.Alarm:
    """The alarm a complete Monasca body describes, checked as /v2/alarms checks it."""
    actions_enabled = body.get("actions_enabled", True)
    if not isinstance(actions_enabled, bool):
        raise MetricsError("actions_enabled must be true or false")
    severity = _word(body, "severity", view.SEVERITIES) or "LOW"
    spec, text = _spec(body, severity, existing)
    alarm = alarm_builder.build_alarm(
        spec, ctx.rule_context(), now=clock.utcnow(),
        max_actions=ctx.services.conf.api.alarm_max_actions, existing=existing)
    alarm.actions_enabled = actions_enabled
    alarm.monasca_severity = severity
    if text is not None:  # else the stored text (kept by build_alarm) still stands
        alarm.expression = text
    return alarm


def _only_get() -> None:
    if pecan.request.method != "GET":
        raise MethodNotAllowed(pecan.request.method, ": state history is read with GET")


def _missing(alarm_id: str) -> NotFound:
    return NotFound(f"No alarm {alarm_id} exists")


def _expression_alarm(ctx: RequestContext, alarm_id: str, policy: str) -> model.Alarm:
    """The caller's alarm written as an expression, if ``policy`` allows; 404 otherwise."""
    project = tenant(ctx)
    ctx.enforce(policy, {"project_id": project})
    alarm = ctx.storage.get_alarm(alarm_id, project)
    if alarm is None or view.expression(alarm) is None:
        raise _missing(alarm_id)
    ctx.enforce(policy, {"project_id": alarm.project_id, "user_id": alarm.user_id})
    return alarm


def _matching(alarms: list[model.Alarm], filters: list[DimensionFilter]) -> list[model.Alarm]:
    """The alarms written as expressions with a metric that has the dimensions asked for."""
    found = []
    for alarm in alarms:
        shown = view.expression(alarm)
        if shown is not None and view.matches(shown[1], filters):
            found.append(alarm)
    return found


class AlarmStateHistoryController:
    """/v2.0/alarms/{id}/state-history."""

    def __init__(self, alarm_id: str) -> None:
        self.alarm_id = alarm_id

    @endpoint()
    def index(self, **params: str) -> Any:
        """The alarm's state transitions, newest first."""
        _only_get()
        ctx = context()
        alarm = _expression_alarm(ctx, self.alarm_id, "alarm_history")
        entries = alarm_history.transitions(ctx.storage, [alarm], tenant(ctx), None, None,
                                            None)
        return page(entries, None)


class AlarmController:
    """/v2.0/alarms/{id}."""

    def __init__(self, alarm_id: str) -> None:
        self.alarm_id = alarm_id

    def _existing(self, ctx: RequestContext, policy: str) -> model.Alarm:
        return _expression_alarm(ctx, self.alarm_id, policy)

    @endpoint()
    def index(self, **_params: str) -> Any:
        """GET, PUT, PATCH or DELETE one alarm."""
        ctx = context()
        verb = pecan.request.method
        if verb == "GET":
            return view.document(self._existing(ctx, "get_alarm"), pecan.request.path_url)
        if verb == "DELETE":
            alarm_service.delete(ctx.storage, self._existing(ctx, "delete_alarm"))
            return webob.Response(status=204)
        if verb not in ("PUT", "PATCH"):
            raise MethodNotAllowed(verb)
        body = _body()
        if_match = pecan.request.headers.get("If-Match")
        stored = alarm_service.replace_fresh(
            lambda: self._replace(ctx, verb, dict(body), if_match), if_match)
        document = view.document(stored, pecan.request.path_url)
        if document is None:
            raise _missing(self.alarm_id)
        return document

    def _replace(self, ctx: RequestContext, verb: str, body: dict[str, Any],
                 if_match: str | None) -> model.Alarm:
        """One attempt of a PUT or PATCH on a fresh read of the alarm."""
        existing = self._existing(ctx, "change_alarm")
        alarm_service.check_if_match(if_match, existing)
        if verb == "PUT":
            absent = [f for f in PUT_REQUIRED if f not in body]
            if absent:
                raise MetricsError(f"PUT replaces the whole alarm: {', '.join(absent)} "
                                   "required (PATCH changes some fields)")
        else:
            current = view.document(existing, "")
            assert current is not None
            kept = {f: current[f] for f in FIELDS if f in current and f not in ("expression",
                                                                                 "state")}
            body = {**kept, **body}
        if "state" in body:
            ctx.enforce("change_alarm_state", {"project_id": existing.project_id,
                                               "user_id": existing.user_id})
        new = _checked(ctx, body, existing)
        return alarm_service.replace(ctx.storage, existing, new, ctx.caller,
                                     state_transition=True)

    @pecan.expose()
    def _lookup(self, part: str, *remainder: str) -> Any:
        if part == "state-history":
            return AlarmStateHistoryController(self.alarm_id), remainder
        pecan.abort(404)


class StateHistoryController:
    """/v2.0/alarms/state-history."""

    @endpoint()
    def index(self, **params: str) -> Any:
        """State transitions of the tenant's alarms (filters: dimensions, start_time,
        end_time; offset and limit page them)."""
        _only_get()
        ctx = context()
        project = tenant(ctx)
        ctx.enforce("alarm_history", {"project_id": project})
        filters = parsing.parse_dimension_filters(params.get("dimensions"))
        start = parsing.parse_time(params.get("start_time"), "start_time")
        end = parsing.parse_time(params.get("end_time"), "end_time")
        limit = integer(params.get("limit"), "limit") or DEFAULT_LIMIT
        offset = integer(params.get("offset"), "offset", minimum=0) or 0
        alarms = _matching(ctx.storage.list_alarms(AlarmFilter(project_id=project)), filters)
        entries = alarm_history.transitions(ctx.storage, alarms, project, start, end,
                                            offset + limit + 1)
        more = str(offset + limit) if len(entries) > offset + limit else None
        return page(entries[offset:offset + limit], more)


#: The most alarms a sorted list reads.
MAX_SORTED = 10_000


def _batches(ctx: RequestContext, project: str, listing: alarm_listing.Listing,
             marker: str | None, batch: int) -> Iterator[list[model.Alarm]]:
    """The project's alarms that pass the listing's filters, by id, batch by batch."""
    while True:
        query = AlarmFilter(project_id=project, equals=dict(listing.equals), limit=batch,
                            marker=marker, sort=[SortKey("alarm_id", "asc")])
        try:
            alarms = ctx.storage.list_alarms(query)
        except InvalidMarker as exc:
            raise MalformedRequest(f"offset {marker} is not an alarm id") from exc
        yield [a for a in alarms
               if (shown := view.expression(a)) is not None and listing.matches(a, shown[1])]
        if len(alarms) < batch:
            return
        marker = alarms[-1].alarm_id


def _all_matching(ctx: RequestContext, project: str, listing: alarm_listing.Listing
                  ) -> list[model.Alarm]:
    found: list[model.Alarm] = []
    for alarms in _batches(ctx, project, listing, None, 1000):
        found += alarms
        if len(found) > MAX_SORTED:
            raise MetricsError(f"more than {MAX_SORTED} alarms match: filter them (name, "
                               "state, severity, dimensions) to sort them")
    return found


class AlarmsController:
    """/v2.0/alarms."""

    @endpoint()
    def index(self, **params: str) -> Any:
        """GET lists the tenant's expression alarms, POST creates one."""
        ctx = context()
        project = tenant(ctx)
        if pecan.request.method == "POST":
            ctx.enforce("create_alarm", {"project_id": project})
            alarm = _checked(ctx, _body(), None)
            stored = alarm_service.create(ctx.storage, alarm, ctx.caller,
                                          ctx.services.quota_defaults)
            href = f"{pecan.request.path_url.rstrip('/')}/{stored.alarm_id}"
            response = json_response(view.document(stored, href), 201)
            response.location = href
            return response
        if pecan.request.method != "GET":
            raise MethodNotAllowed(pecan.request.method)
        ctx.enforce("get_alarms", {"project_id": project})
        return self._list(ctx, project, params)

    @staticmethod
    def _list(ctx: RequestContext, project: str, params: dict[str, str]) -> Any:
        listing = alarm_listing.parse(params)
        limit = integer(params.get("limit"), "limit") or DEFAULT_LIMIT
        base = pecan.request.path_url.rstrip("/")
        if listing.sort:  # sorted: every match is read, offset counts them
            offset = integer(params.get("offset"), "offset", minimum=0) or 0
            alarms = alarm_listing.sort(_all_matching(ctx, project, listing), listing.sort)
            shown = [view.document(a, f"{base}/{a.alarm_id}") or {}
                     for a in alarms[offset:offset + limit]]
            more = str(offset + limit) if len(alarms) > offset + limit else None
            return page(shown, more)
        marker = params.get("offset") or None
        found: list[model.Alarm] = []
        for alarms in _batches(ctx, project, listing, marker, min(max(limit + 1, 100), 1000)):
            found += alarms
            if len(found) > limit:
                break
        more = found[limit - 1].alarm_id if len(found) > limit else None
        return page([view.document(a, f"{base}/{a.alarm_id}") or {} for a in found[:limit]],
                    more)


    @pecan.expose()
    def _lookup(self, alarm_id: str, *remainder: str) -> Any:
        """Route /{id} to the one-alarm controller."""
        return AlarmController(alarm_id), remainder


pecan.route(AlarmsController, "state-history", StateHistoryController())
