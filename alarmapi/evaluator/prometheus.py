"""The data of prometheus rules: one instant query per distinct scoped PromQL query of
a cycle, each series of the answer one sample (Aodh 23's semantics)."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from alarmapi import errors, promql, rule_types
from alarmapi.evaluator import threshold
from alarmapi.evaluator.outcome import Evaluation
from alarmapi.evaluator.shared_reads import SharedReadsSource
from alarmapi.evaluator.sources import Leaf, unavailable
from alarmapi.model import State
from alarmapi.prometheus import PrometheusClient, QueryFailed, from_config
from alarmapi.rule_shapes import PrometheusShape, UnusableRule

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class _Samples:
    """A prometheus rule judged over ``evaluation_periods`` samples (one per series)."""

    threshold: float
    comparison_operator: str
    evaluation_periods: int


def unknown() -> Evaluation:
    """An empty answer: no series, Aodh's reason and reason_data."""
    return Evaluation(State.INSUFFICIENT_DATA, "datapoints are unknown",
                      {"type": "threshold", "disposition": "unknown", "count": 0,
                       "most_recent": None})


def judge(shape: PrometheusShape, values: list[float]) -> Evaluation:
    """All samples breach: alarm; none: ok; a mix leans to the last series' side."""
    if not values:
        return unknown()
    rule = _Samples(shape.threshold, shape.comparison_operator, len(values))
    return threshold.evaluate(rule, values, "threshold")


class PrometheusSource(SharedReadsSource):
    """Judges prometheus rules; a project's alarm reads only that project's series."""

    rule_types = (rule_types.PROMETHEUS,)
    name = "prometheus"

    def __init__(self, client: PrometheusClient, project_label: str = "project",
                 parallel: int = 1) -> None:
        super().__init__(parallel)
        self.client = client
        self.project_label = project_label

    def query_of(self, leaf: Leaf) -> tuple[PrometheusShape, str]:
        """The rule's shape and the query sent for it: scoped to the alarm's own
        project unless the rule is unscoped (an admin's own alarm). The project comes
        from the alarm, never from what a leaf stored (Aodh's composite leaves may
        hold a stranger's)."""
        shape = PrometheusShape.from_stored(leaf.rule)
        if shape.scope_to_project is None:
            return shape, shape.query
        project = leaf.alarm.project_id
        if not project:
            raise UnusableRule("scope_to_project", None, "the alarm names no project")
        return shape, promql.scoped(shape.query, self.project_label, project)

    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        """Each distinct query of the batch once, ``parallel`` at a time."""
        reads: dict[str, Callable[[], Any]] = {}
        for leaf in leaves:
            try:
                _, query = self.query_of(leaf)
            except errors.InvalidInput:
                continue  # judged alone in evaluate(), where it fails by itself
            reads[query] = functools.partial(self.client.query, query)
        self.reads.prefetch(reads)

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        try:
            shape, query = self.query_of(leaf)
        except promql.UnscopableQuery as exc:
            return unavailable(f"the query cannot be scoped to the project: {exc.reason}")
        try:
            values = self.reads.get(query, lambda: self.client.query(query))
        except (errors.BackendUnavailable, QueryFailed) as exc:
            return unavailable(str(exc))
        return judge(shape, values)

    @classmethod
    def from_config(cls, conf: Any, storage: Any) -> PrometheusSource | None:
        """The Prometheus source when a Prometheus (or Aetos) is configured."""
        client = from_config(conf)
        if client is None:
            return None
        return cls(client, conf.prometheus_project_label_name,
                   conf.prometheus.parallel_requests)
