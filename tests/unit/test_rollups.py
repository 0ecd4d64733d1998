"""Which statistics reads the per-minute rollups answer, and how a batch is folded."""

from __future__ import annotations

import pytest

from alarmapi.metrics.model import Measurement, Metric
from alarmapi.storage.sql import rollups


@pytest.mark.parametrize(("lo", "hi", "minutes", "edges"), [
    (120_000, None, (120_000, None), []),
    (120_500, None, (180_000, None), [(120_500, 180_000)]),
    (120_000, 600_000, (120_000, 600_000), []),
    (120_500, 600_010, (180_000, 600_000), [(120_500, 180_000), (600_000, 600_010)]),
    (120_500, 150_000, None, [(120_500, 150_000)]),
])
def test_split(lo: int, hi: int | None, minutes: tuple | None, edges: list) -> None:
    assert rollups.split(lo, hi) == (minutes, edges)


def test_minute_rows() -> None:
    m = Metric("t", "m", {})
    rows = rollups.minute_rows([Measurement(m, 60_000 + i * 20_000, float(i)) for i in range(5)])
    assert [(r["start"], r["count"], r["sum"], r["min"], r["max"]) for r in rows] == [
        (60_000, 3, 3.0, 0.0, 2.0), (120_000, 2, 7.0, 3.0, 4.0)]
