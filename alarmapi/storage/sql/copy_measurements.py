"""Measurements written with PostgreSQL's COPY, for each driver that has it (psycopg 3
and psycopg2), in the caller's transaction."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from alarmapi.metrics.model import Measurement

COLUMNS = "metric_id, timestamp, value, value_meta"


def _meta(m: Measurement) -> str | None:
    return json.dumps(m.value_meta) if m.value_meta is not None else None


def psycopg_copy(raw: Any, measurements: list[Measurement]) -> None:
    """psycopg 3: rows written to COPY as values."""
    with raw.cursor() as cursor, cursor.copy(
            f"COPY measurement ({COLUMNS}) FROM STDIN") as copy:
        for m in measurements:
            copy.write_row((m.metric.id, m.timestamp_ms, m.value, _meta(m)))


def psycopg2_copy(raw: Any, measurements: list[Measurement]) -> None:
    """psycopg2: the rows as CSV (quoted where needed; an unquoted empty field is
    NULL, and a value_meta is never empty: it is JSON)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for m in measurements:
        meta = _meta(m)
        writer.writerow((m.metric.id, m.timestamp_ms, repr(m.value),
                         "" if meta is None else meta))
    buffer.seek(0)
    with raw.cursor() as cursor:
        cursor.copy_expert(
            f"COPY measurement ({COLUMNS}) FROM STDIN WITH (FORMAT csv)", buffer)


#: The COPY of each PostgreSQL driver that has one (others: executemany).
COPIERS: dict[str, Callable[[Any, list[Measurement]], None]] = {
    "psycopg": psycopg_copy, "psycopg2": psycopg2_copy}
