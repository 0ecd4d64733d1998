"""Judging received events against a project's event alarms, and recording what they
fire together with the event's message id (one transaction): so a redelivered event
is recognised and never fires twice, and a message is acknowledged only after that."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Any

from alarmapi import clock, errors, model, rule_types, stored_alarm, time_constraints
from alarmapi.evaluator import changes
from alarmapi.evaluator.outcome import Transition
from alarmapi.events import Event, EventShape, InvalidEvent, events_of, reason_data
from alarmapi.rule_shapes import UnusableRule
from alarmapi.storage import Connection
from alarmapi.storage.base import EventRecord, StateChange

LOG = logging.getLogger(__name__)
#: Times an event is judged again when an alarm's state moved while it was judged.
RACE_RETRIES = 5
ONE_TICK = datetime.timedelta(microseconds=1)


@dataclasses.dataclass
class ListenerReport:
    """What handling some messages did."""

    events: int = 0
    invalid: int = 0
    duplicates: int = 0
    transitions: int = 0
    failed_alarms: int = 0


def fired(alarm: model.Alarm, shape: EventShape, event: Event, now: Any
          ) -> tuple[bool, Transition | None]:
    """Whether the event matches the alarm's rule, and the transition it causes (None:
    no match, the alarm already fired and does not repeat, or no time constraint is
    active). With a ``timeout`` the event is a heartbeat: it sets the alarm ``ok``."""
    if not time_constraints.any_active(alarm.time_constraints, now):
        return False, None
    if not shape.matches(event):
        return False, None
    target = model.State.OK if shape.timeout else model.State.ALARM
    if alarm.state == target and not (target == model.State.ALARM and alarm.repeat_actions):
        return True, None
    # Aodh records and notifies every matching event of a repeating alarm, with the
    # event's reason (not "Remaining as").
    return True, Transition(alarm.state, target.value, shape.reason(event),
                            reason_data(event))


class Shapes:
    """The event rules of alarms, each read once per definition (an alarm's
    ``timestamp`` changes with every write of it)."""

    def __init__(self) -> None:
        self._read: dict[str, tuple[Any, EventShape | UnusableRule]] = {}

    def of(self, alarm: model.Alarm) -> EventShape:
        """The alarm's rule; UnusableRule when it cannot be judged."""
        found = self._read.get(alarm.alarm_id)
        if found is None or found[0] != alarm.timestamp:
            try:
                shape: EventShape | UnusableRule = EventShape.from_stored(alarm.rule)
            except UnusableRule as exc:
                shape = exc
            found = self._read[alarm.alarm_id] = (alarm.timestamp, shape)
        if isinstance(found[1], UnusableRule):
            raise found[1]
        return found[1]

    def forget(self, alarm_ids: Iterable[str]) -> None:
        """Drop the rules of alarms gone (deleted or disabled)."""
        for alarm_id in alarm_ids:
            self._read.pop(alarm_id, None)


class Judge:
    """The event alarms of some projects as read once, judged against events in
    order: each change is applied to the alarm as read, so the next event sees the
    state the last one left (a non-repeating alarm fires once in a batch)."""

    def __init__(self, alarms: list[model.Alarm], now: Any, report: ListenerReport,
                 shapes: Shapes) -> None:
        self.now = now
        self.report = report
        self.shapes = shapes
        self.by_project: dict[str, list[model.Alarm]] = {}
        for alarm in alarms:
            self.by_project.setdefault(alarm.project_id or "", []).append(alarm)
        self.stamped: dict[str, Any] = {}

    def shape(self, alarm: model.Alarm) -> EventShape:
        """The alarm's rule; UnusableRule when it cannot be judged."""
        return self.shapes.of(alarm)

    def record(self, event: Event) -> EventRecord:
        """The changes the event causes, and the alarms it matched."""
        found: list[StateChange] = []
        matched: list[str] = []
        alarms = self.by_project.get(event.project or "", [])
        for index, alarm in enumerate(alarms):
            try:  # everything computed from one stored alarm: one bad alarm fails alone
                change = self._judge(alarm, event, matched)
            except errors.InvalidInput as exc:  # a rule, a field, a time constraint
                self.report.failed_alarms += 1
                LOG.warning("event alarm %s cannot be judged: %s", alarm.alarm_id,
                            exc.message)
                continue
            except Exception:
                self.report.failed_alarms += 1
                LOG.exception("judging event alarm %s failed", alarm.alarm_id)
                continue
            if change is not None:
                found.append(change)
                if change.state != alarm.state:
                    alarms[index] = dataclasses.replace(
                        alarm, state=change.state, state_timestamp=change.when)
        return EventRecord(event.message_id, found, matched)

    def _judge(self, alarm: model.Alarm, event: Event, matched: list[str]
               ) -> StateChange | None:
        """The change the event makes to one alarm (its id added to ``matched`` when
        the event matches its rule)."""
        stored_alarm.check(alarm)
        matches, transition = fired(alarm, self.shape(alarm), event, self.now)
        if matches:
            matched.append(alarm.alarm_id)
        if transition is None:
            return None
        LOG.info("event %s (%s) fires alarm %s", event.message_id, event.event_type,
                 alarm.alarm_id)
        # one alarm's records of a batch are stamped apart, in event order
        last = self.stamped.get(alarm.alarm_id)
        change = changes.state_change(alarm, transition, self.now if last is None
                                      else max(self.now, last + ONE_TICK))
        self.stamped[alarm.alarm_id] = change.when
        return change


