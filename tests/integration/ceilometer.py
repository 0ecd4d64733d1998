"""Events published as Ceilometer's event pipeline publishes them (oslo.messaging,
driver messagingv2, on Ceilometer's own exchange), for the listener's tests and its
benchmark."""

from __future__ import annotations

import os
import uuid
from typing import Any

import oslo_messaging
from oslo_config import cfg

RABBIT = os.environ.get("ALARMAPI_TEST_RABBIT", "rabbit://guest:guest@127.0.0.1:5672/")


class Ceilometer:
    """Publishes events as Ceilometer's event pipeline does."""

    def __init__(self, topic: str) -> None:
        conf = cfg.ConfigOpts()
        conf([], project="ceilometer-test")
        oslo_messaging.set_transport_defaults("ceilometer")
        self.transport = oslo_messaging.get_notification_transport(conf, url=RABBIT)
        self.notifier = oslo_messaging.Notifier(self.transport, driver="messagingv2",
                                                publisher_id="ceilometer.test",
                                                topics=[topic])

    def publish(self, *events: dict[str, Any]) -> None:
        """One notification (priority sample) carrying these events."""
        self.notifier.sample({}, "event.sample", list(events))

    def close(self) -> None:
        """Close the connection."""
        self.transport.cleanup()


def event(event_type: str = "compute.instance.update", project: str = "p1",
          message_id: str | None = None, **traits: Any) -> dict[str, Any]:
    """An event of ``project`` (trait tenant_id) with typed traits: int, float, str."""
    typed = [["tenant_id", 1, project]]
    for name, value in traits.items():
        dtype = 2 if isinstance(value, int) else 3 if isinstance(value, float) else 1
        typed.append([name, dtype, value])
    return {"message_id": message_id or str(uuid.uuid4()), "event_type": event_type,
            "generated": "2026-12-02T10:00:00.000000", "traits": typed}
