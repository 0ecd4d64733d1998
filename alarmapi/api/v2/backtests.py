"""Backtests (an alarmapi extension): ``POST /v2/alarms/{id}/backtest`` and, for an
alarm not saved yet, ``POST /v2/alarms/backtest``: the transitions the alarm would have
made over a past range of the metric store, nothing sent and nothing written."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pecan
import wsme
from pecan import rest
from wsme import types as wtypes

from alarmapi import clock, model
from alarmapi.api import alarm_builder
from alarmapi.api.context import RequestContext
from alarmapi.api.v2 import alarm_type
from alarmapi.api.v2.expose import wsexpose
from alarmapi.api.v2.wire import Wire
from alarmapi.api.v2.wsbase import Base, EnumAttr
from alarmapi.evaluator import backtest

_STATES = tuple(s.value for s in model.State)


class BacktestRange(Base):
    """What to backtest: a range, the step between evaluations (the evaluation
    interval by default) and the state to start from."""

    start = wsme.wsattr(datetime.datetime, mandatory=True)
    end = wsme.wsattr(datetime.datetime, mandatory=True)
    step = wsme.wsattr(int)
    initial_state = EnumAttr("initial_state", *_STATES,
                             default=model.State.INSUFFICIENT_DATA.value)


class UnsavedBacktest(BacktestRange):
    """A backtest of an alarm body, checked as a create would check it."""

    alarm = wsme.wsattr(alarm_type.Alarm, mandatory=True)


class BacktestTransition(Base):
    """A transition the alarm would have made (reason_data as JSON text in XML)."""

    timestamp = datetime.datetime
    previous_state = wtypes.text
    state = wtypes.text
    reason = wtypes.text
    reason_data = wtypes.text


class BacktestPoint(Base):
    """A period's statistic: the period's start and its value."""

    timestamp = datetime.datetime
    value = float


class BacktestSeries(Base):
    """One threshold rule's statistic per period, and its threshold."""

    meter_name = wtypes.text
    statistic = wtypes.text
    period = int
    threshold = float
    comparison_operator = wtypes.text
    points = [BacktestPoint]


class BacktestResult(Base):
    """What the alarm would have done."""

    alarm_id = wtypes.text
    start = datetime.datetime
    end = datetime.datetime
    step = int
    initial_state = wtypes.text
    final_state = wtypes.text
    evaluations = int
    skipped = int
    notifications = int
    transitions = [BacktestTransition]
    series = [BacktestSeries]


def _iso(value: datetime.datetime) -> str:
    return value.isoformat()


def to_json(alarm_id: str | None, result: backtest.Backtest) -> dict[str, Any]:
    """The JSON document of a backtest."""
    return {
        "alarm_id": alarm_id,
        "start": _iso(result.start), "end": _iso(result.end), "step": result.step,
        "initial_state": result.initial_state, "final_state": result.final_state,
        "evaluations": result.evaluations, "skipped": result.skipped,
        "notifications": result.notifications,
        "transitions": [{"timestamp": _iso(s.timestamp), "previous_state": s.previous_state,
                         "state": s.state, "reason": s.reason, "reason_data": s.reason_data}
                        for s in result.transitions],
        "series": [{"meter_name": s.meter_name, "statistic": s.statistic,
                    "period": s.period, "threshold": s.threshold,
                    "comparison_operator": s.comparison_operator,
                    "points": [{"timestamp": _iso(t), "value": v} for t, v in s.points]}
                   for s in result.series],
    }


def render(alarm_id: str | None, result: backtest.Backtest) -> BacktestResult:
    """The WSME form of a backtest (for XML)."""
    data = to_json(alarm_id, result)
    return BacktestResult(
        **{k: v for k, v in data.items() if k not in ("transitions", "series", "start",
                                                      "end")},
        start=result.start, end=result.end,
        transitions=[BacktestTransition(timestamp=s.timestamp,
                                        previous_state=s.previous_state, state=s.state,
                                        reason=s.reason, reason_data=json.dumps(s.reason_data))
                     for s in result.transitions],
        series=[BacktestSeries(meter_name=s.meter_name, statistic=s.statistic,
                               period=s.period, threshold=s.threshold,
                               comparison_operator=s.comparison_operator,
                               points=[BacktestPoint(timestamp=t, value=v)
                                       for t, v in s.points])
                for s in result.series])


def run(ctx: RequestContext, alarm: model.Alarm, given: BacktestRange,
        alarm_id: str | None) -> Wire:
    """Backtest ``alarm`` over the range given; the response."""
    conf = ctx.services.conf.evaluator
    step = given.step if given.step not in (None, wsme.Unset) else conf.evaluation_interval
    result = backtest.run(alarm, ctx.storage.metrics, model.naive_utc(given.start),
                          model.naive_utc(given.end), int(step),
                          ingestion_lag_s=conf.additional_ingestion_lag,
                          initial_state=given.initial_state)
    return Wire(to_json(alarm_id, result), lambda: render(alarm_id, result))


class UnsavedBacktestController(rest.RestController):
    """/v2/alarms/backtest: an alarm body, checked as a create checks it, not saved."""

    @wsexpose(BacktestResult, body=UnsavedBacktest)
    def post(self, data: UnsavedBacktest) -> Any:
        """The transitions the body's alarm would have made."""
        ctx: RequestContext = pecan.request.ctx
        ctx.enforce("backtest_alarm")
        alarm = alarm_builder.build_alarm(
            data.alarm.spec(), ctx.rule_context(), now=clock.utcnow(),
            max_actions=ctx.services.conf.api.alarm_max_actions)
        return run(ctx, alarm, data, None)
