"""The data of gnocchi_* rules, read from Gnocchi the way Gnocchi 4.7.1 accepts it."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from alarmapi import errors, rule_types
from alarmapi.evaluator import threshold
from alarmapi.evaluator.outcome import Evaluation
from alarmapi.evaluator.shared_reads import SharedReadsSource
from alarmapi.evaluator.sources import Leaf, unavailable
from alarmapi.gnocchi import GnocchiClient, methods
from alarmapi.gnocchi import from_config as client_from_config
from alarmapi.model import State
from alarmapi.rule_shapes import GnocchiShape, UnusableRule

LOG = logging.getLogger(__name__)


def _iso(moment: datetime.datetime) -> str:
    return moment.replace(tzinfo=None).isoformat()


def _window(rule: GnocchiShape, now: datetime.datetime, lag_s: int
            ) -> tuple[datetime.datetime, datetime.datetime]:
    span = rule.granularity * (rule.evaluation_periods + 1) + lag_s
    return now - datetime.timedelta(seconds=span), now


def _key(rule: GnocchiShape, start: datetime.datetime, stop: datetime.datetime) -> str:
    """What identifies the data a rule reads: rules with equal keys share one fetch."""
    fields = dataclasses.asdict(rule)
    for judged in ("threshold", "comparison_operator", "evaluation_periods"):
        fields.pop(judged)
    return json.dumps([fields, _iso(start), _iso(stop)], sort_keys=True)


class GnocchiSource(SharedReadsSource):
    """Fetches the per-period values of a gnocchi_* rule and judges them."""

    rule_types = rule_types.GNOCCHI_TYPES
    name = "gnocchi"

    def __init__(self, client: GnocchiClient, ingestion_lag_s: int = 0,
                 parallel: int = 1) -> None:
        super().__init__(parallel)
        self.client = client
        self.lag_s = ingestion_lag_s

    def _read(self, shape: GnocchiShape, now: datetime.datetime
              ) -> tuple[str, Callable[[], Any]]:
        """The key of the data a rule reads, and the read."""
        start, stop = _window(shape, now, self.lag_s)
        return _key(shape, start, stop), functools.partial(self._request, shape, start, stop)

    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        """Fetch the data of these leaves not fetched yet this cycle, ``parallel``
        requests at a time; evaluate() then answers from what came back."""
        reads = {}
        for leaf in leaves:
            try:
                shape = GnocchiShape.from_stored(leaf.rule_type, leaf.rule)
            except UnusableRule:
                continue  # a broken rule fails in evaluate(), alarm by alarm
            key, read = self._read(shape, now)
            reads[key] = read
        self.reads.prefetch(reads)

    def _request(self, rule: GnocchiShape, start: datetime.datetime,
                 stop: datetime.datetime) -> Any:
        method = rule.aggregation_method
        window = {"start": _iso(start), "stop": _iso(stop),
                  "granularity": str(rule.granularity)}
        if rule.rule_type == rule_types.GNOCCHI_RESOURCES:
            path = f"/v1/resource/generic/{rule.resource_id}/metric/{rule.metric}/measures"
            return self.client.request("GET", path, params=dict(
                window, aggregation=method, refresh="false"))
        # Reducible methods: Gnocchi aggregates the metrics' series (of the method
        # without rate:); the others are read per metric and combined in evaluate().
        reduce = methods.reducible(method)
        each = method.removeprefix("rate:") if reduce else method
        if rule.rule_type == rule_types.GNOCCHI_BY_METRICS:
            # One "metric" operand holding every metric: the form Gnocchi 4.7.1 accepts
            # (Aodh sends one operand per metric, which Gnocchi refuses with a 400).
            operand: list[Any] = ["metric", *[[m, each] for m in rule.metrics]]
        else:
            operand = ["metric", rule.metric, each]
        body: dict[str, Any] = {"operations": ["aggregate", method, operand] if reduce
                                else operand}
        if rule.rule_type != rule_types.GNOCCHI_BY_METRICS:
            body.update(search=json.loads(str(rule.query)), resource_type=rule.resource_type)
        return self.client.request("POST", "/v1/aggregates", params=dict(
            window, details="false", needed_overlap="0"), json=body)

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        """The rule's verdict; Gnocchi unreachable or failing gives no verdict.

        A rule without its type's shape raises UnusableRule (its alarm alone fails)."""
        rule_type = leaf.rule_type
        shape = GnocchiShape.from_stored(rule_type, leaf.rule)
        try:
            response = self.reads.get(*self._read(shape, now))
        except errors.BackendUnavailable as exc:
            LOG.warning("alarm %s: statistics retrieval failed: %s", leaf.alarm.alarm_id, exc)
            return unavailable(str(exc))
        if response.status_code == 404:
            return Evaluation(State.INSUFFICIENT_DATA,
                              f"{shape.evaluation_periods} datapoints are unknown",
                              {"type": rule_type, "disposition": "unknown",
                               "count": shape.evaluation_periods, "most_recent": None})
        if response.status_code >= 400:
            LOG.warning("alarm %s: statistics retrieval failed: HTTP %s %s",
                        leaf.alarm.alarm_id, response.status_code, response.text[:200])
            return unavailable(f"Gnocchi answered {response.status_code}")
        body = response.json()
        if isinstance(body, dict) and not methods.reducible(shape.aggregation_method):
            values = methods.combined(body.get("measures"), shape.granularity)
            return threshold.evaluate(shape, values, rule_type)
        points = body["measures"]["aggregated"] if isinstance(body, dict) else body
        values = [float(p[2]) for p in points if float(p[1]) == shape.granularity]
        return threshold.evaluate(shape, values, rule_type)

    @classmethod
    def from_config(cls, conf: Any, storage: Any) -> GnocchiSource | None:
        """The Gnocchi source when [gnocchi] names one (or the catalog has one)."""
        client = client_from_config(conf)
        if client is None:
            return None
        return cls(client, conf.evaluator.additional_ingestion_lag,
                   conf.gnocchi.parallel_requests)

