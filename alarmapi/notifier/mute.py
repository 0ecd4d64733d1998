"""The notifier's mute stage (Alertmanager's ``Muter``): deliveries an active silence
matches are held back before any attempt.

A stage is anything with ``mute(routes, now)``; the silences of the deliveries'
projects are its first implementation (inhibition can be the next one). Which silence
held a transition back is decided once, by the storage's transition recorder, for the
history; this stage applies the silences active when the delivery is attempted.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Protocol

from alarmapi import silences
from alarmapi.model import State
from alarmapi.notifier.base import Outcome
from alarmapi.notifier.route import Route
from alarmapi.silences import Silence

LOG = logging.getLogger(__name__)
#: The active silences of some projects at a moment (SilenceStore.active).
FindSilences = Callable[[list[str | None], datetime.datetime], dict[str | None, list[Silence]]]


class Muter(Protocol):
    """A stage that holds back some of the routed deliveries."""

    def mute(self, routes: list[Route], now: datetime.datetime) -> None:
        """Set the outcome of each route it holds back; never raises."""


class SilenceMuter:
    """Holds back the deliveries of alarms that an active silence of their project
    matches (the ok that ends an acknowledgement is sent)."""

    def __init__(self, find_silences: FindSilences) -> None:
        self.find_silences = find_silences

    def mute(self, routes: list[Route], now: datetime.datetime) -> None:
        """Read the active silences of the routes' projects in one call and apply them;
        when they cannot be read, every undecided route is retried shortly (the claim
        is never lost, and nothing is sent that a silence might hold)."""
        projects = sorted({r.delivery.notification.project_id for r in routes},
                          key=lambda p: p or "")
        try:
            active = self.find_silences(projects, now)
        except Exception as exc:
            LOG.exception("reading the active silences failed")
            for route in routes:
                if route.outcome is None:
                    route.outcome = Outcome.retry(
                        f"silences could not be read: {type(exc).__name__}")
            return
        for route in routes:
            if route.outcome is None:
                self._apply(route, active.get(route.delivery.notification.project_id, []),
                            now)

    @staticmethod
    def _apply(route: Route, candidates: list[Silence], now: datetime.datetime) -> None:
        n = route.delivery.notification
        fields = silences.alarm_fields(n.alarm_id, n.alarm_name, n.severity, n.alarm_type)
        if n.current == State.OK.value:  # the ok that ends an acknowledgement is sent
            candidates = [s for s in candidates if not s.expire_on_resolve]
        held = silences.silencing(candidates, fields, now)  # never raises
        if held is not None:
            silence, until = held
            shown = "until resolved" if until == datetime.datetime.max else \
                f"until {until.isoformat()}"
            route.silenced = (silence.id, until)
            route.outcome = Outcome.failed(f"silenced by {silence.id} {shown}")
