"""Backtests: the transitions an alarm would have made over a past time range of the
built-in metric store, sending and writing nothing.

The evaluator's own code judges each moment (the rule's window and statistics, the
threshold verdict with its trend rule, composite trees, time constraints, the decision
to move), at the evaluator's cadence. The data is read in few queries: the windows of
all moments of one phase (their end modulo the period) are slices of one long window
whose periods are the same periods, so one read per rule and phase serves them all.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import math
from collections.abc import Sequence
from typing import Any

from alarmapi import errors, model, rule_kinds, rule_types, stored_alarm, time_constraints
from alarmapi.evaluator import composite, threshold
from alarmapi.evaluator.outcome import Evaluation, decide
from alarmapi.evaluator.sources import Leaf, Sources
from alarmapi.evaluator.store import StoreSource, leaf_window
from alarmapi.evaluator.verdict import judge
from alarmapi.metrics.windows import ThresholdWindow
from alarmapi.rule_shapes import ThresholdShape

#: At most this many evaluation moments in one backtest.
MAX_STEPS = 10_000
#: At most this many phases (the period divided by its gcd with the step) per rule.
MAX_PHASES = 60
#: The shortest step between two evaluation moments, in seconds.
MIN_STEP_S = 1
#: The rule types a backtest judges as leaves (and as composite trees of them).
BACKTESTED_TYPES = tuple(t for t in rule_kinds.BACKTESTED_TYPES
                         if t != rule_types.COMPOSITE)


_NOT_REPLAYED = ("A backtest reads alarmapi's metric store: allowed are threshold alarms "
                 "and composite alarms of threshold rules")


@dataclasses.dataclass(frozen=True)
class Step:
    """One transition the alarm would have made."""

    timestamp: datetime.datetime
    previous_state: str
    state: str
    reason: str
    reason_data: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Series:
    """The per-period statistic of one threshold rule, as its evaluations saw it (the
    periods of the phase of the last moment), for plotting against the threshold."""

    meter_name: str
    statistic: str
    period: int
    threshold: float
    comparison_operator: str
    points: list[tuple[datetime.datetime, float]]


@dataclasses.dataclass(frozen=True)
class Backtest:
    """What the alarm would have done between ``start`` and ``end``."""

    start: datetime.datetime
    end: datetime.datetime
    step: int
    initial_state: str
    final_state: str
    evaluations: int
    skipped: int
    notifications: int
    transitions: list[Step]
    series: list[Series]


def _key(window: ThresholdWindow) -> tuple[str, str, int, int]:
    """Windows with one key have the same periods: one long read serves them all."""
    period_ms = window.period_s * 1000
    return repr(window.query), window.statistic, window.period_s, window.end_ms % period_ms


class SpanSource(StoreSource):
    """The metric store's source, judging threshold leaves at many moments from one
    read per rule and phase."""

    def __init__(self, metrics: Any, ingestion_lag_s: int = 0) -> None:
        super().__init__(metrics, ingestion_lag_s)
        self._spans: dict[tuple[str, str, int, int], list[tuple[int, float]]] = {}

    def span(self, leaves: Sequence[Leaf], moments: Sequence[datetime.datetime]) -> None:
        """Read, in one call, every period the leaves' windows at ``moments`` cover."""
        bounds: dict[tuple[str, str, int, int], tuple[ThresholdWindow, int]] = {}
        for leaf in leaves:
            for moment in moments:
                _, window = leaf_window(leaf, moment, self.lag_ms)
                key = _key(window)
                latest, earliest = bounds.get(key, (window, window.start_ms))
                if window.end_ms > latest.end_ms:
                    latest = window
                bounds[key] = (latest, min(earliest, window.start_ms))
        longs = {key: dataclasses.replace(
                     latest, evaluation_periods=(latest.end_ms - earliest)
                     // (latest.period_s * 1000))
                 for key, (latest, earliest) in bounds.items()}
        self._requests += 1
        answers = self.metrics.window_statistics(list(longs.values()))
        self._spans = dict(zip(longs, answers, strict=True))

    def _span(self, leaf: Leaf, moment: datetime.datetime
              ) -> tuple[ThresholdWindow, list[tuple[int, float]]]:
        _, window = leaf_window(leaf, moment, self.lag_ms)
        return window, self._spans[_key(window)]

    def whole(self, leaf: Leaf, moment: datetime.datetime) -> list[tuple[int, float]]:
        """(period start, statistic) of every period read for the leaf in the phase
        of ``moment``, oldest first."""
        return self._span(leaf, moment)[1]

    def periods(self, leaf: Leaf, moment: datetime.datetime) -> list[tuple[int, float]]:
        """(period start, statistic) of the periods the leaf's window at ``moment``
        holds, oldest first."""
        window, span = self._span(leaf, moment)
        low = bisect.bisect_left(span, (window.start_ms, float("-inf")))
        high = bisect.bisect_left(span, (window.end_ms, float("-inf")))
        return span[low:high]

    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        """Nothing: span() has read everything."""

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        shape = ThresholdShape.from_stored(leaf.rule)
        return threshold.evaluate(shape, [value for _, value in self.periods(leaf, now)])


def threshold_leaves(alarm: model.Alarm) -> list[Leaf]:
    """The alarm's threshold rules; InvalidInput when it has a rule of another type, or
    a rule without its type's shape."""
    nodes = composite.leaves(alarm.rule) if alarm.type == rule_types.COMPOSITE \
        else [alarm.rule]
    leaves = []
    for node in nodes:
        leaf_type = node.get("type") if alarm.type == rule_types.COMPOSITE else alarm.type
        if leaf_type not in BACKTESTED_TYPES:
            known = rule_kinds.KINDS.get(str(leaf_type))
            raise errors.InvalidInput("type", leaf_type, known.never_replayed if known and
                                      known.never_replayed else _NOT_REPLAYED)
        leaves.append(Leaf(alarm, str(leaf_type), node))
    if not leaves:
        raise errors.InvalidInput("composite_rule", alarm.rule, "the rule has no leaf")
    return leaves


def moments(start: datetime.datetime, end: datetime.datetime, step_s: int
            ) -> list[datetime.datetime]:
    """The evaluation moments: ``start``, then every ``step_s`` up to ``end``;
    InvalidInput for an empty, reversed or too long range."""
    if step_s < MIN_STEP_S:
        raise errors.InvalidInput("step", step_s, f"must be at least {MIN_STEP_S} second")
    if end <= start:
        raise errors.InvalidInput("end", end.isoformat(),
                                  f"must be later than start ({start.isoformat()})")
    count = int((end - start).total_seconds() // step_s) + 1
    if count > MAX_STEPS:
        raise errors.InvalidInput(
            "step", step_s, f"the range holds {count} evaluations of every {step_s} s; "
            f"at most {MAX_STEPS} are allowed: shorten the range or lengthen the step")
    return [start + datetime.timedelta(seconds=step_s * k) for k in range(count)]


def _check_phases(leaves: list[Leaf], step_s: int) -> None:
    for leaf in leaves:
        period = ThresholdShape.from_stored(leaf.rule).period
        phases = period // math.gcd(period, step_s)
        if phases > MAX_PHASES:
            raise errors.InvalidInput(
                "step", step_s, f"with a period of {period} s this needs {phases} reads; "
                f"at most {MAX_PHASES}: use a step that divides the period or is a "
                "multiple of it")


def run(alarm: model.Alarm, metrics: Any, start: datetime.datetime,
        end: datetime.datetime, step_s: int, *, ingestion_lag_s: int = 0,
        initial_state: str = model.State.INSUFFICIENT_DATA.value) -> Backtest:
    """Judge ``alarm`` at every moment from ``start`` to ``end`` (naive UTC) as the
    evaluator would have, starting in ``initial_state``; InvalidInput naming the field
    when the alarm (stored before it was checked) cannot be judged."""
    stored_alarm.check(alarm)
    leaves = threshold_leaves(alarm)
    _check_phases(leaves, step_s)
    times = moments(start, end, step_s)
    due = [t for t in times if time_constraints.any_active(alarm.time_constraints, t)]
    source = SpanSource(metrics, ingestion_lag_s)
    source.span(leaves, due + [times[-1]])
    sources = Sources([source])
    state, steps, notifications = initial_state, [], 0
    for moment in due:
        transition = decide(state, judge(sources, alarm, moment), alarm.repeat_actions)
        if transition is None:
            continue
        if model.actions_for(alarm, transition.current, transition.previous):
            notifications += 1
        if not transition.repeated:
            steps.append(Step(moment, transition.previous, transition.current,
                              transition.reason, transition.reason_data))
            state = transition.current
    return Backtest(start, end, step_s, initial_state, state, len(due), len(times) - len(due),
                    notifications, steps, [_series(source, leaf, times[-1]) for leaf in leaves])


def _series(source: SpanSource, leaf: Leaf, last: datetime.datetime) -> Series:
    shape = ThresholdShape.from_stored(leaf.rule)
    span = source.whole(leaf, last)
    return Series(shape.meter_name, shape.statistic, shape.period, shape.threshold,
                  shape.comparison_operator, [(model.from_ms(b), v) for b, v in span])
