"""/v2.0/metrics: ingest, metric lookups, measurements and statistics."""

from __future__ import annotations

import json
from typing import Any

import pecan

from alarmapi import clock
from alarmapi.api.v2_0 import series
from alarmapi.api.v2_0.base import context, endpoint, integer, legacy, page, tenant
from alarmapi.metrics import parsing
from alarmapi.metrics.errors import MalformedRequest, MetricsError
from alarmapi.metrics.model import STATISTICS, MetricQuery

DEFAULT_LIMIT = 10_000


def _tenant(ctx: Any, tenant_id: str | None, rule: str) -> str:
    """The caller's tenant, or another one for a caller the policy lets delegate."""
    if tenant_id and tenant_id != ctx.caller.project_id:
        ctx.enforce(rule, {"project_id": tenant_id})
        return tenant_id
    return tenant(ctx)


def _query(ctx: Any, params: dict[str, str], name_key: str = "name") -> MetricQuery:
    tenant = _tenant(ctx, params.get("tenant_id"), "metric_store:get_for_tenant")
    filters = parsing.parse_dimension_filters(params.get("dimensions"))
    return MetricQuery(tenant, params.get(name_key) or None, filters)


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise MetricsError(f"{name} is required")
    return value


def _limit(params: dict[str, str]) -> int:
    return integer(params.get("limit"), "limit") or DEFAULT_LIMIT


class DimensionValuesController:
    """/v2.0/metrics/dimensions/names/values."""

    @endpoint()
    def index(self, **params: str) -> Any:
        """Distinct values of one dimension."""
        ctx = context()
        ctx.enforce("metric_store:get")
        dimension = _required(params, "dimension_name")
        limit = _limit(params)
        values = ctx.storage.metrics.dimension_values(
            _query(ctx, params, "metric_name"), dimension, params.get("offset"), limit + 1)
        more = values[limit - 1] if len(values) > limit else None
        return page([{"dimension_value": v} for v in values[:limit]], more)


class DimensionNamesController:
    """/v2.0/metrics/dimensions/names."""

    values = DimensionValuesController()

    @endpoint()
    def index(self, **params: str) -> Any:
        """Distinct dimension keys."""
        ctx = context()
        ctx.enforce("metric_store:get")
        limit = _limit(params)
        names = ctx.storage.metrics.dimension_names(
            _query(ctx, params, "metric_name"), params.get("offset"), limit + 1)
        more = names[limit - 1] if len(names) > limit else None
        return page([{"dimension_name": n} for n in names[:limit]], more)


class DimensionsController:
    """/v2.0/metrics/dimensions."""

    names = DimensionNamesController()


class NamesController:
    """/v2.0/metrics/names."""

    @endpoint()
    def index(self, **params: str) -> Any:
        """Distinct metric names."""
        ctx = context()
        ctx.enforce("metric_store:get")
        limit = _limit(params)
        query = _query(ctx, params)
        query.name = None
        names = ctx.storage.metrics.metric_names(query, params.get("offset"), limit + 1)
        more = names[limit - 1] if len(names) > limit else None
        return page([{"name": n} for n in names[:limit]], more)


def _matched_series(ctx: Any, params: dict[str, str]) -> tuple[list[Any], int, int | None]:
    query = _query(ctx, params)
    query.name = _required(params, "name")
    start = parsing.parse_time(_required(params, "start_time"), "start_time")
    end = parsing.parse_time(params.get("end_time"), "end_time")
    assert start is not None
    if end is not None and end < start:
        raise MetricsError("end_time is before start_time")
    metrics = ctx.storage.metrics.find_metrics(query)
    group_by = params.get("group_by")
    if legacy() and not group_by and not params.get("merge_metrics"):
        group_by = "*"  # the 2014 API answers one series per metric
    chosen = series.build(query.name, query.dimensions, metrics,
                          params.get("merge_metrics"), group_by)
    return chosen, start, end


