"""Removal of expired rows in bounded batches, until none is left."""

from __future__ import annotations

import sqlalchemy as sa

from alarmapi.storage.models import history_table, measurement_table, rollup_table
from alarmapi.storage.sql import engine as engines


def _delete_batches(engine: sa.Engine, table: sa.Table, key: sa.Column[object],
                    older: sa.ColumnElement[bool], batch: int,
                    max_batches: int | None) -> int:
    """Delete matching rows ``batch`` at a time (each its own transaction)."""
    total, batches = 0, 0
    while max_batches is None or batches < max_batches:
        # Pick the keys first: MySQL refuses LIMIT inside an IN subquery on the same table.
        def work(conn: sa.Connection) -> int:
            keys = [row[0] for row in conn.execute(sa.select(key).where(older).limit(batch))]
            if not keys:
                return 0
            return int(conn.execute(table.delete().where(key.in_(keys))).rowcount)

        deleted = engines.run(engine.begin, work)
        total += deleted
        batches += 1
        if deleted < batch:
            break
    return total


def expire_measurements(engine: sa.Engine, before_ms: int, batch: int = 10_000,
                        max_batches: int | None = None) -> int:
    """Delete measurements taken before ``before_ms`` and the rollups of the minutes
    wholly before it; return how many measurements."""
    table = measurement_table
    deleted = _delete_batches(engine, table, table.c.id, table.c.timestamp < before_ms,
                              batch, max_batches)
    whole_minutes = before_ms - before_ms % 60_000
    with engine.begin() as conn:
        conn.execute(rollup_table.delete().where(rollup_table.c.start < whole_minutes))
    return deleted


def expire_history(engine: sa.Engine, before: object, batch: int = 10_000,
                   max_batches: int | None = None) -> int:
    """Delete alarm history recorded before ``before`` (a naive UTC datetime)."""
    table = history_table
    return _delete_batches(engine, table, table.c.event_id, table.c.timestamp < before,
                           batch, max_batches)


