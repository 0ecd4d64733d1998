"""Notification methods (Monasca's named destinations) and how an alarm action names
one: ``notification-method:<id>``."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
import urllib.parse

from alarmapi import errors

#: The action scheme that names a notification method by id.
SCHEME = "notification-method"
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
WEBHOOK_SCHEMES = ("http", "https")


class MethodType(enum.StrEnum):
    """What kind of destination a method is."""

    EMAIL = "EMAIL"
    WEBHOOK = "WEBHOOK"
    PAGERDUTY = "PAGERDUTY"
    #: The address is an Alertmanager's http(s) URL; alarms become its alerts.
    ALERTMANAGER = "ALERTMANAGER"


@dataclasses.dataclass
class NotificationMethod:
    """A project's named destination."""

    id: str
    project_id: str
    name: str
    type: str
    address: str
    period: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class InvalidMethod(errors.ClientError):
    """A notification method that cannot be stored, and why (400)."""


def is_email(address: str) -> bool:
    """Whether ``address`` looks like one email address."""
    return bool(_EMAIL.match(address))


def action_for(method_id: str) -> str:
    """The alarm action that delivers through a notification method."""
    return f"{SCHEME}:{method_id}"


def method_id(action: str) -> str | None:
    """The notification method an action names, or None for another action."""
    prefix = f"{SCHEME}:"
    if not action.startswith(prefix):
        return None
    return action[len(prefix):].strip("/") or None


def check(name: object, kind: object, address: object, period: object,
          valid_periods: list[int]) -> tuple[str, MethodType, str, int]:
    """Validate a method's fields as Monasca does; return them normalised."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidMethod("name is required and must be a non-empty string")
    if len(name) > 250:
        raise InvalidMethod(f"name is {len(name)} characters long, at most 250 are allowed")
    if not isinstance(kind, str):
        raise InvalidMethod("type is required and must be a string")
    try:
        method_type = MethodType(kind.upper())
    except ValueError as exc:
        raise InvalidMethod(f"Not a valid notification method type {kind}, "
                            f"not in {[t.value for t in MethodType]}") from exc
    if not isinstance(address, str) or not address:
        raise InvalidMethod("address is required and must be a non-empty string")
    if len(address) > 512:
        raise InvalidMethod(f"address is {len(address)} characters long, at most 512 "
                            "are allowed")
    number = _period(period, valid_periods)
    if method_type is MethodType.EMAIL and not is_email(address):
        raise InvalidMethod(f"Address {address} is not of correct format")
    if method_type in (MethodType.WEBHOOK, MethodType.ALERTMANAGER):
        _check_url(address)
    if method_type is not MethodType.WEBHOOK and number != 0:
        raise InvalidMethod("Period can only be set with webhooks")
    return name, method_type, address, number


def alertmanager_action(address: str) -> str:
    """The action of an ALERTMANAGER method: its http(s) URL as alertmanager(+https)."""
    parts = urllib.parse.urlsplit(address)
    scheme = "alertmanager+https" if parts.scheme == "https" else "alertmanager"
    return urllib.parse.urlunsplit((scheme, parts.netloc, parts.path, "", ""))


def _period(value: object, valid_periods: list[int]) -> int:
    if isinstance(value, bool):
        raise InvalidMethod(f"Period {value} must be a valid integer")
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise InvalidMethod(f"Period {value} must be a valid integer") from exc
    if number != 0 and number not in valid_periods:
        raise InvalidMethod(f"{number} is not a valid period, not in {valid_periods}")
    return number


def _check_url(address: str) -> None:
    try:
        parts = urllib.parse.urlsplit(address)
    except ValueError as exc:  # "http://[::1/": an unclosed IPv6 address
        raise InvalidMethod(f"Address {address} is not a valid URL: {exc}") from exc
    if not parts.scheme:
        raise InvalidMethod(f"Address {address} does not have URL scheme")
    if not parts.netloc:
        raise InvalidMethod(f"Address {address} does not have network location")
    if parts.scheme not in WEBHOOK_SCHEMES:
        raise InvalidMethod(f"Address {address} scheme is not in {list(WEBHOOK_SCHEMES)}")
