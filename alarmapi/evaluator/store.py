"""The data of threshold rules, read from alarmapi's own metric store: one batched read
for every threshold rule of a batch, composite leaves included."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from alarmapi import rule_types
from alarmapi.evaluator import threshold
from alarmapi.evaluator.outcome import Evaluation
from alarmapi.evaluator.sources import Leaf, Source, unavailable
from alarmapi.metrics.windows import ThresholdWindow, window_for_rule
from alarmapi.rule_shapes import ThresholdShape, UnusableRule

LOG = logging.getLogger(__name__)


def end_ms(now: datetime.datetime, lag_ms: int) -> int:
    """The end of the evaluation window of a cycle at ``now`` (UTC, naive or aware)."""
    return int(now.replace(tzinfo=datetime.UTC).timestamp() * 1000) - lag_ms


def leaf_window(leaf: Leaf, now: datetime.datetime, lag_ms: int
                ) -> tuple[ThresholdShape, ThresholdWindow]:
    """A threshold leaf's shape and the window it reads when judged at ``now``
    (UnusableRule when it has no usable shape)."""
    shape = ThresholdShape.from_stored(leaf.rule)
    return shape, window_for_rule(shape, leaf.alarm.project_id, end_ms(now, lag_ms))


class StoreSource(Source):
    """Judges threshold rules over the per-period statistics of the metric store."""

    rule_types = (rule_types.THRESHOLD,)
    name = "store"

    def __init__(self, metrics: Any, ingestion_lag_s: int = 0) -> None:
        super().__init__()
        self.metrics = metrics
        self.lag_ms = ingestion_lag_s * 1000
        self._periods: dict[str, list[tuple[Any, float]]] = {}

    def begin_cycle(self) -> None:
        self._periods.clear()

    def _window(self, leaf: Leaf, now: datetime.datetime
                ) -> tuple[ThresholdShape, ThresholdWindow]:
        return leaf_window(leaf, now, self.lag_ms)

    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        """One metric store read for the windows of the batch (the answers are kept
        only until the next batch: windows move with time)."""
        self._periods.clear()
        windows: dict[str, ThresholdWindow] = {}
        for leaf in leaves:
            try:
                _, window = self._window(leaf, now)
            except UnusableRule:
                continue  # judged alone in evaluate(), where it fails by itself
            windows[repr(window)] = window
        if not windows:
            return
        self._requests += 1
        try:
            answers = self.metrics.window_statistics(list(windows.values()))
        except Exception:  # then every rule reads alone, and fails alone
            LOG.exception("the batched read of %d threshold windows failed", len(windows))
            return
        self._periods.update(zip(windows, answers, strict=True))

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        shape, window = self._window(leaf, now)
        periods = self._periods.get(repr(window))
        if periods is None:
            self._requests += 1
            try:
                (periods,) = self.metrics.window_statistics([window])
            except Exception as exc:
                LOG.warning("reading the metric store for alarm %s failed: %s",
                            leaf.alarm.alarm_id, exc)
                return unavailable(f"the metric store cannot be read: {type(exc).__name__}")
        return threshold.evaluate(shape, [value for _, value in periods])

    @classmethod
    def from_config(cls, conf: Any, storage: Any) -> StoreSource:
        """The built-in store is always there."""
        return cls(storage.metrics, conf.evaluator.additional_ingestion_lag)
