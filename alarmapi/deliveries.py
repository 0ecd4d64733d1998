"""The notifier's units of work: one delivery per action of a notification, and what
became of it. Shared by the evaluator (which enqueues), the notifier (which claims
and finishes) and the API (which shows the outcome to the alarm's owner)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import Any

from alarmapi.model import Notification


class DeliveryStatus(enum.StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    #: Not sent: the alarm matched an active silence (see alarmapi.silences).
    SILENCED = "silenced"


@dataclasses.dataclass
class Delivery:
    """A delivery claimed by one notifier until ``lease_until``."""

    id: int
    notification_id: int
    action: str
    key: str
    attempts: int
    repeat: bool
    claim: str
    notification: Notification
    #: The alarm as it is now (None when deleted): a repeat is only sent while the
    #: alarm stays in the state it notified.
    alarm_state: str | None
    alarm_state_timestamp: datetime.datetime | None

    def still_current(self) -> bool:
        """Whether the alarm is still in the state this notification announced."""
        return (self.alarm_state == self.notification.current
                and self.alarm_state_timestamp is not None
                and self.alarm_state_timestamp <= self.notification.created_at)


@dataclasses.dataclass
class DeliveryUpdate:
    """What a notifier writes back for a claimed delivery."""

    id: int
    claim: str
    status: DeliveryStatus
    result: str
    #: When to try again (status pending) — None for a final status.
    next_attempt_at: datetime.datetime | None = None
    #: Send the notification again at this time (a notification method's period).
    repeat_at: datetime.datetime | None = None


@dataclasses.dataclass
class DeliveryRecord:
    """A delivery as the alarm's owner sees it."""

    id: int
    action: str
    previous: str
    current: str
    reason: str
    notified_at: datetime.datetime
    status: str
    attempts: int
    result: str | None
    next_attempt_at: datetime.datetime | None
    updated_at: datetime.datetime
    idempotency_key: str
    repeat: bool

    def as_dict(self) -> dict[str, Any]:
        """The record's fields."""
        return dataclasses.asdict(self)