class MeasurementsController:
    """/v2.0/metrics/measurements."""

    @endpoint()
    def index(self, **params: str) -> Any:
        """Measurements of the matching metric(s), in time order."""
        ctx = context()
        ctx.enforce("metric_store:get")
        chosen, start, end = _matched_series(ctx, params)
        limit = _limit(params)
        after = None
        if params.get("offset"):
            try:
                ts, last_id = params["offset"].split("_")
                after = (int(ts), int(last_id))
            except ValueError as exc:
                raise MetricsError(f"offset {params['offset']!r} is not valid") from exc
        elements, more = [], None
        for item in chosen:
            rows = ctx.storage.metrics.measurements(item.metric_ids, start, end, after,
                                                    limit + 1)
            if len(rows) > limit:
                rows = rows[:limit]
                more = f"{rows[-1][1]}_{rows[-1][0]}"
            if legacy():  # the 2014 shape: [id, timestamp, value]
                columns = ["id", "timestamp", "value"]
                values = [[mid, parsing.format_time(ts, milliseconds_shown=False), value]
                          for mid, ts, value, _ in rows]
            else:
                columns = ["timestamp", "value", "value_meta"]
                values = [[parsing.format_time(ts), value, meta or {}]
                          for _, ts, value, meta in rows]
            elements.append({"id": item.id, "name": item.name, "dimensions": item.dimensions,
                             "columns": columns, "measurements": values})
        return page(elements, more)


class StatisticsController:
    """/v2.0/metrics/statistics."""

    @endpoint()
    def index(self, **params: str) -> Any:
        """Per-period statistics of the matching metric(s), computed by the database."""
        ctx = context()
        ctx.enforce("metric_store:get")
        names = [s.strip().lower() for s in _required(params, "statistics").split(",")]
        unknown = [n for n in names if n not in STATISTICS]
        if unknown or not names:
            raise MetricsError(f"statistics must be among {', '.join(STATISTICS)}; "
                               f"not {', '.join(unknown)}")
        period = integer(params.get("period"), "period") or 300
        chosen, start, end = _matched_series(ctx, params)
        limit = _limit(params)
        after = parsing.parse_time(params.get("offset"), "offset")
        elements, more = [], None
        for item in chosen:
            rows = ctx.storage.metrics.statistics(item.metric_ids, names, start, end, period,
                                                  after, limit + 1)
            if len(rows) > limit:
                rows = rows[:limit]
                more = parsing.format_time(rows[-1].start_ms)
            elements.append({
                "id": item.id, "name": item.name, "dimensions": item.dimensions,
                "columns": ["timestamp", *names],
                "statistics": [[parsing.format_time(r.start_ms), *(r.values[n] for n in names)]
                               for r in rows],
            })
        return page(elements, more)


class MetricsController:
    """/v2.0/metrics."""

    names = NamesController()
    dimensions = DimensionsController()
    measurements = MeasurementsController()
    statistics = StatisticsController()

    @pecan.expose(content_type="application/json")
    def index(self, **params: str) -> Any:
        """GET lists metrics; POST stores one metric or a list."""
        if pecan.request.method == "POST":
            return self._post(**params)
        return self._list(**params)

    @endpoint(status=204)
    def _post(self, **params: str) -> Any:
        ctx = context()
        ctx.enforce("metric_store:post")
        tenant = _tenant(ctx, params.get("tenant_id"), "metric_store:post_for_tenant")
        try:
            body = json.loads(pecan.request.body or b"null")
        except (ValueError, RecursionError) as exc:
            raise MalformedRequest(f"the body is not valid JSON: {exc}") from exc
        window = parsing.TimeWindow(
            ctx.services.conf.metrics.max_future_seconds * 1000,
            ctx.services.conf.metrics.max_age_seconds * 1000)
        received_ms = clock.now_ms()
        batch = parsing.check_batch(body, tenant, received_ms, window)
        ctx.storage.metrics.ingest(batch, received_ms)
        return None

    @endpoint()
    def _list(self, **params: str) -> Any:
        ctx = context()
        ctx.enforce("metric_store:get")
        limit = _limit(params)
        found = ctx.storage.metrics.find_metrics(
            _query(ctx, params), parsing.parse_time(params.get("start_time"), "start_time"),
            parsing.parse_time(params.get("end_time"), "end_time"), params.get("offset"),
            limit + 1)
        more = found[limit - 1][0] if len(found) > limit else None
        return page([{"id": i, "name": n, "dimensions": d} for i, n, d in found[:limit]],
                    more)
