"""Judging received events against a project's event alarms, and recording what they
fire together with the event's message id (one transaction): so a redelivered event
is recognised and never fires twice, and a message is acknowledged only after that."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from alarmapi import model, rule_types, time_constraints
from alarmapi.evaluator import changes
from alarmapi.evaluator.outcome import Transition
from alarmapi.events import Event, EventShape, InvalidEvent, events_of, reason_data
from alarmapi.rule_shapes import UnusableRule
from alarmapi.storage import Connection

LOG = logging.getLogger(__name__)
#: Times an event is judged again when an alarm's state moved while it was judged.
RACE_RETRIES = 5


@dataclasses.dataclass
class ListenerReport:
    """What handling some messages did."""

    events: int = 0
    invalid: int = 0
    duplicates: int = 0
    transitions: int = 0
    failed_alarms: int = 0


def fired(alarm: model.Alarm, event: Event, now: Any) -> tuple[bool, Transition | None]:
    """Whether the event matches the alarm's rule, and the transition it causes (None:
    no match, the alarm already fired and does not repeat, or no time constraint is
    active). With a ``timeout`` the event is a heartbeat: it sets the alarm ``ok``."""
    if not time_constraints.any_active(alarm.time_constraints, now):
        return False, None
    shape = EventShape.from_stored(alarm.rule)
    if not shape.matches(event):
        return False, None
    target = model.State.OK if shape.timeout else model.State.ALARM
    if alarm.state == target and not (target == model.State.ALARM and alarm.repeat_actions):
        return True, None
    # Aodh records and notifies every matching event of a repeating alarm, with the
    # event's reason (not "Remaining as").
    return True, Transition(alarm.state, target.value, shape.reason(event),
                            reason_data(event))


class EventHandler:
    """Handles the payloads of received notifications."""

    def __init__(self, storage: Connection,
                 clock: Callable[[], Any] = model.utcnow) -> None:
        self.storage = storage
        self.clock = clock

    def handle(self, payload: Any, report: ListenerReport) -> None:
        """Judge every event of one payload; raise only when the storage fails (the
        message is then requeued and, redelivered, recognised by its message id)."""
        for raw in events_of(payload):
            try:
                event = Event.parse(raw)
            except InvalidEvent as exc:
                report.invalid += 1
                LOG.warning("skipping an invalid event (%s): %.200s", exc, raw)
                continue
            report.events += 1
            self._judge(event, report)

    def _judge(self, event: Event, report: ListenerReport) -> None:
        for _ in range(RACE_RETRIES):
            now = self.clock()
            alarms = (self.storage.evaluable_alarms((rule_types.EVENT,), None, 100_000,
                                                    [event.project])
                      if event.project else [])
            found, matched = self._changes(alarms, event, now, report)
            recorded = self.storage.record_event(event.message_id, now, found, matched)
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

    @staticmethod
    def _changes(alarms: list[model.Alarm], event: Event, now: Any,
                 report: ListenerReport) -> tuple[list[Any], list[str]]:
        """The state changes the event causes, and the alarms it matched."""
        found, matched = [], []
        for alarm in alarms:
            try:
                matches, transition = fired(alarm, event, now)
            except UnusableRule as exc:  # one bad alarm never stops the others
                report.failed_alarms += 1
                LOG.warning("event alarm %s cannot be judged: %s", alarm.alarm_id,
                            exc.message)
                continue
            if matches:
                matched.append(alarm.alarm_id)
            if transition is not None:
                LOG.info("event %s (%s) fires alarm %s", event.message_id,
                         event.event_type, alarm.alarm_id)
                found.append(changes.state_change(alarm, transition, now))
        return found, matched
