"""Which series a measurements or statistics read returns: one metric, a merge of all
matched metrics, or one series per group_by group."""

from __future__ import annotations

from typing import Any

from alarmapi.metrics.errors import MetricsError, MultipleMetrics
from alarmapi.metrics.model import DimensionFilter, Series


def _flag(value: str | None, name: str) -> bool:
    if value in (None, "", "false", "False", "0"):
        return False
    if value in ("true", "True", "1"):
        return True
    raise MetricsError(f"{name} must be true or false, not {value!r}")


def build(name: str, filters: list[DimensionFilter], metrics: list[tuple[str, str, Any]],
          merge_metrics: str | None, group_by: str | None) -> list[Series]:
    """Group the matched (id, name, dimensions) metrics into the series to return."""
    merge = _flag(merge_metrics, "merge_metrics")
    if not metrics:
        return []
    if group_by:
        keys = [k.strip() for k in group_by.split(",") if k.strip()]
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for metric_id, _, dimensions in metrics:
            wanted = dimensions if "*" in keys else {
                k: v for k, v in dimensions.items() if k in keys}
            groups.setdefault(tuple(sorted(wanted.items())), []).append(metric_id)
        return [Series(name, dict(key), ids, ids[0] if len(ids) == 1 else ",".join(
            sorted(ids))[:40]) for key, ids in sorted(groups.items())]
    if len(metrics) > 1 and not merge:
        raise MultipleMetrics(len(metrics))
    if len(metrics) == 1:
        metric_id, metric_name, dimensions = metrics[0]
        return [Series(metric_name, dimensions, [metric_id], metric_id)]
    shown = {f.key: f.values[0] for f in filters if len(f.values) == 1}
    return [Series(name, shown, [m[0] for m in metrics], "merged")]
