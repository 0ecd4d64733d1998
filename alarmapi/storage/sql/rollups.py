"""Per-minute rollups: maintained at ingest, read by statistics over whole minutes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from alarmapi.metrics.model import Measurement
from alarmapi.storage.models import rollup_table, signal_table

R = rollup_table
S = signal_table
MINUTE_MS = 60_000


def minute_rows(measurements: list[Measurement]) -> list[dict[str, Any]]:
    """The batch folded per (metric, minute), sorted by key (a fixed lock order)."""
    folded: dict[tuple[str, int], list[float]] = {}
    for m in measurements:
        key = (m.metric.id, m.timestamp_ms - m.timestamp_ms % MINUTE_MS)
        cell = folded.get(key)
        if cell is None:
            folded[key] = [1, m.value, m.value, m.value]
        else:
            cell[0] += 1
            cell[1] += m.value
            cell[2] = min(cell[2], m.value)
            cell[3] = max(cell[3], m.value)
    return [{"metric_id": k[0], "start": k[1], "count": c[0], "sum": c[1], "min": c[2],
             "max": c[3]} for k, c in sorted(folded.items())]


def upsert(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Add the rows to the stored rollups (insert, or merge into an existing minute)."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect in ("mysql", "mariadb"):
        stmt: Any = mysql.insert(R)
        new = stmt.inserted
        stmt = stmt.on_duplicate_key_update(
            count=R.c.count + new["count"], sum=R.c.sum + new["sum"],
            min=sa.func.least(R.c.min, new["min"]), max=sa.func.greatest(R.c.max, new["max"]))
    else:
        module: Any = postgresql if dialect == "postgresql" else sqlite
        lower: Callable[..., Any] = sa.func.least if dialect == "postgresql" else sa.func.min
        upper: Callable[..., Any] = sa.func.greatest if dialect == "postgresql" else sa.func.max
        stmt = module.insert(R)
        new = stmt.excluded
        stmt = stmt.on_conflict_do_update(index_elements=[R.c.metric_id, R.c.start], set_={
            "count": R.c.count + new["count"], "sum": R.c.sum + new["sum"],
            "min": lower(R.c.min, new["min"]), "max": upper(R.c.max, new["max"])})
    conn.execute(stmt, rows)


def signal(conn: sa.Connection, measurements: list[Measurement], now_ms: int) -> None:
    """Mark the (tenant, metric name) pairs of a batch as just updated."""
    rows = sorted({(m.metric.tenant_id, m.metric.name) for m in measurements})
    if not rows:
        return
    values = [{"tenant_id": t, "name": n, "updated_at": now_ms} for t, n in rows]
    dialect = conn.dialect.name
    if dialect in ("mysql", "mariadb"):
        stmt: Any = mysql.insert(S)
        stmt = stmt.on_duplicate_key_update(updated_at=stmt.inserted["updated_at"])
    else:
        module: Any = postgresql if dialect == "postgresql" else sqlite
        stmt = module.insert(S)
        stmt = stmt.on_conflict_do_update(index_elements=[S.c.tenant_id, S.c.name],
                                          set_={"updated_at": stmt.excluded["updated_at"]})
    conn.execute(stmt, values)


def split(lo: int, hi: int | None) -> tuple[tuple[int, int | None] | None,
                                            list[tuple[int, int | None]]]:
    """Split [lo, hi) into whole minutes (read from rollups) and the partial minutes at
    its edges (read from measurements): (minutes or None, raw ranges)."""
    first = lo + (-lo) % MINUTE_MS
    last = None if hi is None else hi - hi % MINUTE_MS
    if last is not None and last <= first:
        return None, [(lo, hi)]
    edges: list[tuple[int, int | None]] = [(lo, first)] if first > lo else []
    if last is not None and hi is not None and hi > last:
        edges.append((last, hi))
    return (first, last), edges


def aggregates_select(metric_ids: list[str], minutes: tuple[int, int | None], period: int
                      ) -> sa.Select[Any]:
    """(bucket, count, sum, min, max) per epoch-aligned period from the rollups."""
    first, last = minutes
    bucket = (R.c.start - R.c.start % period).label("bucket")
    stmt = sa.select(bucket, sa.func.sum(R.c.count).label("n"), sa.func.sum(R.c.sum).label("s"),
                     sa.func.min(R.c.min).label("lo"), sa.func.max(R.c.max).label("hi"))
    stmt = stmt.where(R.c.metric_id.in_(metric_ids), R.c.start >= first)
    if last is not None:
        stmt = stmt.where(R.c.start < last)
    return stmt.group_by(sa.literal_column("bucket"))
