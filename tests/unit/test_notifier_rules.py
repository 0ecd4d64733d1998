"""The notifier's pure decisions: outcomes of answers, backoff, routing, settling,
denied destinations, notification method validation."""

from __future__ import annotations

import datetime
import ipaddress
import urllib.parse

import pytest

from alarmapi import conf as alarmapi_conf
from alarmapi import destinations, model
from alarmapi import notification_methods as methods
from alarmapi.deliveries import Delivery, DeliveryStatus
from alarmapi.notifier.base import Outcome, Verdict
from alarmapi.notifier.dispatch import Dispatcher, Route, method_action
from alarmapi.notifier.email import recipients
from alarmapi.notifier.http_client import Response
from alarmapi.notifier.mute import SilenceMuter
from alarmapi.notifier.rest import judge
from alarmapi.notifier.trust import plain_action

NOW = datetime.datetime(2026, 11, 23, 12, 0, 0)


def delivery(attempts: int = 1, current: str = "alarm", repeat: bool = False,
             alarm_state: str | None = "alarm",
             alarm_since: datetime.datetime | None = NOW) -> Delivery:
    notification = model.Notification("a1", "p1", "n", "low", "ok", current, "r", {}, [], NOW)
    return Delivery(7, 3, "http://x/", "k" * 32, attempts, repeat, "claim", notification,
                    alarm_state, alarm_since)


def dispatcher(**options: object) -> Dispatcher:
    conf = alarmapi_conf.prepare([])
    for name, value in options.items():
        conf.set_override(name, value, "notifier")
    return Dispatcher(conf, {}, lambda ids: {}, jitter=lambda: 1.0)


@pytest.mark.parametrize(("status", "verdict"), [
    (200, Verdict.DELIVERED), (204, Verdict.DELIVERED), (500, Verdict.RETRY),
    (503, Verdict.RETRY), (429, Verdict.RETRY), (408, Verdict.RETRY),
    (404, Verdict.FAILED), (400, Verdict.FAILED), (302, Verdict.FAILED),
])
def test_answers(status: int, verdict: Verdict) -> None:
    assert judge(Response(status, "x", None)).verdict is verdict


@pytest.mark.parametrize(("attempts", "retry_after", "wait"), [
    (1, None, 2.0), (2, None, 4.0), (3, None, 8.0), (10, None, 60.0), (40, None, 60.0),
    (1, 30.0, 30.0), (1, 600.0, 60.0),
])
def test_backoff_doubles_within_bounds(attempts: int, retry_after: float | None,
                                       wait: float) -> None:
    assert dispatcher(initial_backoff=2.0, max_backoff=60.0).backoff(
        attempts, retry_after) == wait


def test_settle() -> None:
    d = dispatcher(max_attempts=3, initial_backoff=1.0)
    route = Route(delivery(attempts=1))
    retry = d.settle(route, Outcome.retry("HTTP 503"), NOW)
    assert retry.status is DeliveryStatus.PENDING
    assert retry.next_attempt_at == NOW + datetime.timedelta(seconds=1)
    last = d.settle(Route(delivery(attempts=3)), Outcome.retry("HTTP 503"), NOW)
    assert (last.status, last.result) == (DeliveryStatus.FAILED,
                                          "gave up after 3 attempts: HTTP 503")
    done = d.settle(Route(delivery(), period=60), Outcome.delivered("HTTP 200"), NOW)
    assert done.repeat_at == NOW + datetime.timedelta(seconds=60)
    ok = d.settle(Route(delivery(current="ok"), period=60), Outcome.delivered("x"), NOW)
    assert ok.repeat_at is None  # only alarms repeat


@pytest.mark.parametrize(("state", "since", "current"), [
    ("alarm", NOW, True), ("alarm", NOW - datetime.timedelta(hours=1), True),
    ("ok", NOW, False), ("alarm", NOW + datetime.timedelta(seconds=1), False),
    (None, None, False),
])
def test_repeat_only_while_the_alarm_stays(state: str | None, since: datetime.datetime | None,
                                           current: bool) -> None:
    d = delivery(repeat=True, alarm_state=state, alarm_since=since)
    assert d.still_current() is current
    (route,) = dispatcher().routes([d])
    assert route.cancelled is not current


def test_method_actions() -> None:
    def method(kind: str, address: str) -> methods.NotificationMethod:
        return methods.NotificationMethod("m", "p", "n", kind, address, 0, NOW, NOW)

    assert method_action(method("EMAIL", "a@b.org")) == "mailto:a@b.org"
    assert method_action(method("WEBHOOK", "https://h/x")) == "https://h/x"
    assert method_action(method("PAGERDUTY", "key/1")) == "pagerduty:key%2F1"
    assert methods.method_id("notification-method:abc") == "abc"
    assert methods.method_id("http://x") is None


