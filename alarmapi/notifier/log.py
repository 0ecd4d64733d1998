"""Actions that reach no receiver: log:// and test:// (admin-only, as in Aodh), and
the schemes the API accepts for compatibility but nothing delivers (zaqar)."""

from __future__ import annotations

import collections
import logging
import threading
import urllib.parse

from alarmapi.deliveries import Delivery
from alarmapi.notifier.base import Notifier, Outcome

LOG = logging.getLogger(__name__)


class LogNotifier(Notifier):
    """Writes the notification to the notifier's log."""

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        n = delivery.notification
        LOG.info("Notifying alarm %s %s of %s priority from %s to %s with action %s "
                 "because %s.", n.alarm_name, n.alarm_id, n.severity, n.previous, n.current,
                 action.geturl(), n.reason)
        return Outcome.delivered("logged")


class TestNotifier(Notifier):
    """Keeps the last notifications in memory (for tests run in-process)."""

    received: collections.deque[tuple[str, Delivery]] = collections.deque(maxlen=1000)
    _lock = threading.Lock()

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        with self._lock:
            self.received.append((action.geturl(), delivery))
        LOG.debug("test notification of alarm %s to %s", delivery.notification.alarm_id,
                  action.geturl())
        return Outcome.delivered("recorded")


class UnsupportedNotifier(Notifier):
    """Schemes the API accepts for Aodh compatibility but nothing here delivers."""

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        return Outcome.failed(f"{action.scheme} actions are not delivered by alarmapi")
