"""From a claimed delivery to the plugin that makes the attempt, and from the attempt's
outcome to what is written back (retry with backoff, give up, repeat).

The pipeline, as Alertmanager's: route (method, plugin) → mute (``notifier.mute``:
silences) → notify (the plugin) → settle.
"""

from __future__ import annotations

import datetime
import logging
import random
import urllib.parse
from collections.abc import Callable

from oslo_config import cfg
from stevedore import extension

from alarmapi import notification_methods as methods
from alarmapi.clock import Clock, utcnow
from alarmapi.deliveries import Delivery, DeliveryStatus, DeliveryUpdate
from alarmapi.model import State, is_alert_action
from alarmapi.notification_methods import MethodType, NotificationMethod
from alarmapi.notifier import pagerduty
from alarmapi.notifier.base import Notifier, Outcome, Verdict
from alarmapi.notifier.http_client import HTTPClient
from alarmapi.notifier.mute import Muter
from alarmapi.notifier.route import Route

LOG = logging.getLogger(__name__)
NAMESPACE = "alarmapi.notifier"


def load_notifiers(conf: cfg.ConfigOpts, http: HTTPClient, clock: Clock = utcnow
                   ) -> dict[str, Notifier]:
    """The plugins of the ``alarmapi.notifier`` entry points, by URL scheme, each
    reading time from ``clock``."""
    manager: extension.ExtensionManager[Notifier] = extension.ExtensionManager(
        NAMESPACE, invoke_on_load=True, invoke_args=(conf, http))
    plugins = {ext.name: ext.obj for ext in manager if ext.obj is not None}
    for plugin in plugins.values():
        plugin.clock = clock
    return plugins


def method_action(method: NotificationMethod) -> str:
    """The action a notification method stands for."""
    if method.type == MethodType.EMAIL.value:
        return f"mailto:{method.address}"
    if method.type == MethodType.PAGERDUTY.value:
        return f"{pagerduty.SCHEME}:{urllib.parse.quote(method.address, safe='')}"
    if method.type == MethodType.ALERTMANAGER.value:
        return methods.alertmanager_action(method.address)
    return method.address


class Dispatcher:
    """Routes deliveries and settles their outcomes."""

    def __init__(self, conf: cfg.ConfigOpts, notifiers: dict[str, Notifier],
                 find_methods: Callable[[list[str]], dict[str, NotificationMethod]],
                 jitter: Callable[[], float] = lambda: random.uniform(0.8, 1.0), *,
                 muter: Muter | None = None) -> None:
        """``muter``: the mute stage (None: nothing is held back)."""
        self.conf = conf
        self.notifiers = notifiers
        self.find_methods = find_methods
        self.muter = muter
        self.jitter = jitter

    def routes(self, deliveries: list[Delivery], now: datetime.datetime | None = None
               ) -> list[Route]:
        """Where each delivery goes (notification methods looked up in one call), then,
        at ``now``, what the mute stage holds back."""
        wanted = [m for m in (methods.method_id(d.action) for d in deliveries) if m]
        found = self.find_methods(wanted) if wanted else {}
        routes = [self._guarded_route(d, found) for d in deliveries]
        if self.muter is not None and now is not None and deliveries:
            self.muter.mute(routes, now)
        return routes

    def _guarded_route(self, delivery: Delivery, found: dict[str, NotificationMethod]
                       ) -> Route:
        """The delivery's route; one whose action cannot be routed (stored before it
        was checked: ``http://[::1/``) fails alone, never the claimed batch."""
        try:
            return self._route(delivery, found)
        except Exception as exc:
            LOG.warning("delivery %s of alarm %s cannot be routed: %s", delivery.id,
                        delivery.notification.alarm_id, exc)
            return Route(delivery, outcome=Outcome.failed(
                f"the action cannot be delivered: {type(exc).__name__}: {exc}"))

    def _route(self, delivery: Delivery, found: dict[str, NotificationMethod]) -> Route:
        if delivery.repeat and not delivery.still_current():
            return Route(delivery, outcome=Outcome.failed(
                f"not repeated: the alarm left {delivery.notification.current}"),
                cancelled=True)
        action, period = delivery.action, 0
        method_id = methods.method_id(action)
        if method_id is not None:
            method = found.get(method_id)
            if method is None or method.project_id != delivery.notification.project_id:
                return Route(delivery, outcome=Outcome.failed(
                    f"notification method {method_id} does not exist"))
            action, period = method_action(method), method.period
        if is_alert_action(action):  # a firing alert is re-sent until resolved
            period = self.conf.notifier.alertmanager_resend_interval
        parts = urllib.parse.urlsplit(action)
        notifier = self.notifiers.get(parts.scheme)
        if notifier is None:
            return Route(delivery, outcome=Outcome.failed(
                f"no notifier for {parts.scheme or 'scheme-less'} actions"))
        return Route(delivery, parts, notifier, period)

    def settle(self, route: Route, outcome: Outcome, now: datetime.datetime) -> DeliveryUpdate:
        """What to write back for an attempt's outcome."""
        d = route.delivery
        tries = f"{d.attempts} attempt{'s' if d.attempts != 1 else ''}"
        if route.cancelled:
            return DeliveryUpdate(d.id, d.claim, DeliveryStatus.CANCELLED, outcome.detail)
        if route.silenced is not None:
            # Still in alarm when the silence ends: the current state is sent once then
            # (a repeat is only sent while the alarm stays in the state it announced).
            until = route.silenced[1]
            resume = until if d.notification.current == State.ALARM.value and \
                until != datetime.datetime.max else None
            return DeliveryUpdate(d.id, d.claim, DeliveryStatus.SILENCED, outcome.detail,
                                  repeat_at=resume)
        if outcome.verdict is Verdict.RETRY and d.attempts < self.conf.notifier.max_attempts:
            wait = self.backoff(d.attempts, outcome.retry_after)
            at = now + datetime.timedelta(seconds=wait)
            return DeliveryUpdate(d.id, d.claim, DeliveryStatus.PENDING,
                                  f"attempt {d.attempts} failed: {outcome.detail}; "
                                  f"next attempt in {wait:.1f} s", next_attempt_at=at)
        repeat_at = None
        if route.period and d.notification.current == State.ALARM.value:
            repeat_at = now + datetime.timedelta(seconds=route.period)
        if outcome.verdict is Verdict.DELIVERED:
            return DeliveryUpdate(d.id, d.claim, DeliveryStatus.DELIVERED,
                                  f"delivered after {tries}: {outcome.detail}",
                                  repeat_at=repeat_at)
        verb = "gave up after" if outcome.verdict is Verdict.RETRY else "failed after"
        return DeliveryUpdate(d.id, d.claim, DeliveryStatus.FAILED,
                              f"{verb} {tries}: {outcome.detail}", repeat_at=repeat_at)

    def backoff(self, attempts: int, retry_after: float | None) -> float:
        """Seconds to wait after ``attempts`` failed attempts: doubling from
        initial_backoff, at least what the receiver asked for, at most max_backoff."""
        opts = self.conf.notifier
        wait = opts.initial_backoff * (2 ** min(attempts - 1, 30)) * self.jitter()
        if retry_after is not None:
            wait = max(wait, retry_after)
        return float(min(wait, opts.max_backoff))