@pytest.mark.parametrize(("fields", "message"), [
    (("", "EMAIL", "a@b.org", 0), "name is required"),
    (("n" * 251, "EMAIL", "a@b.org", 0), "at most 250"),
    (("n", "SMS", "1234", 0), "Not a valid notification method type SMS"),
    (("n", "EMAIL", "not-an-address", 0), "Address not-an-address is not of correct format"),
    (("n", "WEBHOOK", "ftp://h/x", 0), "scheme is not in"),
    (("n", "WEBHOOK", "http:///x", 0), "does not have network location"),
    (("n", "WEBHOOK", "http://h/x", 30), "30 is not a valid period, not in [0, 60]"),
    (("n", "WEBHOOK", "http://h/x", "soon"), "Period soon must be a valid integer"),
    (("n", "EMAIL", "a@b.org", 60), "Period can only be set with webhooks"),
])
def test_method_validation(fields: tuple[object, ...], message: str) -> None:
    with pytest.raises(methods.InvalidMethod, match=message.replace("[", r"\[")):
        methods.check(*fields, valid_periods=[0, 60])


def test_method_normalisation() -> None:
    assert methods.check("n", "webhook", "http://h/x", "60", [0, 60]) == (
        "n", methods.MethodType.WEBHOOK, "http://h/x", 60)


@pytest.mark.parametrize(("address", "denied"), [
    ("169.254.169.254", True), ("::ffff:169.254.169.254", True), ("fe80::1", True),
    ("0.0.0.0", True), ("100.100.100.200", True), ("127.0.0.1", False),
    ("10.0.0.1", False), ("2001:db8::1", False),
    # IPv4 embedded in IPv6, and the unspecified address (issue 13, section 4).
    ("::169.254.169.254", True), ("64:ff9b::a9fe:a9fe", True), ("64:ff9b:1::a9fe:a9fe", True),
    ("2002:a9fe:a9fe::1", True), ("2001:0:4136:e378:8000:63bf:5601:5601", True),
    ("::", True), ("::ffff:0.0.0.0", True), ("::1", False), ("::ffff:127.0.0.1", False),
    ("64:ff9b::a00:1", False), ("2002:a00:1::1", False),
])
def test_default_denied_networks(address: str, denied: bool) -> None:
    networks = destinations.parse_networks(alarmapi_conf.prepare([]).notifier.denied_networks)
    check = [ipaddress.ip_address(address)]
    if denied:
        with pytest.raises(destinations.DeniedDestination):
            destinations.check_addresses(address, check, networks)
    else:
        destinations.check_addresses(address, check, networks)


def test_names_resolving_into_denied_networks_are_refused() -> None:
    networks = destinations.parse_networks(["127.0.0.0/8"])
    with pytest.raises(destinations.DeniedDestination, match=r"localhost \(127.0.0.1\)"):
        destinations.check_host("localhost", 80, networks)
    assert destinations.check_host("name.invalid", 80, networks) == []


def test_action_parts() -> None:
    action = urllib.parse.urlsplit("trust+https://t1:pw@h:8443/p?q=1")
    assert plain_action(action).geturl() == "https://h:8443/p?q=1"
    assert recipients(urllib.parse.urlsplit("mailto:a@b.org,%20c@d.org")) == [
        "a@b.org", "c@d.org"]


def test_unreadable_silences_retry_the_deliveries_instead_of_losing_the_claim() -> None:
    def broken(projects: list[str | None], now: datetime.datetime) -> dict[str | None, list]:
        raise ConnectionError("database gone")

    conf = alarmapi_conf.prepare([])
    plugins = {"http": object()}  # routed to, never called
    routes = Dispatcher(conf, plugins, lambda ids: {}, jitter=lambda: 1.0,  # type: ignore[arg-type]
                        muter=SilenceMuter(broken)).routes([delivery()], NOW)
    (route,) = routes
    assert route.outcome is not None and route.outcome.verdict is Verdict.RETRY
    assert "silences could not be read" in route.outcome.detail


class _HoldFirst:
    """A mute stage of its own: holds back the first undecided route."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def mute(self, routes: list[Route], now: datetime.datetime) -> None:
        self.seen = [r.delivery.id for r in routes]
        routes[0].outcome = Outcome.failed("held by the test stage")


def test_the_mute_stage_is_a_seam_between_routing_and_the_attempt() -> None:
    conf = alarmapi_conf.prepare([])
    stage = _HoldFirst()
    plugins = {"http": object()}  # routed to, never called
    first, second = Dispatcher(conf, plugins, lambda ids: {},  # type: ignore[arg-type]
                               muter=stage).routes([delivery(), delivery()], NOW)
    assert stage.seen == [7, 7]
    assert first.outcome is not None and first.outcome.detail == "held by the test stage"
    assert second.outcome is None and second.notifier is plugins["http"]
    assert Dispatcher(conf, plugins, lambda ids: {}, muter=stage  # type: ignore[arg-type]
                      ).routes([delivery()])[0].outcome is None  # no moment: no muting
