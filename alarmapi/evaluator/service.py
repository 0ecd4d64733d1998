"""One evaluation cycle: read due alarms in batches, judge them, persist transitions.

The only module of the evaluator with side effects: verdicts come from the pure
threshold/composite modules; each transition, its history record and its notification
are written in one transaction, compare-and-swap on the state read.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from alarmapi import history, model, rule_types, silences, time_constraints
from alarmapi.evaluator import composite, threshold
from alarmapi.evaluator.gnocchi import GnocchiSource
from alarmapi.evaluator.outcome import Evaluation, Transition, decide
from alarmapi.evaluator.partition import Everything, Partition
from alarmapi.metrics.windows import window_for_rule
from alarmapi.rule_shapes import ThresholdShape, UnusableRule
from alarmapi.storage import Connection
from alarmapi.storage.base import StateChange

LOG = logging.getLogger(__name__)
#: The evaluator records its transitions as this user (Aodh leaves them empty).
NO_USER = None


@dataclasses.dataclass
class CycleReport:
    """What one cycle did."""

    evaluated: int = 0
    skipped: int = 0
    transitions: int = 0
    failed: int = 0
    lost_races: int = 0
    gnocchi_requests: int = 0


class Evaluator:
    """Evaluates the alarms of the types it knows; one cycle per call of run_cycle."""

    def __init__(self, storage: Connection, *, clock: Callable[[], datetime.datetime] =
                 model.utcnow, ingestion_lag_s: int = 0, batch_size: int = 500,
                 gnocchi: GnocchiSource | None = None,
                 partition: Partition | None = None) -> None:
        self.storage = storage
        self.gnocchi = gnocchi
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
        requests_before = 0
        if self.gnocchi is not None:
            self.gnocchi.begin_cycle()
            requests_before = self.gnocchi.requests
        now = self.clock()
        after = None
        while True:
            batch = self.storage.evaluable_alarms(rule_types.EVALUATED_TYPES, after,
                                                  self.batch_size)
            if not batch:
                break
            after = batch[-1].alarm_id
            self._run_batch(batch, now, report)
            if len(batch) < self.batch_size:
                break
            if between_batches is not None:
                between_batches()
        if self.gnocchi is not None:
            report.gnocchi_requests = self.gnocchi.requests - requests_before
        return report

    def run_signalled(self, since_ms: int, min_gap_s: float = 1.0) -> tuple[CycleReport, int]:
        """Re-judge now the threshold alarms whose metric received data after
        ``since_ms`` (each alarm at most once per ``min_gap_s``); return the report and
        the ``since_ms`` to pass next time."""
        report = CycleReport()
        signals, newest = self.storage.metrics.updated_since(since_ms)
        if not signals:
            return report, newest
        wanted = set(signals)
        projects = sorted({tenant for tenant, _ in signals})
        candidates = self.storage.evaluable_alarms((rule_types.THRESHOLD,), None, 100_000,
                                                   projects)
        clock = time.monotonic()
        chosen = []
        for alarm in candidates:
            if (alarm.project_id, alarm.rule.get("meter_name")) not in wanted:
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
        mine = [a for a in batch if self.partition.owns(a.alarm_id)]
        due = [a for a in mine if time_constraints.any_active(a.time_constraints, now)]
        report.skipped += len(mine) - len(due)
        verdicts = self._threshold_verdicts(
            [a for a in due if a.type == rule_types.THRESHOLD], now)
        if self.gnocchi is not None:
            self.gnocchi.prefetch(self._gnocchi_leaves(due), now)
        transitions = []
        for alarm in due:
            try:
                verdict = verdicts.get(alarm.alarm_id) or self._verdict(alarm, now)
                report.evaluated += 1
                transition = decide(alarm.state, verdict, alarm.repeat_actions)
                if transition is not None:
                    transitions.append((alarm, transition))
            except UnusableRule as exc:  # stored before its shape was checked
                report.failed += 1
                LOG.warning("alarm %s cannot be evaluated: %s", alarm.alarm_id, exc.message)
            except Exception:  # one bad alarm never stops a cycle
                report.failed += 1
                LOG.exception("evaluation of alarm %s failed", alarm.alarm_id)
        silencing = self._silences([a for a, _ in transitions], now)
        changes = [self._state_change(alarm, transition, now, silencing(alarm))
                   for alarm, transition in transitions]
        self._persist_all(changes, report)
        self.storage.mark_evaluated([a.alarm_id for a in due], now)

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
        for change, recorded in zip(changes, results, strict=False):
            if recorded and change.state == model.State.OK.value:
                self._end_resolved_silences(change.alarm, change.when)

    def _end_resolved_silences(self, alarm: model.Alarm, when: datetime.datetime) -> None:
        """Back to ok: the expire-on-resolve silences (acknowledgements) of it end."""
        fields = silences.alarm_fields(alarm.alarm_id, alarm.name, alarm.severity, alarm.type)
        try:
            self.storage.silences.resolve(alarm.project_id, fields, when)
        except Exception:  # the transition stands; the silence ends at its own time
            LOG.exception("ending the silences resolved by alarm %s failed", alarm.alarm_id)

    @staticmethod
    def _gnocchi_leaves(alarms: list[model.Alarm]) -> Iterator[tuple[str, dict[str, Any]]]:
        """The Gnocchi reads a batch certainly makes: each gnocchi_* rule and the first
        leaf of each composite (the later leaves are read only when still needed)."""
        for alarm in alarms:
            if alarm.type in rule_types.GNOCCHI_TYPES:
                yield alarm.type, alarm.rule
            elif alarm.type == rule_types.COMPOSITE:
                leaf = composite.first_leaf(alarm.rule)
                if leaf is not None and leaf.get("type") in rule_types.GNOCCHI_TYPES:
                    yield leaf["type"], leaf

    def _end_ms(self, now: datetime.datetime) -> int:
        return int(now.replace(tzinfo=datetime.UTC).timestamp() * 1000) - self.lag_ms

    def _threshold_verdicts(self, alarms: list[model.Alarm], now: datetime.datetime
                            ) -> dict[str, Evaluation]:
        """All threshold alarms of a batch, answered by one metric store read."""
        windows, owners = [], []
        for alarm in alarms:
            try:
                shape = ThresholdShape.from_stored(alarm.rule)
                windows.append(window_for_rule(shape, alarm.project_id, self._end_ms(now)))
                owners.append((alarm, shape))
            except UnusableRule:
                continue  # judged alone in _leaf, where it fails by itself
        try:
            answers = self.storage.metrics.window_statistics(windows) if windows else []
        except Exception:  # then every alarm reads alone, and fails alone
            LOG.exception("the batched read of %d threshold windows failed", len(windows))
            return {}
        return {alarm.alarm_id: threshold.evaluate(shape, [v for _, v in periods])
                for (alarm, shape), periods in zip(owners, answers, strict=True)}

    def _verdict(self, alarm: model.Alarm, now: datetime.datetime) -> Evaluation:
        if alarm.type == rule_types.COMPOSITE:
            return composite.evaluate(alarm.rule, lambda leaf: self._leaf(alarm, leaf, now))
        return self._leaf(alarm, dict(alarm.rule, type=alarm.type), now)

    def _leaf(self, alarm: model.Alarm, rule: dict[str, Any], now: datetime.datetime
              ) -> Evaluation:
        if rule.get("type") == rule_types.THRESHOLD:
            shape = ThresholdShape.from_stored(rule)
            window = window_for_rule(shape, alarm.project_id, self._end_ms(now))
            (periods,) = self.storage.metrics.window_statistics([window])
            return threshold.evaluate(shape, [v for _, v in periods])
        if rule.get("type") in rule_types.GNOCCHI_TYPES and self.gnocchi is not None:
            return self.gnocchi.evaluate(rule["type"], rule, now)
        # Without a Gnocchi (or for prometheus leaves): no verdict, the state stays.
        return Evaluation(None, f"{rule.get('type')} rules cannot be evaluated here", {})

    def _silences(self, alarms: list[model.Alarm], now: datetime.datetime
                  ) -> Callable[[model.Alarm], str | None]:
        """Which active silence (by id) holds each alarm's notifications back: one read
        for a batch's transitions, none without transitions."""
        if not alarms:
            return lambda alarm: None
        try:
            active = self.storage.silences.active(
                sorted({a.project_id for a in alarms}, key=lambda p: p or ""), now)
        except Exception:  # the notifier decides again when it delivers
            LOG.exception("reading the active silences failed")
            return lambda alarm: None

        def silenced_by(alarm: model.Alarm) -> str | None:
            fields = silences.alarm_fields(alarm.alarm_id, alarm.name, alarm.severity,
                                           alarm.type)
            held = silences.silencing(active.get(alarm.project_id, []), fields, now)
            return held[0].id if held is not None else None

        return silenced_by

    def _state_change(self, alarm: model.Alarm, transition: Transition,
                      now: datetime.datetime, silenced_by: str | None = None) -> StateChange:
        # Never stamped before the state it leaves (set by hand after the cycle began),
        # so history in time order is a chain of states.
        now = max(now, alarm.state_timestamp + datetime.timedelta(microseconds=1))
        change = None
        if not transition.repeated:
            change = history.record(
                dataclasses.replace(alarm, state=transition.current),
                model.ChangeType.STATE_TRANSITION,
                {"state": transition.current, "transition_reason": transition.reason,
                 "previous_state": transition.previous, "reason_data": transition.reason_data,
                 **({"silenced_by": silenced_by} if silenced_by else {})},
                user_id=NO_USER, project_id=alarm.project_id, timestamp=now)
        actions = model.actions_for(alarm, transition.current, transition.previous)
        notification = model.Notification(
            alarm.alarm_id, alarm.project_id, alarm.name, alarm.severity, transition.previous,
            transition.current, transition.reason, transition.reason_data, actions, now,
            alarm_type=alarm.type, description=alarm.description,
        ) if actions else None
        return StateChange(alarm, transition.current, transition.reason, now, change,
                           notification)
