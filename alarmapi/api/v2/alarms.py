"""/v2/alarms: create, list, and one alarm's get, replace, delete, state, history,
deliveries and backtest."""

from __future__ import annotations

from typing import Any

import pecan
from pecan import rest
from wsme import types as wtypes

from alarmapi import clock, errors, model
from alarmapi.api import alarm_builder, alarm_service
from alarmapi.api.context import RequestContext
from alarmapi.api.trust_actions import TrustBinding
from alarmapi.api.v2 import (
    alarm_type,
    backtests,
    delivery_type,
    history_type,
    simple_query,
)
from alarmapi.api.v2.expose import wsexpose
from alarmapi.api.v2.wsbase import Query
from alarmapi.storage.base import ALARM_SORT_KEYS, InvalidMarker

_STATES = tuple(s.value for s in model.State)


def _ctx() -> RequestContext:
    ctx: RequestContext = pecan.request.ctx
    return ctx


def _interval(ctx: RequestContext) -> float:
    """The evaluation interval, for the alarms' evaluation accounting."""
    return float(ctx.services.conf.evaluator.evaluation_interval)


def _visible_alarm(ctx: RequestContext, alarm_id: str) -> model.Alarm:
    """The alarm if the caller may see it; 404 otherwise (never 403: no leak)."""
    alarm = ctx.storage.get_alarm(alarm_id, ctx.caller.scope)
    if alarm is None:
        raise errors.AlarmNotFound(alarm_id)
    return alarm


class AlarmController(rest.RestController):
    """One alarm: /v2/alarms/{alarm_id}."""

    _custom_actions = {"history": ["GET"], "state": ["PUT", "GET"], "deliveries": ["GET"],
                       "backtest": ["POST"]}

    def __init__(self, alarm_id: str) -> None:
        self._id = alarm_id

    def _alarm(self, ctx: RequestContext, policy: str) -> model.Alarm:
        alarm = _visible_alarm(ctx, self._id)
        ctx.enforce(policy, {"project_id": alarm.project_id, "user_id": alarm.user_id})
        return alarm

    @wsexpose(alarm_type.Alarm)
    def get(self) -> Any:
        """The alarm, with its version in ETag (an alarmapi extension)."""
        ctx = _ctx()
        ctx.enforce("get_alarm")
        alarm = self._alarm(ctx, "get_alarm")
        pecan.response.headers["ETag"] = model.etag(alarm)
        return alarm_type.wire(alarm, _interval(ctx))

    @wsexpose(alarm_type.Alarm, body=alarm_type.Alarm)
    def put(self, data: alarm_type.Alarm) -> Any:
        """Replace the whole alarm (omitted optional fields go back to defaults).

        With If-Match, only the version it names is replaced (412 otherwise)."""
        ctx = _ctx()
        ctx.enforce("change_alarm")
        if_match = pecan.request.headers.get("If-Match")
        binding = TrustBinding(ctx)
        replaced: list[model.Alarm] = []

        def attempt() -> model.Alarm:
            old = self._alarm(ctx, "change_alarm")
            alarm_service.check_if_match(if_match, old)
            new = alarm_builder.build_alarm(
                data.spec(), ctx.rule_context(), now=clock.utcnow(),
                max_actions=ctx.services.conf.api.alarm_max_actions, existing=old,
            )
            binding.attach(new, old)
            replaced[:] = [old]
            return alarm_service.replace(ctx.storage, old, new, ctx.caller)

        try:
            stored = alarm_service.replace_fresh(attempt, if_match)
        except Exception:
            binding.failed()
            raise
        binding.replaced(replaced[0], stored)
        pecan.response.headers["ETag"] = model.etag(stored)
        return alarm_type.wire(stored, _interval(ctx))

    @wsexpose(None, status_code=204)
    def delete(self) -> None:
        """Delete the alarm and its history."""
        ctx = _ctx()
        ctx.enforce("delete_alarm")
        alarm = self._alarm(ctx, "delete_alarm")
        alarm_service.delete(ctx.storage, alarm)
        TrustBinding(ctx).replaced(alarm, None)

    @wsexpose([history_type.AlarmChange], [Query], [str], int)
    def history(self, q: list[Query] | None = None, sort: list[str] | None = None,
                limit: int | None = None) -> Any:
        """The alarm's history, newest first."""
        ctx = _ctx()
        ctx.enforce("alarm_history")
        alarm = self._alarm(ctx, "alarm_history")
        query = simple_query.history_filter(q)
        query.alarm_id = alarm.alarm_id
        query.on_behalf_of = ctx.caller.scope
        query.sort = simple_query.parse_sort(sort, simple_query.HISTORY_SORT_KEYS)
        query.limit = simple_query.check_limit(limit)
        return history_type.wire_list(ctx.storage.get_alarm_changes(query))

    @wsexpose([delivery_type.Delivery], int)
    def deliveries(self, limit: int | None = None) -> Any:
        """What became of the alarm's notifications, one entry per action, newest
        first (an alarmapi extension)."""
        ctx = _ctx()
        ctx.enforce("alarm_deliveries")
        alarm = self._alarm(ctx, "alarm_deliveries")
        limit = simple_query.check_limit(limit) or 100
        return [delivery_type.render(r) for r in ctx.storage.outbox.records(alarm.alarm_id,
                                                                            limit)]

    @wsexpose(backtests.BacktestResult, body=backtests.BacktestRange)
    def post_backtest(self, data: backtests.BacktestRange) -> Any:
        """The transitions the alarm would have made over a past range (an alarmapi
        extension): nothing is sent or written."""
        ctx = _ctx()
        ctx.enforce("backtest_alarm")
        alarm = self._alarm(ctx, "backtest_alarm")
        return backtests.run(ctx, alarm, data, alarm.alarm_id)

    @wsexpose(wtypes.text)
    def get_state(self) -> Any:
        """The alarm's state."""
        ctx = _ctx()
        ctx.enforce("get_alarm_state")
        return self._alarm(ctx, "get_alarm_state").state

    @wsexpose(wtypes.text, body=wtypes.text)
    def put_state(self, state: Any) -> Any:
        """Set the state by hand (a JSON string body such as "alarm")."""
        ctx = _ctx()
        ctx.enforce("change_alarm_state")
        if not isinstance(state, str) or state not in _STATES:
            raise errors.ClientError("state invalid")
        alarm = self._alarm(ctx, "change_alarm_state")
        return alarm_service.set_state(ctx.storage, alarm, state, ctx.caller).state


