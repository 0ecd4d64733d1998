"""The metric store on SQLAlchemy: ingest in batches, reads and statistics in SQL."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from alarmapi.metrics.model import (
    STATISTICS,
    Measurement,
    MetricQuery,
    StatisticsRow,
)
from alarmapi.metrics.windows import ThresholdWindow
from alarmapi.storage.models import measurement_table, metric_dimension_table, metric_table
from alarmapi.storage.sql import copy_measurements, rollups
from alarmapi.storage.sql import engine as engines

T = TypeVar("T")
M, D, V = metric_table, metric_dimension_table, measurement_table
_AGGREGATES: dict[str, Callable[[Any], Any]] = {
    "avg": sa.func.avg, "min": sa.func.min, "max": sa.func.max, "sum": sa.func.sum,
    "count": sa.func.count,
}


def _insert_ignoring_duplicates(conn: sa.Connection, table: sa.Table,
                                rows: list[dict[str, Any]]) -> None:
    """INSERT rows whose key may already exist, keeping the existing ones."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    else:
        stmt = table.insert().prefix_with("IGNORE")
    conn.execute(stmt, rows)


def _insert_measurements(conn: sa.Connection, measurements: list[Measurement]) -> None:
    """Bulk insert: COPY on PostgreSQL (in the same transaction; with psycopg 3 or
    psycopg2), executemany elsewhere (PyMySQL folds it into multi-row INSERTs)."""
    copy = copy_measurements.COPIERS.get(conn.dialect.driver) \
        if conn.dialect.name == "postgresql" else None
    if copy is not None:
        copy(conn.connection.driver_connection, measurements)
        return
    conn.execute(V.insert(), [
        {"metric_id": m.metric.id, "timestamp": m.timestamp_ms, "value": m.value,
         "value_meta": m.value_meta} for m in measurements])



