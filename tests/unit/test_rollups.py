"""Which statistics reads the per-minute rollups answer, and how a batch is folded."""

from __future__ import annotations

import pytest

from alarmapi.metrics.model import Measurement, Metric
from alarmapi.storage.sql import rollups


@pytest.mark.parametrize(("start", "end", "period", "covered"), [
    (120_000, None, 60, True),
    (120_000, 600_000 - 1, 300, True),
    (120_000, 600_000, 60, False),      # ends inside a minute
    (120_500, None, 60, False),         # starts inside a minute
    (120_000, None, 90, False),         # period not whole minutes
])
def test_covers(start: int, end: int | None, period: int, covered: bool) -> None:
    assert rollups.covers(start, end, period) is covered


def test_minute_rows() -> None:
    m = Metric("t", "m", {})
    rows = rollups.minute_rows([Measurement(m, 60_000 + i * 20_000, float(i)) for i in range(5)])
    assert [(r["start"], r["count"], r["sum"], r["min"], r["max"]) for r in rows] == [
        (60_000, 3, 3.0, 0.0, 2.0), (120_000, 2, 7.0, 3.0, 4.0)]
