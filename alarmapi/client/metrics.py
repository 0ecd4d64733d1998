"""/v2.0/metrics: ingest, metric lookups, measurements and statistics."""

from __future__ import annotations

from typing import Any

from alarmapi import clock
from alarmapi.client.base import Manager, dimensions_text


class MetricsManager(Manager):
    """The metric store (Monasca's metrics API)."""

    path = "/v2.0/metrics"

    def create(self, name: str | None = None, value: float | None = None,
               dimensions: dict[str, str] | None = None, timestamp: float | None = None,
               value_meta: dict[str, str] | None = None, tenant_id: str | None = None,
               jsonbody: Any = None) -> None:
        """Post one measurement (timestamp in seconds or milliseconds, now by default),
        or ``jsonbody``: a metric or list of metrics as the API takes them."""
        if jsonbody is None:
            if name is None or value is None:
                raise TypeError("name and value are required without jsonbody")
            stamp = clock.epoch_s() if timestamp is None else timestamp
            jsonbody = {"name": name, "dimensions": dimensions or {}, "value": value,
                        "timestamp": int(stamp * 1000) if stamp < 1e11 else int(stamp)}
            if value_meta:
                jsonbody["value_meta"] = value_meta
        self.http.post(self.path, jsonbody, {"tenant_id": tenant_id} if tenant_id else None)

    def list(self, name: str | None = None, dimensions: dict[str, str] | None = None,
             limit: int | None = None, **params: Any) -> Any:
        """Metrics (name and dimensions) of the tenant."""
        return self._elements(self.path, {"name": name,
                                          "dimensions": dimensions_text(dimensions),
                                          **params}, limit)

    def names(self, dimensions: dict[str, str] | None = None) -> Any:
        """The distinct metric names."""
        return self._elements(f"{self.path}/names",
                              {"dimensions": dimensions_text(dimensions)})

    def measurements(self, name: str, start_time: str, end_time: str | None = None,
                     dimensions: dict[str, str] | None = None, merge_metrics: bool = False,
                     group_by: str | None = None, limit: int | None = None,
                     **params: Any) -> Any:
        """Measurements of the matching metrics since ``start_time`` (ISO 8601)."""
        return self._elements(f"{self.path}/measurements", {
            "name": name, "start_time": start_time, "end_time": end_time,
            "dimensions": dimensions_text(dimensions),
            "merge_metrics": "true" if merge_metrics else None, "group_by": group_by,
            **params}, limit)

    def statistics(self, name: str, statistics: str, start_time: str,
                   end_time: str | None = None, period: int | None = None,
                   dimensions: dict[str, str] | None = None, merge_metrics: bool = False,
                   group_by: str | None = None, **params: Any) -> Any:
        """Per-period statistics (avg, min, max, sum, count: comma separated)."""
        return self._elements(f"{self.path}/statistics", {
            "name": name, "statistics": statistics, "start_time": start_time,
            "end_time": end_time, "period": period,
            "dimensions": dimensions_text(dimensions),
            "merge_metrics": "true" if merge_metrics else None, "group_by": group_by,
            **params})
