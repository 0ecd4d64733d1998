"""The cycle report counts requests per source in one mapping (issue 26.3): a source
with a name of its own is counted, never dropped, and every registered source appears."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from alarmapi.evaluator.outcome import Evaluation
from alarmapi.evaluator.service import Evaluator
from alarmapi.evaluator.sources import Leaf, Source, registered
from alarmapi.storage.sql import SQLConnection
from tests.conftest import make_api

USER = {"X-User-Id": "u1", "X-Project-Id": "p1", "X-Roles": "reader,member"}


class CountingSource(Source):
    """A source no report field was ever written for: one request per prefetch."""

    rule_types = ("threshold",)
    name = "newsource"

    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        self._requests += 1

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        return Evaluation("alarm", "counted")

    @classmethod
    def from_config(cls, conf: Any, storage: Any) -> Source | None:
        return cls()


def test_a_new_source_is_counted_in_the_report(storage: SQLConnection) -> None:
    api, services = make_api(storage.url)
    rule = {"meter_name": "cpu", "threshold": 1}
    for n in range(3):
        api.post_json("/v2/alarms", {"name": f"a{n}", "type": "threshold",
                                     "threshold_rule": rule}, headers=USER, status=201)
    evaluator = Evaluator(storage, sources=[CountingSource()])
    report = evaluator.run_cycle()
    assert (report.evaluated, report.transitions) == (3, 3)
    assert report.requests["newsource"] == 1 and report.newsource_requests == 1
    record = report.record()
    assert record["newsource_requests"] == 1 and record["transitions"] == 3
    # Every registered source is in the record, configured or not.
    assert {f"{name}_requests" for name in registered()} <= set(record)
    assert record["gnocchi_requests"] == 0
    evaluator.close()
    services.storage.dispose()
