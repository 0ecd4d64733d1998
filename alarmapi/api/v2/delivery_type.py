"""The WSME type of a delivery (GET /v2/alarms/{id}/deliveries, an alarmapi extension):
what became of each action of the alarm's notifications."""

from __future__ import annotations

import datetime

from wsme import types as wtypes

from alarmapi import trusts
from alarmapi.api.v2.wsbase import Base
from alarmapi.deliveries import DeliveryRecord, DeliveryStatus


class Delivery(Base):
    """One action of one notification."""

    id = int
    action = wtypes.text
    previous = wtypes.text
    current = wtypes.text
    reason = wtypes.text
    notified_at = datetime.datetime
    status = wtypes.Enum(str, *(s.value for s in DeliveryStatus))
    attempts = int
    result = wtypes.text
    next_attempt_at = datetime.datetime
    updated_at = datetime.datetime
    idempotency_key = wtypes.text
    repeat = bool


def render(record: DeliveryRecord) -> Delivery:
    """The wire form of a delivery record."""
    data = record.as_dict()
    data["action"] = trusts.scrub(data["action"])
    return Delivery(**data)
