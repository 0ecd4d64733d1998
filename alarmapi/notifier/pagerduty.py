"""PAGERDUTY notification methods: PagerDuty Events API v2 events, the method's address
being the integration's routing key; the alarm id is the dedup key, so the incident a
transition to alarm opens is resolved by the transition back to ok."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from alarmapi.deliveries import Delivery
from alarmapi.model import Severity, State
from alarmapi.notifier.base import Notifier, Outcome, aodh_body
from alarmapi.notifier.http_client import Refused, Unreachable
from alarmapi.notifier.rest import delivery_headers, judge

SCHEME = "pagerduty"
_SEVERITIES = {Severity.CRITICAL.value: "critical", Severity.MODERATE.value: "error",
               Severity.LOW.value: "warning"}


def event(routing_key: str, delivery: Delivery) -> dict[str, Any]:
    """The Events API v2 document of a notification."""
    n = delivery.notification
    return {
        "routing_key": routing_key,
        "event_action": "resolve" if n.current == State.OK.value else "trigger",
        "dedup_key": n.alarm_id,
        "payload": {
            "summary": f"Alarm {n.alarm_name} is {n.current}: {n.reason}"[:1024],
            "source": "alarmapi",
            "severity": (_SEVERITIES.get(n.severity, "warning")
                         if n.current == State.ALARM.value else "info"),
            "timestamp": n.created_at.isoformat() + "Z",
            "component": n.alarm_id,
            "custom_details": aodh_body(n),
        },
    }


class PagerDutyNotifier(Notifier):
    """Sends events for ``pagerduty:<routing key>`` (what a PAGERDUTY method becomes)."""

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        body = json.dumps(event(urllib.parse.unquote(action.path), delivery)).encode()
        try:
            # The endpoint is the operator's, not the user's: no denied-network check.
            response = self.http.post(self.conf.notifier.pagerduty_url, body,
                                      delivery_headers(delivery), check_destination=False)
        except Refused as exc:
            return Outcome.failed(f"refused: {exc}")
        except Unreachable as exc:
            return Outcome.retry(str(exc))
        return judge(response)
