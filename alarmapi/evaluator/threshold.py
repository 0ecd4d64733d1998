"""Threshold semantics shared by threshold and gnocchi rules (Aodh's): every period
must breach for ``alarm``, none for ``ok``; too few periods with data is
``insufficient data``; a mix keeps the current state."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Protocol

from alarmapi.evaluator.outcome import Evaluation
from alarmapi.model import State

COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt, "le": operator.le, "eq": operator.eq, "ne": operator.ne,
    "ge": operator.ge, "gt": operator.gt,
}


class Judged(Protocol):
    """What the verdict reads of a rule (a ThresholdShape or a GnocchiShape)."""

    @property
    def threshold(self) -> float: ...

    @property
    def comparison_operator(self) -> str: ...

    @property
    def evaluation_periods(self) -> int: ...


def evaluate(rule: Judged, values: Sequence[float], rule_type: str = "threshold"
             ) -> Evaluation:
    """Judge the per-period values (oldest first) of one rule."""
    periods = rule.evaluation_periods
    if len(values) < periods:
        return Evaluation(
            State.INSUFFICIENT_DATA,
            f"{periods} datapoints are unknown",
            {"type": rule_type, "disposition": "unknown", "count": periods,
             "most_recent": values[-1] if values else None},
        )
    recent = list(values[-periods:])
    compare = COMPARATORS[rule.comparison_operator]
    threshold = rule.threshold
    breaches = [compare(value, threshold) for value in recent]
    most_recent = recent[-1]
    if all(breaches) or not any(breaches):
        verdict = State.ALARM if breaches[0] else State.OK
        return _judged(verdict, periods, most_recent, rule_type)
    trend = State.ALARM if breaches[-1] else State.OK
    count = breaches.count(trend == State.ALARM)
    leaning = _judged(trend, count, most_recent, rule_type)
    return Evaluation(None, leaning.reason, leaning.reason_data, trend=trend.value)


def _judged(state: State, count: int, most_recent: float, rule_type: str) -> Evaluation:
    """Aodh's reason and reason_data for ``count`` samples on the side of ``state``."""
    disposition = "outside" if state == State.ALARM else "inside"
    return Evaluation(
        state,
        f"Transition to {state.value} due to {count} samples {disposition} threshold, "
        f"most recent: {most_recent}",
        {"type": rule_type, "disposition": disposition, "count": count,
         "most_recent": most_recent},
    )