class AlarmsController(rest.RestController):
    """The alarm collection: /v2/alarms."""

    _unsaved_backtest = backtests.UnsavedBacktestController()

    @pecan.expose()
    def _lookup(self, alarm_id: str, *remainder: str) -> Any:
        if alarm_id == "backtest" and not remainder:  # alarm ids are UUIDs
            return self._unsaved_backtest, remainder
        return AlarmController(alarm_id), remainder

    @wsexpose(alarm_type.Alarm, body=alarm_type.Alarm, status_code=201)
    def post(self, data: alarm_type.Alarm) -> Any:
        """Create an alarm; 201 with its absolute URL in Location."""
        ctx = _ctx()
        ctx.enforce("create_alarm")
        alarm = alarm_builder.build_alarm(
            data.spec(), ctx.rule_context(), now=clock.utcnow(),
            max_actions=ctx.services.conf.api.alarm_max_actions,
        )
        binding = TrustBinding(ctx)
        binding.attach(alarm)
        try:
            stored = alarm_service.create(ctx.storage, alarm, ctx.caller,
                                          ctx.services.quota_defaults)
        except Exception:
            binding.failed()
            raise
        base_url = pecan.request.path_url.rstrip("/")
        pecan.response.headers["Location"] = f"{base_url}/{stored.alarm_id}"
        return alarm_type.wire(stored, _interval(ctx))

    @wsexpose([alarm_type.Alarm], [Query], [str], int, str)
    def get_all(self, q: list[Query] | None = None, sort: list[str] | None = None,
                limit: int | None = None, marker: str | None = None) -> Any:
        """The alarms of the caller's project (or the one named), sorted and paged."""
        ctx = _ctx()
        ctx.enforce("get_alarms")
        query, all_projects = simple_query.alarm_filter(q, ctx.caller)
        if all_projects:
            ctx.enforce("get_alarms:all_projects")
        query.sort = simple_query.parse_sort(sort, ALARM_SORT_KEYS)
        default_limit = ctx.services.conf.api.default_api_return_limit
        query.limit = simple_query.check_limit(limit) or default_limit or None
        query.marker = marker
        try:
            alarms = ctx.storage.list_alarms(query)
        except InvalidMarker as exc:
            raise errors.InvalidInput("marker", marker, str(exc)) from exc
        return alarm_type.wire_list(alarms, _interval(ctx))
