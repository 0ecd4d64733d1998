"""One evaluation cycle: read due alarms in batches, judge them, persist transitions.

The only module of the evaluator with side effects: verdicts come from the pure
threshold/composite modules; each transition, its history record and its notification
are written in one transaction, compare-and-swap on the state read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from alarmapi import (
    clock,
    model,
    rule_kinds,
    rule_shapes,
    rule_types,
    stored_alarm,
    time_constraints,
)
from alarmapi.evaluator import composite
from alarmapi.evaluator.changes import state_change
from alarmapi.evaluator.event_timeouts import EventTimeoutSource
from alarmapi.evaluator.outcome import Evaluation, decide
from alarmapi.evaluator.partition import Everything, Partition
from alarmapi.evaluator.sources import Leaf, Source, Sources, registered
from alarmapi.evaluator.store import StoreSource
from alarmapi.evaluator.verdict import judge
from alarmapi.rule_shapes import UnusableRule
from alarmapi.storage import Connection
from alarmapi.storage.base import StateChange
from alarmapi.stored_alarm import UnusableAlarm

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class CycleReport:
    """What one cycle did."""

    evaluated: int = 0
    skipped: int = 0
    transitions: int = 0
    failed: int = 0
    lost_races: int = 0
    #: Alarms left in their state because their data could not be read.
    source_errors: int = 0
    #: Requests each data source sent its backend, by source name (every registered
    #: source in a cycle's report, 0 when it sent none or is not configured).
    requests: dict[str, int] = dataclasses.field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        """``<source>_requests``: the requests of one source (0 when it sent none)."""
        if name.endswith("_requests"):
            return self.requests.get(name.removesuffix("_requests"), 0)
        raise AttributeError(name)

    def record(self) -> dict[str, int]:
        """The report as one flat record: the counts, and ``<source>_requests`` for
        each source."""
        counts = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                  if f.name != "requests"}
        return {**counts, **{f"{name}_requests": n for name, n in self.requests.items()}}


class Evaluator:
    """Evaluates the alarms of the types it knows; one cycle per call of run_cycle."""

    def __init__(self, storage: Connection, *, clock: Callable[[], datetime.datetime] =
                 clock.utcnow, ingestion_lag_s: int = 0, batch_size: int = 500,
                 sources: Iterable[Source] = (),
                 partition: Partition | None = None) -> None:
        """``sources``: the data sources besides the built-in ones (the metric store,
        event timeouts), which are added when not given."""
        self.storage = storage
        given = list(sources)
        if not any(rule_types.THRESHOLD in s.rule_types for s in given):
            given.append(StoreSource(storage.metrics, ingestion_lag_s))
        if not any(rule_types.EVENT in s.rule_types for s in given):
            given.append(EventTimeoutSource())
        self.sources = Sources(given)
        self.partition = partition or Everything()
        self._last_signalled: dict[str, float] = {}
        self.clock = clock
        self.lag_ms = ingestion_lag_s * 1000
        self.batch_size = batch_size

    def run_cycle(self, between_batches: Callable[[], None] | None = None) -> CycleReport:
        """Evaluate every due alarm once; ``between_batches`` runs after each batch (the
        daemon serves metric signals there, so a long cycle does not delay them)."""
        report = CycleReport()
        self.partition.refresh()
        self.sources.begin_cycle()
        requests_before = self.sources.requests()
        now = self.clock()
        after = None
        while True:
            batch = self.storage.evaluable_alarms(rule_kinds.EVALUATED_TYPES, after,
                                                  self.batch_size)
            if not batch:
                break
            after = batch[-1].alarm_id
            self._run_batch(batch, now, report)
            if len(batch) < self.batch_size:
                break
            if between_batches is not None:
                between_batches()
        report.requests = dict.fromkeys(sorted(registered()), 0)
        for name, count in self.sources.requests().items():
            report.requests[name] = count - requests_before.get(name, 0)
        return report

    def run_signalled(self, since_ms: int, min_gap_s: float = 1.0) -> tuple[CycleReport, int]:
        """Re-judge now the threshold alarms, and the composite alarms with a threshold
        leaf, whose metric received data after ``since_ms`` (each alarm at most once per
        ``min_gap_s``); return the report and the ``since_ms`` to pass next time."""
        report = CycleReport()
        signals, newest = self.storage.metrics.updated_since(since_ms)
        if not signals:
            return report, newest
        wanted = set(signals)
        projects = sorted({tenant for tenant, _ in signals})
        candidates = self.storage.evaluable_alarms(
            (rule_types.THRESHOLD, rule_types.COMPOSITE), None, 100_000, projects)
        clock = time.monotonic()
        chosen = []
        for alarm in candidates:
            try:
                read = _meters_read(alarm)
            except Exception:  # judged (and failing alone) in the next cycle
                LOG.warning("the meters of alarm %s cannot be read", alarm.alarm_id,
                            exc_info=True)
                continue
            if not wanted.intersection(read):
                continue
            if clock - self._last_signalled.get(alarm.alarm_id, -min_gap_s) < min_gap_s:
                continue
            self._last_signalled[alarm.alarm_id] = clock
            chosen.append(alarm)
        if chosen:
            self._run_batch(chosen, self.clock(), report)
        return report, newest

    def _run_batch(self, batch: list[model.Alarm], now: datetime.datetime,
                   report: CycleReport) -> None:
        """Judge a batch. Everything computed from one stored alarm (its time
        constraints, rule, actions, silences, the records of its transition) runs in
        that alarm's own guard: an alarm that fails is marked alone."""
        mine = [a for a in batch if self.partition.owns(a.alarm_id)]
        errors: dict[str, str | None] = {}
        due: list[model.Alarm] = []
        skipped: list[model.Alarm] = []
        for alarm in mine:
            with self._guard(alarm, report, errors):
                stored_alarm.check(alarm)
                active = time_constraints.any_active(alarm.time_constraints, now)
                (due if active else skipped).append(alarm)
        report.skipped += len(skipped)
        self.sources.prefetch(self._certain_leaves(due), now)
        transitions = []
        for alarm in due:
            with self._guard(alarm, report, errors):
                verdict = self._verdict(alarm, now)
                report.evaluated += 1
                if verdict.error is not None:
                    report.source_errors += 1
                    errors[alarm.alarm_id] = verdict.error
                    LOG.warning("alarm %s keeps its state: %s", alarm.alarm_id,
                                verdict.error)
                transition = decide(alarm.state, verdict, alarm.repeat_actions)
                if transition is not None:
                    transitions.append((alarm, transition))
        changes = []
        for alarm, transition in transitions:
            with self._guard(alarm, report, errors):
                changes.append(state_change(alarm, transition, now))
        self._persist_all(changes, report)
        self.storage.mark_evaluated([a.alarm_id for a in due], now,
                                    [a.alarm_id for a in skipped])
        outside = {a.alarm_id for a in skipped}  # not judged: their error stays
        self.storage.record_evaluation_errors({
            alarm.alarm_id: errors.get(alarm.alarm_id) for alarm in mine
            if alarm.alarm_id not in outside
            and errors.get(alarm.alarm_id) != alarm.evaluation_error})

    @staticmethod
    @contextlib.contextmanager
    def _guard(alarm: model.Alarm, report: CycleReport, errors: dict[str, str | None]
               ) -> Iterator[None]:
        """One alarm's work: a failure is counted, logged with the alarm's id and kept
        as its ``evaluation_error``; the rest of the batch goes on."""
        try:
            yield
        except UnusableRule as exc:  # stored before its shape was checked
            report.failed += 1
            errors[alarm.alarm_id] = _clipped(f"the rule cannot be evaluated: {exc.message}")
            LOG.warning("alarm %s cannot be evaluated: %s", alarm.alarm_id, exc.message)
        except (UnusableAlarm, time_constraints.InvalidTimeConstraint) as exc:
            report.failed += 1
            errors[alarm.alarm_id] = _clipped(f"the alarm cannot be evaluated: {exc.message}")
            LOG.warning("alarm %s cannot be evaluated: %s", alarm.alarm_id, exc.message)
        except Exception as exc:  # one bad alarm never stops a cycle
            report.failed += 1
            errors[alarm.alarm_id] = f"the evaluation failed: {type(exc).__name__}"
            LOG.exception("evaluation of alarm %s failed", alarm.alarm_id)

    def _persist_all(self, changes: list[StateChange], report: CycleReport) -> None:
        """A batch's transitions in one transaction; one by one if that fails, so
        one bad record never loses the others."""
        try:
            results = self.storage.record_transitions(changes)
        except Exception:
            LOG.exception("recording %d transitions together failed; one by one now",
                          len(changes))
            results = []
            for change in changes:
                try:
                    results.append(self.storage.record_transitions([change])[0])
                except Exception:
                    report.failed += 1
                    LOG.exception("recording the transition of %s failed",
                                  change.alarm.alarm_id)
        report.transitions += sum(results)
        report.lost_races += len(results) - sum(results)

    def close(self) -> None:
        """Release the sources' threads and connections."""
        self.sources.close()

    @staticmethod
    def _certain_leaves(alarms: list[model.Alarm]) -> Iterator[Leaf]:
        """The reads a batch certainly makes: each plain rule and the first leaf of each
        composite (the later leaves are read only when still needed)."""
        for alarm in alarms:
            if alarm.type != rule_types.COMPOSITE:
                yield Leaf(alarm, alarm.type, alarm.rule)
                continue
            leaf = composite.first_leaf(alarm.rule)
            if leaf is not None:
                yield Leaf(alarm, str(leaf.get("type")), leaf)

    def _verdict(self, alarm: model.Alarm, now: datetime.datetime) -> Evaluation:
        return judge(self.sources, alarm, now)


def _clipped(error: str) -> str:
    return error[:model.MAX_EVALUATION_ERROR]


def _meters_read(alarm: model.Alarm) -> set[tuple[str | None, str]]:
    """The (project, meter) pairs of the metric store an alarm's threshold rules read."""
    if alarm.type == rule_types.THRESHOLD:
        nodes: list[Any] = [alarm.rule]
    else:
        nodes = [leaf for leaf in composite.leaves(alarm.rule)
                 if leaf.get("type") == rule_types.THRESHOLD]
    read = set()
    for node in nodes:
        try:
            shape = rule_shapes.ThresholdShape.from_stored(node)
            read.add((shape.tenant(alarm.project_id), shape.meter_name))
        except UnusableRule:
            continue
    return read
