"""A claimed delivery on its way through the notifier: where it goes, through which
plugin, and what the stages before the attempt decided."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import urllib.parse

from alarmapi import trusts
from alarmapi.deliveries import Delivery
from alarmapi.notifier.base import Notifier, Outcome

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class Route:
    """A claimed delivery, where it goes and through which plugin; ``outcome`` is set
    instead when it is already known (a repeat no longer due, a method gone)."""

    delivery: Delivery
    action: urllib.parse.SplitResult | None = None
    notifier: Notifier | None = None
    period: int = 0
    outcome: Outcome | None = None
    cancelled: bool = False
    #: The silence that holds this delivery back, and when it ends.
    silenced: tuple[str, datetime.datetime] | None = None

    def attempt(self) -> Outcome:
        """Make the attempt (or return the known outcome); never raises."""
        if self.outcome is not None:
            return self.outcome
        assert self.notifier is not None and self.action is not None
        try:
            return self.notifier.notify(self.action, self.delivery)
        except Exception as exc:  # a plugin bug must not kill the notifier
            LOG.exception("delivery %s to %s failed", self.delivery.id,
                          trusts.scrub(self.action.geturl()))
            return Outcome.retry(f"internal error: {type(exc).__name__}: {exc}")
