"""[listener] options: the event listener (Aodh's names and defaults)."""

from oslo_config import cfg

GROUP = "listener"

OPTS = [
    cfg.StrOpt("event_alarm_topic", default="alarm.all",
               help="The notification topic the events arrive on (priority sample: the "
               "queue is <topic>.sample, where Ceilometer's event pipeline publishes for "
               "Aodh)."),
    cfg.IntOpt("workers", default=1, min=1, max=64,
               help="Listener processes alarmapi-listener runs and supervises (each "
               "restarted when it dies), sharing the queue (as Aodh's workers)."),
    cfg.IntOpt("batch_size", default=1, min=1, max=10000,
               help="Messages handed over together; each is acknowledged only after its "
               "transitions are committed."),
    cfg.IntOpt("batch_timeout", min=1,
               help="Seconds to wait for batch_size messages (unset: indefinitely)."),
    cfg.IntOpt("deduplication_window", default=86400, min=60,
               help="Seconds a received event's message_id is remembered, so that a "
               "redelivered event (after a crash before its acknowledgement) never fires "
               "an alarm twice; alarmapi-expirer forgets older ones."),
    cfg.StrOpt("control_exchange", default="aodh",
               help="The exchange the listener's queue is bound to (Aodh's default: "
               "Ceilometer publishes on its own exchange to the same queue)."),
]
