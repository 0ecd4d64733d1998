"""alertmanager:// and alertmanager+https:// actions: each transition as an alert of
Prometheus Alertmanager's API v2 (``POST /api/v2/alerts``).

The alert is firing while the alarm is in alarm (re-sent every
``[notifier] alertmanager_resend_interval``, valid for four intervals) and resolved
(``endsAt`` the time it left alarm) by the transition out of alarm. Alertmanager then
groups, routes, inhibits, silences and notifies as it is configured to.
"""

from __future__ import annotations

import datetime
import json
import urllib.parse
from typing import Any

from alarmapi import clock
from alarmapi.deliveries import Delivery
from alarmapi.model import State
from alarmapi.notifier.base import Notifier, Outcome
from alarmapi.notifier.http_client import Refused, Unreachable
from alarmapi.notifier.rest import delivery_headers, judge

#: Alertmanager's own port, when an action names none.
DEFAULT_PORT = 9093
ALERTS_PATH = "/api/v2/alerts"


def endpoint(action: urllib.parse.SplitResult) -> str:
    """The alerts URL of an alertmanager(+https)://host[:port][/path] action."""
    scheme = "https" if action.scheme.endswith("+https") else "http"
    host = action.hostname or ""
    shown = f"[{host}]" if ":" in host else host
    port = action.port or DEFAULT_PORT
    return f"{scheme}://{shown}:{port}{action.path.rstrip('/')}{ALERTS_PATH}"


def _iso(moment: datetime.datetime) -> str:
    return moment.replace(tzinfo=datetime.UTC).isoformat().replace("+00:00", "Z")


def alert(delivery: Delivery, now: datetime.datetime, resend_s: int,
          generator_url: str = "") -> dict[str, Any]:
    """The Alertmanager alert of a delivery: firing while in alarm, resolved otherwise."""
    n = delivery.notification
    labels = {"alertname": n.alarm_name or n.alarm_id, "alarm_id": n.alarm_id,
              "severity": n.severity, "type": n.alarm_type or "unknown"}
    if n.project_id:
        labels["project_id"] = n.project_id
    if n.current == State.ALARM.value:  # firing: valid for four re-send intervals
        starts = n.created_at
        ends = max(now, starts) + datetime.timedelta(seconds=4 * resend_s)
    else:  # resolved when it left alarm (never later than now: resolved means ended)
        ends = min(n.created_at, now)
        starts = ends
    document: dict[str, Any] = {
        "labels": labels,
        "annotations": {"summary": n.reason, "description": n.description or "",
                        "state": n.current, "previous_state": n.previous},
        "startsAt": _iso(starts),
        "endsAt": _iso(ends),
    }
    if generator_url:
        document["generatorURL"] = generator_url.replace("{alarm_id}", n.alarm_id)
    return document


class AlertmanagerNotifier(Notifier):
    """Posts the alarm's alert to the Alertmanager an action names."""

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        opts = self.conf.notifier
        try:
            url = endpoint(action)
        except ValueError as exc:
            return Outcome.failed(f"not an Alertmanager address: {exc}")
        # The wall clock, not the notifier's: Alertmanager judges startsAt/endsAt by its
        # own clock (a resolution stamped ahead of it never shortens the alert).
        body = json.dumps([alert(delivery, clock.utcnow(), opts.alertmanager_resend_interval,
                                 opts.alertmanager_generator_url)]).encode()
        try:
            response = self.http.post(url, body, delivery_headers(delivery))
        except Refused as exc:
            return Outcome.failed(f"refused: {exc}")
        except Unreachable as exc:
            return Outcome.retry(str(exc))
        return judge(response)
