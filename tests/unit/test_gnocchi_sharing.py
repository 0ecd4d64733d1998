"""Rules over the same Gnocchi data share one fetch per cycle."""

from __future__ import annotations

import datetime
from typing import Any

from alarmapi.evaluator.gnocchi import GnocchiSource


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
    base = {"metric": "cpu", "resource_id": "r1", "aggregation_method": "mean",
            "granularity": 60, "evaluation_periods": 1, "comparison_operator": "gt"}
    verdicts = [source.evaluate("gnocchi_resources_threshold", dict(base, threshold=t), now)
                for t in (50, 90)]
    assert [v.state for v in verdicts] == ["alarm", "ok"]
    assert client.calls == 1
    source.evaluate("gnocchi_resources_threshold", dict(base, resource_id="r2",
                                                        threshold=1), now)
    assert client.calls == 2
    source.begin_cycle()
    source.evaluate("gnocchi_resources_threshold", dict(base, threshold=50), now)
    assert client.calls == 3