class EventHandler:
    """Handles the payloads of received notifications."""

    def __init__(self, storage: Connection,
                 clock: Callable[[], Any] = clock.utcnow) -> None:
        self.storage = storage
        self.clock = clock
        #: The event alarms last read, by project and id.
        self.known: dict[str, dict[str, model.Alarm]] = {}
        self.shapes = Shapes()

    def handle(self, payload: Any, report: ListenerReport) -> None:
        """Judge every event of one payload (see ``handle_batch``)."""
        self.handle_batch([payload], report)

    def handle_batch(self, payloads: list[Any], report: ListenerReport) -> None:
        """Judge the events of some payloads in order, reading their projects' alarms
        once and recording everything in one transaction; when an event of them was
        recorded before or an alarm moved meanwhile, event by event instead. Raise
        only when the storage fails (the messages are then requeued and, redelivered,
        recognised by their message ids)."""
        events = self._parse(payloads, report)
        if not events:
            return
        if len(events) > 1:
            now = self.clock()
            judge = self._judge_for(events, now, report)
            records = [judge.record(event) for event in events]
            recorded = self.storage.record_events(records, now)
            if recorded is not None and recorded >= 0:
                report.transitions += recorded
                return
            LOG.info("%d events: one was handled already or an alarm moved; recording "
                     "them one by one", len(events))
        for event in events:
            self._one(event, report)

    @staticmethod
    def _parse(payloads: list[Any], report: ListenerReport) -> list[Event]:
        events: list[Event] = []
        seen: set[str] = set()
        for payload in payloads:
            for raw in events_of(payload):
                try:
                    event = Event.parse(raw)
                except InvalidEvent as exc:
                    report.invalid += 1
                    LOG.warning("skipping an invalid event (%s): %.200s", exc, raw)
                    continue
                report.events += 1
                if event.message_id in seen:
                    report.duplicates += 1
                    continue
                seen.add(event.message_id)
                events.append(event)
        return events

    def _judge_for(self, events: list[Event], now: Any, report: ListenerReport) -> Judge:
        projects = sorted({event.project for event in events if event.project})
        return Judge(self._alarms(projects) if projects else [], now, report, self.shapes)

    def _alarms(self, projects: list[str]) -> list[model.Alarm]:
        """The projects' enabled event alarms as they are now; definitions not written
        since the last read are kept from it (every API write counts at once)."""
        known = {alarm_id: alarm for project in projects
                 for alarm_id, alarm in self.known.get(project, {}).items()}
        alarms = self.storage.current_alarms((rule_types.EVENT,), projects, known)
        for project in projects:
            self.known.pop(project, None)
        for alarm in alarms:
            self.known.setdefault(alarm.project_id or "", {})[alarm.alarm_id] = alarm
        self.shapes.forget(known.keys() - {alarm.alarm_id for alarm in alarms})
        return alarms

    def _one(self, event: Event, report: ListenerReport) -> None:
        for _ in range(RACE_RETRIES):
            now = self.clock()
            record = self._judge_for([event], now, report).record(event)
            recorded = self.storage.record_events([record], now)
            if recorded is None:
                report.duplicates += 1
                LOG.info("event %s was handled already", event.message_id)
                return
            if recorded >= 0:
                report.transitions += recorded
                return
            LOG.info("an alarm moved while event %s was judged; judging again",
                     event.message_id)
        raise RuntimeError(f"event {event.message_id}: alarms kept moving")
