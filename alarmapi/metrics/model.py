"""Metric store domain types: metric identity, measurement, series and statistics."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from typing import Any

#: The statistics the store computes, in the order Monasca lists them.
STATISTICS = ("avg", "min", "max", "sum", "count")
#: What a threshold rule may judge per period: the statistics, and the period's last
#: value (Monasca's ``last`` function).
RULE_STATISTICS = (*STATISTICS, "last")


def metric_id(tenant_id: str, name: str, dimensions: dict[str, str]) -> str:
    """The stable identity of a metric: a hash of tenant, name and sorted dimensions."""
    canonical = json.dumps([tenant_id, name, sorted(dimensions.items())], separators=(",", ":"))
    return hashlib.sha1(canonical.encode()).hexdigest()


@dataclasses.dataclass(frozen=True, eq=False)
class Metric:
    """A metric: a name and dimensions within a tenant."""

    tenant_id: str
    name: str
    dimensions: dict[str, str]

    @functools.cached_property
    def id(self) -> str:
        """The metric's identity hash (computed once per object)."""
        return metric_id(self.tenant_id, self.name, self.dimensions)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Metric) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One value of a metric at a time (milliseconds since the epoch, UTC)."""

    metric: Metric
    timestamp_ms: int
    value: float
    value_meta: dict[str, Any] | None = None


@dataclasses.dataclass(frozen=True)
class DimensionFilter:
    """``key`` present (values empty) or equal to one of ``values``."""

    key: str
    values: tuple[str, ...] = ()


@dataclasses.dataclass
class MetricQuery:
    """Which metrics of a tenant a read is about."""

    tenant_id: str
    name: str | None = None
    dimensions: list[DimensionFilter] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Series:
    """Metrics read together: one metric, a merge of several, or a group_by group."""

    name: str
    dimensions: dict[str, str]
    metric_ids: list[str]
    id: str


@dataclasses.dataclass
class StatisticsRow:
    """The statistics of one period, starting at ``start_ms``."""

    start_ms: int
    values: dict[str, float]
