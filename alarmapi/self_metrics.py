"""How the service itself is doing, in Prometheus exposition (prometheus-client): API
requests, evaluations, deliveries, the outbox and the listener.

Every metric is defined here once. The API serves them at ``/metrics`` (no project's data
is in them: no project or alarm labels). Under gunicorn, or with several daemons on one
host, set ``PROMETHEUS_MULTIPROC_DIR`` to a directory that every process writes to
(prometheus-client's multiprocess mode), and ``/metrics`` sums all of them. Each daemon
can also serve its own on ``[self_metrics] port``.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import prometheus_client
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from alarmapi import clock

REQUESTS = prometheus_client.Counter(
    "alarmapi_http_requests", "API requests by route, method and status.",
    ["route", "method", "status"])
LATENCY = prometheus_client.Histogram(
    "alarmapi_http_request_duration_seconds", "API request latency by route and method.",
    ["route", "method"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
EVALUATIONS = prometheus_client.Counter(
    "alarmapi_evaluations", "Alarm evaluations by outcome (evaluated, skipped, failed, "
    "source_error: the data could not be read).", ["outcome"])
TRANSITIONS = prometheus_client.Counter(
    "alarmapi_transitions", "State transitions recorded, by who made them.", ["by"])
CYCLE = prometheus_client.Histogram(
    "alarmapi_evaluation_cycle_duration_seconds", "Wall time of an evaluation cycle.",
    buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300))
CYCLE_LAG = prometheus_client.Gauge(
    "alarmapi_evaluation_cycle_lag_seconds", "How late the last evaluation cycle started "
    "after its due time.", multiprocess_mode="livemax")
DELIVERIES = prometheus_client.Counter(
    "alarmapi_deliveries", "Delivery attempts by outcome (delivered, retried, failed, "
    "cancelled, silenced).", ["outcome"])
LISTENER_EVENTS = prometheus_client.Counter(
    "alarmapi_listener_events", "Events the listener handled, by outcome (judged, invalid, "
    "duplicate).", ["outcome"])

#: Path segments that name a route (anything else in a path is an id).
_WORDS = frozenset({
    "v2", "v2.0", "alarms", "history", "state", "deliveries", "capabilities", "query",
    "quotas", "metrics", "measurements", "statistics", "names", "dimensions", "values",
    "notification-methods", "types", "silences", "alarm-definitions", "healthcheck",
    "expire", "count", "backtest", "console", "static", "vendor", "signin"})


def route_of(path: str) -> str:
    """The route of a request path, its ids replaced by ``{id}`` (bounded label values)."""
    return "/" + "/".join(p if p in _WORDS else "{id}" for p in path.split("/") if p)


class RequestMetrics:
    """WSGI middleware counting each request and timing it until its body is sent."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        started = time.perf_counter()
        route = route_of(environ.get("PATH_INFO", "/"))
        method = environ.get("REQUEST_METHOD", "GET")
        status = ["500"]

        def recording(code: str, headers: Any, exc_info: Any = None) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, exc_info)

        body = self.app(environ, recording)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            REQUESTS.labels(route, method, status[0]).inc()
            LATENCY.labels(route, method).observe(time.perf_counter() - started)


class OutboxCollector(Collector):
    """The outbox's depth and the age of its oldest pending delivery, read from the
    database at each scrape (so every process reports the same)."""

    def __init__(self, backlog: Callable[[], tuple[int, datetime.datetime | None]]) -> None:
        self.backlog = backlog

    def collect(self) -> Iterable[GaugeMetricFamily]:
        count, oldest = self.backlog()
        now = clock.utcnow()
        yield GaugeMetricFamily("alarmapi_outbox_pending", "Deliveries waiting in the "
                                "outbox.", value=count)
        yield GaugeMetricFamily("alarmapi_outbox_oldest_pending_age_seconds", "Age of the "
                                "oldest pending delivery's transition (0: none pending).",
                                value=(now - oldest).total_seconds() if oldest else 0.0)


def exposition(extra: Iterable[Collector] = ()) -> tuple[bytes, str]:
    """The metrics document and its content type: this process's metrics, or every
    process's under PROMETHEUS_MULTIPROC_DIR, plus ``extra`` collectors."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.CollectorRegistry()
        registry.register(_Default())
    for collector in extra:
        registry.register(collector)
    return prometheus_client.generate_latest(registry), prometheus_client.CONTENT_TYPE_LATEST


class _Default(Collector):
    """The process's default registry (process and Python collectors included)."""

    def collect(self) -> Iterable[Any]:
        return prometheus_client.REGISTRY.collect()


def count_evaluations(report: Any) -> None:
    """Count what evaluations did (alarmapi.evaluator.service.CycleReport), in a cycle or
    for the alarms whose metric just received data."""
    for outcome, value in (("evaluated", report.evaluated), ("skipped", report.skipped),
                           ("failed", report.failed), ("source_error", report.source_errors)):
        EVALUATIONS.labels(outcome).inc(value)


def count_events(report: Any) -> None:
    """Count what the listener did with a batch (alarmapi.listener.service.ListenerReport)."""
    for outcome, value in (("judged", report.events), ("invalid", report.invalid),
                           ("duplicate", report.duplicates)):
        LISTENER_EVENTS.labels(outcome).inc(value)


def count_transitions(by: str, count: int) -> None:
    """Count the transitions the storage's recorder wrote (``by``: evaluator, listener,
    api): every writer's transitions are counted where they are recorded."""
    if count > 0:
        TRANSITIONS.labels(by).inc(count)


def serve(conf: Any) -> None:
    """Serve this daemon's metrics on ``[self_metrics] host:port`` when a port is set."""
    if conf.self_metrics.port:
        prometheus_client.start_http_server(conf.self_metrics.port, conf.self_metrics.host)
