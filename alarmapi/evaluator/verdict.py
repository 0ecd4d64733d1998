"""An alarm's verdict at one moment: its rule (or its composite tree) judged by the
sources; shared by the evaluator's cycles and by backtests."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from alarmapi import model, rule_types
from alarmapi.evaluator import composite
from alarmapi.evaluator.outcome import Evaluation
from alarmapi.evaluator.sources import Leaf, Sources


def judge(sources: Sources, alarm: model.Alarm, now: datetime.datetime) -> Evaluation:
    """The verdict of ``alarm`` at ``now``; a composite carries its first leaf's read
    error (the state it points to is still composed from every leaf read)."""
    if alarm.type != rule_types.COMPOSITE:
        return sources.evaluate(Leaf(alarm, alarm.type, alarm.rule), now)
    failures: list[str] = []

    def leaf(node: dict[str, Any]) -> Evaluation:
        evaluation = sources.evaluate(Leaf(alarm, str(node.get("type")), node), now)
        if evaluation.error is not None:
            failures.append(evaluation.error)
        return evaluation

    verdict = composite.evaluate(alarm.rule, leaf)
    return dataclasses.replace(verdict, error=failures[0]) if failures else verdict