class SQLMetricStore:
    """Metric identities, measurements and statistics in the alarm database."""

    def __init__(self, engine: sa.Engine, reader: sa.Engine, known_size: int = 100_000) -> None:
        self.engine, self.reader = engine, reader
        self._known: OrderedDict[str, None] = OrderedDict()
        self._known_size = known_size
        self._lock = threading.Lock()

    def _read(self, work: Callable[[sa.Connection], T]) -> T:
        return engines.run(self.reader.connect, work)

    # Writes

    def _unknown(self, measurements: Iterable[Measurement]) -> dict[str, Measurement]:
        with self._lock:
            return {m.metric.id: m for m in measurements if m.metric.id not in self._known}

    def _remember(self, ids: Iterable[str]) -> None:
        with self._lock:
            for metric_id in ids:
                self._known[metric_id] = None
            while len(self._known) > self._known_size:
                self._known.popitem(last=False)

    def ingest(self, measurements: list[Measurement], received_ms: int) -> int:
        """Store a batch in one transaction: new metric identities, then the values;
        their metrics are signalled as updated at ``received_ms``."""
        new = self._unknown(measurements)

        def work(conn: sa.Connection) -> int:
            _insert_ignoring_duplicates(conn, M, [
                {"id": mid, "tenant_id": m.metric.tenant_id, "name": m.metric.name,
                 "dimensions": m.metric.dimensions} for mid, m in new.items()])
            _insert_ignoring_duplicates(conn, D, [
                {"metric_id": mid, "tenant_id": m.metric.tenant_id, "name": k, "value": v}
                for mid, m in new.items() for k, v in m.metric.dimensions.items()])
            _insert_measurements(conn, measurements)
            rollups.upsert(conn, rollups.minute_rows(measurements))
            rollups.signal(conn, measurements, received_ms)
            return len(measurements)

        count = engines.run(self.engine.begin, work)
        self._remember(new)
        return count

    # Metric identities

    @staticmethod
    def _matching(query: MetricQuery) -> sa.Select[Any]:
        stmt = sa.select(M.c.id, M.c.name, M.c.dimensions).where(
            M.c.tenant_id == query.tenant_id)
        if query.name is not None:
            stmt = stmt.where(M.c.name == query.name)
        for dimension in query.dimensions:
            having = sa.select(D.c.metric_id).where(
                D.c.tenant_id == query.tenant_id, D.c.name == dimension.key)
            if dimension.values:
                having = having.where(D.c.value.in_(dimension.values))
            stmt = stmt.where(M.c.id.in_(having))
        return stmt

    def find_metrics(self, query: MetricQuery, start_ms: int | None = None,
                     end_ms: int | None = None, offset: str | None = None,
                     limit: int | None = None) -> list[tuple[str, str, dict[str, str]]]:
        """(id, name, dimensions) of the matching metrics, by id; with a window only
        those that have measurements in it."""
        stmt = self._matching(query)
        if start_ms is not None or end_ms is not None:
            inside = sa.select(V.c.id).where(V.c.metric_id == M.c.id)
            if start_ms is not None:
                inside = inside.where(V.c.timestamp >= start_ms)
            if end_ms is not None:
                inside = inside.where(V.c.timestamp <= end_ms)
            stmt = stmt.where(inside.exists())
        if offset:
            stmt = stmt.where(M.c.id > offset)
        stmt = stmt.order_by(M.c.id)
        if limit:
            stmt = stmt.limit(limit)
        return self._read(lambda conn: [(r.id, r.name, r.dimensions) for r in conn.execute(stmt)])

    def _distinct_page(self, stmt: sa.Select[Any], column: sa.Column[Any],
                       offset: str | None, limit: int | None) -> list[str]:
        """Distinct values of ``column`` in ``stmt``, sorted, after ``offset``."""
        stmt = stmt.with_only_columns(column).distinct()
        if offset:
            stmt = stmt.where(column > offset)
        stmt = stmt.order_by(column)
        if limit:
            stmt = stmt.limit(limit)
        return self._read(lambda conn: [row[0] for row in conn.execute(stmt)])

    def metric_names(self, query: MetricQuery, offset: str | None, limit: int | None
                     ) -> list[str]:
        """Distinct names of the matching metrics, sorted."""
        return self._distinct_page(self._matching(query), M.c.name, offset, limit)

    def dimension_names(self, query: MetricQuery, offset: str | None, limit: int | None
                        ) -> list[str]:
        """Distinct dimension keys of the matching metrics, sorted."""
        ids = self._matching(query).with_only_columns(M.c.id)
        return self._distinct_page(sa.select(D).where(D.c.metric_id.in_(ids)), D.c.name,
                                   offset, limit)

    def dimension_values(self, query: MetricQuery, dimension: str, offset: str | None,
                         limit: int | None) -> list[str]:
        """Distinct values of one dimension key among the matching metrics, sorted."""
        ids = self._matching(query).with_only_columns(M.c.id)
        stmt = sa.select(D).where(D.c.metric_id.in_(ids), D.c.name == dimension)
        return self._distinct_page(stmt, D.c.value, offset, limit)

    # Values

    @staticmethod
    def _window(stmt: sa.Select[Any], metric_ids: list[str], start_ms: int,
                end_ms: int | None) -> sa.Select[Any]:
        stmt = stmt.where(V.c.metric_id.in_(metric_ids), V.c.timestamp >= start_ms)
        if end_ms is not None:
            stmt = stmt.where(V.c.timestamp <= end_ms)
        return stmt

    def measurements(self, metric_ids: list[str], start_ms: int, end_ms: int | None,
                     after: tuple[int, int] | None = None, limit: int | None = None
                     ) -> list[tuple[int, int, float, Any]]:
        """(id, timestamp ms, value, value_meta) in time order, after (ts, id) if given."""
        stmt = self._window(
            sa.select(V.c.id, V.c.timestamp, V.c.value, V.c.value_meta), metric_ids,
            start_ms, end_ms)
        if after is not None:
            ts, last_id = after
            stmt = stmt.where(sa.or_(V.c.timestamp > ts,
                                     sa.and_(V.c.timestamp == ts, V.c.id > last_id)))
        stmt = stmt.order_by(V.c.timestamp, V.c.id)
        if limit:
            stmt = stmt.limit(limit)
        return self._read(lambda conn: [
            (r.id, r.timestamp, r.value, r.value_meta) for r in conn.execute(stmt)])

    def statistics(self, metric_ids: list[str], statistics: list[str], start_ms: int,
                   end_ms: int | None, period_s: int, after_ms: int | None = None,
                   limit: int | None = None) -> list[StatisticsRow]:
        """Per-period statistics computed by the database, periods aligned to the epoch
        (as Monasca's GROUP BY time does). With periods of whole minutes the whole
        minutes come from the rollups and only the partial minutes at the edges from
        the measurements; the parts are merged per period."""
        period = period_s * 1000
        lo = start_ms if after_ms is None else max(start_ms, after_ms + period)
        hi = None if end_ms is None else end_ms + 1
        minutes, raw = rollups.split(lo, hi) if period % 60_000 == 0 else (None, [(lo, hi)])

        def work(conn: sa.Connection) -> dict[int, list[float]]:
            cells: dict[int, list[float]] = {}
            queries = [self._raw_aggregates(metric_ids, a, b, period) for a, b in raw]
            if minutes is not None:
                queries.append(rollups.aggregates_select(metric_ids, minutes, period))
            for query in queries:
                for row in conn.execute(query):
                    if not row.n:
                        continue
                    low, high = float(row.lo), float(row.hi)
                    cell = cells.setdefault(int(row.bucket), [0.0, 0.0, low, high])
                    cell[0] += float(row.n)  # SUM of a count is a DECIMAL on some backends
                    cell[1] += float(row.s)
                    cell[2], cell[3] = min(cell[2], low), max(cell[3], high)
            return cells

        cells = self._read(work)
        rows = []
        for bucket in sorted(cells)[:limit] if limit else sorted(cells):
            n, total, low, high = cells[bucket]
            every = {"avg": total / n, "min": low, "max": high, "sum": total, "count": n}
            rows.append(StatisticsRow(bucket, {k: float(every[k]) for k in statistics}))
        return rows

    @staticmethod
    def _raw_aggregates(metric_ids: list[str], lo: int, hi: int | None, period: int
                        ) -> sa.Select[Any]:
        bucket = (V.c.timestamp - V.c.timestamp % period).label("bucket")
        stmt = sa.select(bucket, sa.func.count(V.c.value).label("n"),
                         sa.func.sum(V.c.value).label("s"), sa.func.min(V.c.value).label("lo"),
                         sa.func.max(V.c.value).label("hi"))
        stmt = stmt.where(V.c.metric_id.in_(metric_ids), V.c.timestamp >= lo)
        if hi is not None:
            stmt = stmt.where(V.c.timestamp < hi)
        return stmt.group_by(sa.literal_column("bucket"))

    def updated_since(self, since_ms: int) -> tuple[list[tuple[str, str]], int]:
        """(tenant, metric name) pairs that received data after ``since_ms``, and the
        newest update time seen (to pass next time)."""
        stmt = sa.select(rollups.S).where(rollups.S.c.updated_at > since_ms)
        rows = self._read(lambda conn: list(conn.execute(stmt)))
        newest = max((r.updated_at for r in rows), default=since_ms)
        return [(r.tenant_id, r.name) for r in rows], newest

    def window_statistics(self, windows: list[ThresholdWindow]) -> list[list[tuple[int, float]]]:
        """For each window, (period start, statistic) of its periods that have data.

        Few round trips for many rules: the candidate metrics of every (tenant, name)
        in one query (dimension filters matched here), then count/sum/min/max per metric
        and period in one GROUP BY per distinct window shape, merged per rule here.
        """
        if not windows:
            return []
        pairs = sorted({(w.query.tenant_id, w.query.name or "") for w in windows})
        found = self._read(lambda conn: list(conn.execute(
            sa.select(M.c.id, M.c.tenant_id, M.c.name, M.c.dimensions).where(sa.or_(
                *(sa.and_(M.c.tenant_id == t, M.c.name == n) for t, n in pairs))))))
        by_pair: dict[tuple[str, str], list[Any]] = {}
        for row in found:
            by_pair.setdefault((row.tenant_id, row.name), []).append(row)
        members = [[r.id for r in by_pair.get((w.query.tenant_id, w.query.name or ""), [])
                    if _matches(r.dimensions, w.query.dimensions)] for w in windows]
        last = [w.statistic == "last" for w in windows]
        cells = self._window_cells(*_picked(windows, members, [not x for x in last]))
        latest = self._window_latest(*_picked(windows, members, last))
        results = []
        for window, ids in zip(windows, members, strict=True):
            shape = (window.start_ms, window.end_ms, window.period_s)
            if window.statistic == "last":
                newest: dict[int, tuple[int, float]] = {}
                for metric_id in ids:
                    for bucket, seen in latest.get((shape, metric_id), {}).items():
                        newest[bucket] = max(newest.get(bucket, seen), seen)
                results.append([(b, newest[b][1]) for b in sorted(newest)])
                continue
            merged: dict[int, list[float]] = {}
            for metric_id in ids:
                for bucket, (n, total, low, high) in cells.get((shape, metric_id), {}).items():
                    cell = merged.setdefault(bucket, [0.0, 0.0, low, high])
                    cell[0] += n
                    cell[1] += total
                    cell[2], cell[3] = min(cell[2], low), max(cell[3], high)
            results.append([(b, _statistic(window.statistic, merged[b])) for b in sorted(merged)])
        return results

    def _window_latest(self, windows: list[ThresholdWindow], members: list[list[str]]
                       ) -> dict[Any, dict[int, tuple[int, float]]]:
        """(time, value) of the newest measurement per (window shape, metric) and period,
        for the windows that judge the last value."""
        found: dict[Any, dict[int, tuple[int, float]]] = {}
        for (start, end, period_s), chunk in _shape_chunks(windows, members):
            bucket = V.c.timestamp - (V.c.timestamp - start) % (period_s * 1000)
            newest = (sa.select(V.c.metric_id.label("m"), bucket.label("b"),
                                sa.func.max(V.c.timestamp).label("t"))
                      .where(V.c.metric_id.in_(chunk), V.c.timestamp >= start,
                             V.c.timestamp < end)
                      .group_by(V.c.metric_id, sa.literal_column("b"))).subquery()
            stmt = sa.select(newest.c.m, newest.c.b, newest.c.t, V.c.value).join(
                V, sa.and_(V.c.metric_id == newest.c.m, V.c.timestamp == newest.c.t))
            for row in self._read(functools.partial(_all_rows, stmt)):
                cell = found.setdefault(((start, end, period_s), row[0]), {})
                seen = (int(row[2]), float(row[3]))
                cell[int(row[1])] = max(cell.get(int(row[1]), seen), seen)
        return found

    def _window_cells(self, windows: list[ThresholdWindow], members: list[list[str]]
                      ) -> dict[Any, dict[int, tuple[float, float, float, float]]]:
        """count/sum/min/max per (window shape, metric) and period."""
        cells: dict[Any, dict[int, tuple[float, float, float, float]]] = {}
        for (start, end, period_s), chunk in _shape_chunks(windows, members):
            bucket = V.c.timestamp - (V.c.timestamp - start) % (period_s * 1000)
            stmt = (sa.select(V.c.metric_id, bucket.label("bucket"),
                              sa.func.count(V.c.value), sa.func.sum(V.c.value),
                              sa.func.min(V.c.value), sa.func.max(V.c.value))
                    .where(V.c.metric_id.in_(chunk), V.c.timestamp >= start,
                           V.c.timestamp < end)
                    .group_by(V.c.metric_id, sa.literal_column("bucket")))
            rows: list[Any] = self._read(functools.partial(_all_rows, stmt))
            for row in rows:
                cells.setdefault(((start, end, period_s), row[0]), {})[int(row[1])] = (
                    float(row[2]), float(row[3]), float(row[4]), float(row[5]))
        return cells


