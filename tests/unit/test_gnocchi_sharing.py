"""Rules over the same Gnocchi data share one fetch per cycle; a batch's distinct reads
are sent in parallel."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest

from alarmapi import errors
from alarmapi.evaluator import composite
from alarmapi.evaluator.gnocchi import GnocchiSource
from tests.fakes import leaf


class CountingClient:
    """Answers every measures request with one point at 60 s (unit-test fake)."""

    def __init__(self) -> None:
        self.calls = 0

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        self.calls += 1

        class Response:
            status_code = 200

            @staticmethod
            def json() -> Any:
                return [["2026-01-01T00:00:00+00:00", 60.0, 75.0]]

        return Response()


def test_same_data_one_fetch_per_cycle() -> None:
    client = CountingClient()
    source = GnocchiSource(client)  # type: ignore[arg-type]
    now = datetime.datetime(2026, 1, 1, 0, 1)
    base = {"metric": "cpu", "resource_id": "r1", "resource_type": "instance",
            "aggregation_method": "mean", "granularity": 60, "evaluation_periods": 1,
            "comparison_operator": "gt"}
    verdicts = [source.evaluate(leaf("gnocchi_resources_threshold", dict(base, threshold=t)), now)
                for t in (50, 90)]
    assert [v.state for v in verdicts] == ["alarm", "ok"]
    assert client.calls == 1
    source.evaluate(leaf("gnocchi_resources_threshold", dict(base, resource_id="r2",
                                                        threshold=1)), now)
    assert client.calls == 2
    source.begin_cycle()
    source.evaluate(leaf("gnocchi_resources_threshold", dict(base, threshold=50)), now)
    assert client.calls == 3


class GatedClient(CountingClient):
    """Answers only once ``expected`` requests are in flight together (proves the
    prefetch runs them in parallel), or fails like an unreachable Gnocchi for ``down``."""

    def __init__(self, expected: int, down: str = "") -> None:
        super().__init__()
        self.barrier = threading.Barrier(expected, timeout=30)
        self.down = down
        self.lock = threading.Lock()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        self.barrier.wait()
        if self.down and self.down in path:
            raise errors.BackendUnavailable("Gnocchi at x is unavailable: ConnectTimeout")
        with self.lock:
            return super().request(method, path, **kwargs)


RULE = {"metric": "cpu", "resource_type": "instance", "aggregation_method": "mean",
        "granularity": 60,
        "evaluation_periods": 1, "comparison_operator": "gt", "threshold": 50}
NOW = datetime.datetime(2026, 1, 1, 0, 1)


def test_prefetch_sends_distinct_reads_in_parallel_and_evaluate_reuses_them() -> None:
    client = GatedClient(expected=3)
    source = GnocchiSource(client, parallel=3)  # type: ignore[arg-type]
    leaves = [("gnocchi_resources_threshold", dict(RULE, resource_id=r))
              for r in ("r1", "r2", "r3", "r1")]
    source.prefetch([leaf(t, r) for t, r in leaves], NOW)
    assert client.calls == 3 and source.requests == 3
    states = [source.evaluate(leaf(t, r), NOW).state for t, r in leaves]
    assert states == ["alarm"] * 4
    assert client.calls == 3
    source.close()


def test_a_failed_prefetch_is_no_verdict_for_its_rules_only() -> None:
    client = GatedClient(expected=2, down="/r2/")
    source = GnocchiSource(client, parallel=2)  # type: ignore[arg-type]
    first, second = (dict(RULE, resource_id=r) for r in ("r1", "r2"))
    source.prefetch([leaf("gnocchi_resources_threshold", first),
                     leaf("gnocchi_resources_threshold", second)], NOW)
    assert source.evaluate(leaf("gnocchi_resources_threshold", first), NOW).state == "alarm"
    failed = source.evaluate(leaf("gnocchi_resources_threshold", second), NOW)
    assert failed.state is None and "unavailable" in failed.reason
    source.close()


def test_sequential_source_prefetches_nothing() -> None:
    client = CountingClient()
    source = GnocchiSource(client)  # type: ignore[arg-type]
    source.prefetch([leaf("gnocchi_resources_threshold", dict(RULE, resource_id=r))
                     for r in ("r1", "r2")], NOW)
    assert client.calls == 0


@pytest.mark.parametrize(("tree", "first"), [
    ({"type": "threshold", "meter_name": "a"}, {"type": "threshold", "meter_name": "a"}),
    ({"or": [{"and": [{"metric": "x"}, {"metric": "y"}]}, {"metric": "z"}]}, {"metric": "x"}),
    ({"and": []}, None),
    ({"or": "nonsense"}, None),
])
def test_first_leaf_is_the_one_every_evaluation_reads(tree: dict[str, Any],
                                                      first: dict[str, Any] | None) -> None:
    assert composite.first_leaf(tree) == first
