"""Decision tables: threshold verdicts, state × evaluation × repeat_actions, composite
short-circuit."""

from __future__ import annotations

from typing import Any

import pytest

from alarmapi.evaluator import composite, threshold
from alarmapi.evaluator.outcome import Evaluation, decide
from alarmapi.rule_shapes import ThresholdShape

RULE = ThresholdShape("cpu", 10, comparison_operator="gt", evaluation_periods=3)


@pytest.mark.parametrize(("values", "state", "trend"), [
    ([11, 12, 13], "alarm", None),
    ([1, 2, 3], "ok", None),
    ([1, 12], "insufficient data", None),
    ([], "insufficient data", None),
    ([11, 2, 13], None, "alarm"),
    ([11, 12, 3], None, "ok"),
    ([1, 1, 11, 12, 13], "alarm", None),   # only the last evaluation_periods count
])
def test_threshold_verdicts(values: list[float], state: str | None, trend: str | None
                            ) -> None:
    verdict = threshold.evaluate(RULE, values)
    assert (verdict.state, verdict.trend) == (state, trend)
    if state == "alarm":
        assert verdict.reason == (
            "Transition to alarm due to 3 samples outside threshold, most recent: 13")
        assert verdict.reason_data == {"type": "threshold", "disposition": "outside",
                                       "count": 3, "most_recent": 13}


@pytest.mark.parametrize(("current", "verdict", "repeat", "expected"), [
    ("ok", "alarm", False, ("alarm", False)),
    ("alarm", "alarm", False, None),
    ("alarm", "alarm", True, ("alarm", True)),
    ("ok", "ok", True, None),
    ("insufficient data", "insufficient data", True, None),
    ("alarm", "ok", False, ("ok", False)),
    ("ok", "insufficient data", False, ("insufficient data", False)),
    ("insufficient data", None, False, None),
])
def test_decision_table(current: str, verdict: str | None, repeat: bool,
                        expected: tuple[str, bool] | None) -> None:
    transition = decide(current, Evaluation(verdict, "Transition to x", {}), repeat)
    if expected is None:
        assert transition is None
    else:
        assert transition is not None
        assert (transition.current, transition.repeated) == expected
        assert transition.previous == current


def test_trend_leaves_insufficient_data_only() -> None:
    leaning = Evaluation(None, "r", {}, trend="alarm")
    assert decide("insufficient data", leaning, False).current == "alarm"  # type: ignore
    assert decide("ok", leaning, False) is None


def _leaves(states: dict[str, str | None]) -> tuple[Any, list[str]]:
    called: list[str] = []

    def leaf(rule: dict[str, Any]) -> Evaluation:
        called.append(rule["name"])
        return Evaluation(states[rule["name"]], rule["name"], {})
    return leaf, called


@pytest.mark.parametrize(("tree", "states", "result", "fetched"), [
    ({"and": [{"name": "a"}, {"name": "b"}]}, {"a": "ok", "b": "alarm"}, "ok", ["a"]),
    ({"or": [{"name": "a"}, {"name": "b"}]}, {"a": "alarm", "b": "ok"}, "alarm", ["a"]),
    ({"and": [{"name": "a"}, {"name": "b"}]}, {"a": "alarm", "b": "alarm"}, "alarm",
     ["a", "b"]),
    ({"or": [{"name": "a"}, {"name": "b"}]}, {"a": None, "b": "ok"}, "insufficient data",
     ["a", "b"]),
    ({"or": [{"name": "a"}, {"and": [{"name": "b"}, {"name": "c"}]}]},
     {"a": "ok", "b": "ok", "c": "alarm"}, "ok", ["a", "b"]),
    ({"name": "a"}, {"a": "alarm"}, "alarm", ["a"]),
])
def test_composite_short_circuit(tree: dict[str, Any], states: dict[str, str | None],
                                 result: str, fetched: list[str]) -> None:
    leaf, called = _leaves(states)
    assert composite.evaluate(tree, leaf).state == result
    assert called == fetched