def _shape_chunks(windows: list[ThresholdWindow], members: list[list[str]]
                  ) -> Iterator[tuple[tuple[int, int, int], list[str]]]:
    """The metrics to read per window shape (start, end, period), in chunks of 1,000 ids:
    windows of one shape share one GROUP BY."""
    shapes: dict[tuple[int, int, int], set[str]] = {}
    for window, ids in zip(windows, members, strict=True):
        shapes.setdefault((window.start_ms, window.end_ms, window.period_s), set()).update(ids)
    for shape, shape_ids in shapes.items():
        ordered = sorted(shape_ids)
        for i in range(0, len(ordered), 1000):
            yield shape, ordered[i:i + 1000]


def _picked(windows: list[ThresholdWindow], members: list[list[str]], keep: list[bool]
            ) -> tuple[list[ThresholdWindow], list[list[str]]]:
    """The windows (and their metrics) that ``keep`` marks."""
    pairs = [(w, m) for w, m, k in zip(windows, members, keep, strict=True) if k]
    return [w for w, _ in pairs], [m for _, m in pairs]


def _all_rows(stmt: sa.Select[Any], conn: sa.Connection) -> list[Any]:
    return list(conn.execute(stmt))


def _matches(dimensions: dict[str, str], filters: list[Any]) -> bool:
    """Whether a metric's dimensions satisfy every filter (key present / value among)."""
    return all(f.key in dimensions and (not f.values or dimensions[f.key] in f.values)
               for f in filters)


def _statistic(name: str, cell: list[float]) -> float:
    count, total, low, high = cell
    return {"avg": total / count, "sum": total, "min": low, "max": high,
            "count": count}[name]


assert set(_AGGREGATES) == set(STATISTICS)
