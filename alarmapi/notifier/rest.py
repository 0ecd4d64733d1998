"""http:// and https:// actions: Aodh's JSON body, POSTed once per attempt."""

from __future__ import annotations

import json
import logging
import urllib.parse
import uuid

from alarmapi.deliveries import Delivery
from alarmapi.notifier.base import Notifier, Outcome, aodh_body
from alarmapi.notifier.http_client import Refused, Response, Unreachable

LOG = logging.getLogger(__name__)
#: Answers that say "later" rather than "never".
RETRYABLE_STATUSES = frozenset({408, 425, 429})
#: The query parameter Aodh reads to override certificate verification per action.
SSL_VERIFY_PARAM = "aodh-alarm-ssl-verify"


def request_id(delivery: Delivery) -> str:
    """The x-openstack-request-id of a delivery: the same on every attempt."""
    return f"req-{uuid.UUID(hex=delivery.key)}"


def delivery_headers(delivery: Delivery) -> dict[str, str]:
    """Headers every HTTP delivery carries: the request id and the idempotency key a
    receiver can drop duplicates by."""
    return {"Content-Type": "application/json", "x-openstack-request-id": request_id(delivery),
            "Idempotency-Key": delivery.key,
            "X-Alarmapi-Attempt": str(delivery.attempts)}


def judge(response: Response) -> Outcome:
    """Turn a receiver's answer into an outcome."""
    shown = f"HTTP {response.status} {response.reason}".strip()
    if 200 <= response.status < 300:
        return Outcome.delivered(shown)
    if response.status >= 500 or response.status in RETRYABLE_STATUSES:
        return Outcome.retry(shown, response.retry_after)
    if 300 <= response.status < 400:
        return Outcome.failed(f"{shown}: redirects are not followed")
    return Outcome.failed(shown)


def _verify(action: urllib.parse.SplitResult) -> bool | None:
    values = urllib.parse.parse_qs(action.query).get(SSL_VERIFY_PARAM)
    if not values:
        return None
    try:
        return bool(int(values[-1]))
    except ValueError:
        return None


class RestNotifier(Notifier):
    """POSTs Aodh's notification body to the action URL."""

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        return self.post(action, delivery, {})

    def post(self, action: urllib.parse.SplitResult, delivery: Delivery,
             extra_headers: dict[str, str]) -> Outcome:
        """POST the notification to ``action`` with the delivery headers."""
        body = json.dumps(aodh_body(delivery.notification)).encode()
        headers = {**delivery_headers(delivery), **extra_headers}
        notification = delivery.notification
        LOG.info("Notifying alarm %s %s with severity %s from %s to %s with action %s "
                 "because %s. request-id: %s", notification.alarm_name,
                 notification.alarm_id, notification.severity, notification.previous,
                 notification.current, action.geturl(), notification.reason,
                 headers["x-openstack-request-id"])
        try:
            response = self.http.post(action.geturl(), body, headers, verify=_verify(action))
        except Refused as exc:
            return Outcome.failed(f"refused: {exc}")
        except Unreachable as exc:
            return Outcome.retry(str(exc))
        return judge(response)
