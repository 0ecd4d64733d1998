"""alarmapi-listener: fire event alarms from the OpenStack notifications on the
message bus (Aodh's aodh-listener, on the same topic and queue).

A message is acknowledged only after what its events fire is committed; when the
storage fails, it is requeued. SIGTERM/SIGINT stop it after the messages under way.
"""

from __future__ import annotations

import sys
from typing import Any

import oslo_messaging
from oslo_log import log

from alarmapi import conf as alarmapi_conf
from alarmapi import self_metrics
from alarmapi.cmd import daemon, supervisor
from alarmapi.cmd.fatal import guarded
from alarmapi.listener.service import EventHandler, ListenerReport
from alarmapi.storage import get_connection

LOG = log.getLogger(__name__)


class EventEndpoint:
    """oslo.messaging's endpoint for the ``sample`` priority, in batches."""

    def __init__(self, handler: EventHandler) -> None:
        self.handler = handler

    def sample(self, messages: list[dict[str, Any]]) -> Any:
        """Judge a batch; requeue it when the storage cannot record it (what was
        recorded already is recognised on redelivery)."""
        report = ListenerReport()
        try:
            self.handler.handle_batch([message.get("payload") for message in messages],
                                      report)
        except Exception:
            LOG.exception("recording %d messages failed: requeued", len(messages))
            return oslo_messaging.NotificationResult.REQUEUE
        LOG.debug("handled %d messages: %s", len(messages), report)
        self_metrics.count_events(report)
        return oslo_messaging.NotificationResult.HANDLED


def transport(conf: Any) -> Any:
    """The notification transport: [oslo_messaging_notifications] transport_url, else
    [DEFAULT] transport_url, as in Aodh."""
    oslo_messaging.set_transport_defaults(conf.listener.control_exchange)
    return oslo_messaging.get_notification_transport(conf)


def listener(conf: Any, handler: EventHandler) -> Any:
    """A batch listener on the event topic."""
    bus = transport(conf)
    targets = [oslo_messaging.Target(topic=conf.listener.event_alarm_topic)]
    return oslo_messaging.get_batch_notification_listener(
        bus, targets, [EventEndpoint(handler)], executor="threading", allow_requeue=True,
        batch_size=conf.listener.batch_size, batch_timeout=conf.listener.batch_timeout)


@guarded
def main(argv: list[str] | None = None) -> int:
    """Listen until stopped: in this process, or with ``[listener] workers`` above
    one in that many supervised processes sharing the queue."""
    conf = alarmapi_conf.for_command(argv)
    supervised = supervisor.run_workers(conf, conf.listener.workers, "alarmapi.cmd.listener",
                                        "listener", argv)
    if supervised is not None:
        return supervised
    storage = get_connection(conf.database.connection)
    self_metrics.serve(conf)
    stop = daemon.stop_event(conf, "stopping after the messages under way")
    running = listener(conf, EventHandler(storage))
    running.start()
    LOG.info("listening for events on topic %s", conf.listener.event_alarm_topic)
    stop.wait()
    running.stop()
    running.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
