"""What every delivery plugin offers and returns."""

from __future__ import annotations

import abc
import dataclasses
import enum
import urllib.parse
from typing import Any

from oslo_config import cfg

from alarmapi.clock import Clock, utcnow
from alarmapi.deliveries import Delivery
from alarmapi.model import Notification
from alarmapi.notifier.http_client import HTTPClient


class Verdict(enum.Enum):
    """How one attempt ended."""

    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


@dataclasses.dataclass
class Outcome:
    """One attempt's result; ``detail`` says what happened in words."""

    verdict: Verdict
    detail: str
    #: For RETRY: the receiver asked to wait at least this long (seconds).
    retry_after: float | None = None

    @classmethod
    def delivered(cls, detail: str) -> Outcome:
        """The receiver took it."""
        return cls(Verdict.DELIVERED, detail)

    @classmethod
    def retry(cls, detail: str, retry_after: float | None = None) -> Outcome:
        """Not delivered, worth another attempt."""
        return cls(Verdict.RETRY, detail, retry_after)

    @classmethod
    def failed(cls, detail: str) -> Outcome:
        """Not delivered and never will be."""
        return cls(Verdict.FAILED, detail)


def aodh_body(notification: Notification) -> dict[str, Any]:
    """The JSON document Aodh's REST notifier posts."""
    return {"alarm_name": notification.alarm_name, "alarm_id": notification.alarm_id,
            "severity": notification.severity, "previous": notification.previous,
            "current": notification.current, "reason": notification.reason,
            "reason_data": notification.reason_data}


class Notifier(abc.ABC):
    """Delivers notifications to the actions of one or more URL schemes."""

    def __init__(self, conf: cfg.ConfigOpts, http: HTTPClient) -> None:
        self.conf = conf
        self.http = http
        #: The notifier's clock (``load_notifiers`` hands every plugin the service's).
        self.clock: Clock = utcnow

    @abc.abstractmethod
    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        """Make one attempt at ``delivery`` to ``action``; never raise for a
        receiver's failure (return an Outcome saying it)."""
