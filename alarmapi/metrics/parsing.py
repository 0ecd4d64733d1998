"""Validation of posted metrics and parsing of query parameters (Monasca's rules)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import re
from typing import Any

from alarmapi.metrics.errors import MetricsError
from alarmapi.metrics.model import DimensionFilter, Measurement, Metric

#: Characters Monasca refuses in metric names and dimension keys and values.
_FORBIDDEN = re.compile(r"[<>={}(),'\"\\;&\x00-\x1f\x7f]")
MAX_LENGTH = 255
MAX_VALUE_META = 16
MAX_VALUE_META_JSON = 2048
#: Below this a timestamp is seconds (the 2014 client sends time.time()), above it
#: milliseconds: 1e11 s is the year 5138, 1e11 ms is March 1973.
SECONDS_LIMIT = 1e11


@dataclasses.dataclass(frozen=True)
class TimeWindow:
    """How far from now a posted timestamp may be."""

    max_future_ms: int = 600_000
    max_age_ms: int = 14 * 86_400_000


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise MetricsError(f"{what} must be a non-empty string, not {value!r}")
    if len(value) > MAX_LENGTH:
        raise MetricsError(f"{what} {value[:40]!r}... is longer than {MAX_LENGTH} characters")
    if _FORBIDDEN.search(value):
        raise MetricsError(f"{what} {value!r} has a character that is not allowed "
                           "(any of < > = { } ( ) , ' \" \\ ; & or a control character)")
    return value


def check_dimensions(value: Any) -> dict[str, str]:
    """Dimension keys and values: non-empty, at most 255 characters, no special ones."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MetricsError(f"dimensions must be an object, not {type(value).__name__}")
    result = {}
    for key, item in value.items():
        _text(key, "dimension key")
        if key.startswith("_"):
            raise MetricsError(f"dimension key {key!r} may not start with '_'")
        result[key] = _text(item, f"value of dimension {key!r}")
    return result


def to_milliseconds(value: Any) -> int:
    """A posted timestamp: milliseconds, or seconds (float) from older clients."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise MetricsError(f"timestamp must be a number (milliseconds since the epoch), "
                           f"not {value!r}")
    return int(round(value * 1000)) if abs(value) < SECONDS_LIMIT else int(value)


def _value_meta(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MetricsError(f"value_meta must be an object, not {type(value).__name__}")
    if len(value) > MAX_VALUE_META:
        raise MetricsError(f"value_meta has {len(value)} entries; at most {MAX_VALUE_META}")
    for key in value:
        if not isinstance(key, str) or not key or len(key) > MAX_LENGTH:
            raise MetricsError(f"value_meta key {key!r} must be 1 to {MAX_LENGTH} characters")
    if len(json.dumps(value)) > MAX_VALUE_META_JSON:
        raise MetricsError(f"value_meta is longer than {MAX_VALUE_META_JSON} characters")
    return value


def check_measurement(item: Any, tenant_id: str, now_ms: int, window: TimeWindow,
                      metrics: dict[Any, Metric] | None = None) -> Measurement:
    """One posted metric, checked; raise MetricsError naming what is wrong."""
    if not isinstance(item, dict):
        raise MetricsError(f"a metric must be an object, not {type(item).__name__}")
    unknown = set(item) - {"name", "dimensions", "timestamp", "value", "value_meta"}
    if unknown:
        raise MetricsError(f"unknown field(s) {sorted(unknown)}")
    for field in ("name", "timestamp", "value"):
        if field not in item:
            raise MetricsError(f"field {field} is missing")
    name = _text(item["name"], "metric name")
    dimensions = check_dimensions(item.get("dimensions"))
    timestamp = to_milliseconds(item["timestamp"])
    if timestamp > now_ms + window.max_future_ms:
        raise MetricsError(f"timestamp {timestamp} is more than "
                           f"{window.max_future_ms // 1000} s in the future")
    if timestamp < now_ms - window.max_age_ms:
        raise MetricsError(f"timestamp {timestamp} is more than "
                           f"{window.max_age_ms // 1000} s in the past")
    value = item["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value):
        raise MetricsError(f"value must be a finite number, not {value!r}")
    key = (name, tuple(sorted(dimensions.items())))
    metric = metrics.get(key) if metrics is not None else None
    if metric is None:
        metric = Metric(tenant_id, name, dimensions)
        if metrics is not None:
            metrics[key] = metric
    return Measurement(metric, timestamp, float(value), _value_meta(item.get("value_meta")))


def check_batch(body: Any, tenant_id: str, now_ms: int, window: TimeWindow
                ) -> list[Measurement]:
    """A posted metric or list of metrics; the first bad one refuses the whole batch."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise MetricsError("no metrics in the request")
    result = []
    metrics: dict[Any, Metric] = {}  # one Metric (and one identity hash) per series
    for index, item in enumerate(items):
        try:
            result.append(check_measurement(item, tenant_id, now_ms, window, metrics))
        except MetricsError as exc:
            where = f"metric {index}: " if isinstance(body, list) else ""
            raise MetricsError(where + exc.message) from exc
    return result


def parse_dimension_filters(text: str | None) -> list[DimensionFilter]:
    """``key:value,key2:v1|v2,key3`` into filters (key3: the key is present)."""
    if not text:
        return []
    filters = []
    for part in text.split(","):
        key, _, values = part.partition(":")
        key = key.strip()
        if not key:
            raise MetricsError(f"dimension filter {part!r} has no key")
        choices = tuple(v.strip() for v in values.split("|")) if values else ()
        filters.append(DimensionFilter(_text(key, "dimension key"), choices))
    return filters


def parse_time(text: str | None, what: str) -> int | None:
    """An ISO 8601 time (UTC unless it says otherwise) in milliseconds."""
    if text is None or text == "":
        return None
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MetricsError(f"{what} {text!r} is not an ISO 8601 time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return int(parsed.timestamp() * 1000)


def format_time(milliseconds: int, *, milliseconds_shown: bool = True) -> str:
    """Milliseconds as Monasca writes times: ``2014-07-18T03:24:25.123Z`` (the 2014
    API: ``2014-07-18T03:24:25Z``)."""
    moment = datetime.datetime.fromtimestamp(milliseconds / 1000, datetime.UTC)
    if not milliseconds_shown:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
