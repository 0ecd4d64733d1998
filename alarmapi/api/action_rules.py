"""What an alarm action may name: a scheme the notifier delivers, and beyond it no
denied network, a recipient that looks like an address, a notification method of the
alarm's own project."""

from __future__ import annotations

import dataclasses
import urllib.parse
from typing import TYPE_CHECKING

from alarmapi import destinations, errors
from alarmapi import notification_methods as methods
from alarmapi.model import ALERTMANAGER_SCHEMES
from alarmapi.storage.base import NotificationMethodStore

if TYPE_CHECKING:
    from alarmapi.api.alarm_spec import AlarmSpec
    from alarmapi.api.rule_context import RuleContext

ACTION_FIELDS = ("ok_actions", "alarm_actions", "insufficient_data_actions")
#: Action schemes the notifier delivers; log and test are for admins only.
ACTION_SCHEMES = ("http", "https", "trust+http", "trust+https", "trust+heat", "zaqar",
                  "trust+zaqar", "log", "test", "mailto", methods.SCHEME,
                  *ALERTMANAGER_SCHEMES)
ADMIN_ONLY_SCHEMES = ("log", "test")

#: Schemes whose host the notifier connects to.
NETWORK_SCHEMES = ("http", "https", "trust+http", "trust+https", *ALERTMANAGER_SCHEMES)
_DEFAULT_PORTS = {"http": 80, "https": 443, **dict.fromkeys(ALERTMANAGER_SCHEMES, 9093)}


@dataclasses.dataclass
class ActionRules:
    """The operator's limits on actions and the project's notification methods."""

    denied: list[destinations.Network]
    methods: NotificationMethodStore

    def check(self, action: urllib.parse.SplitResult, project_id: str | None) -> None:
        """Raise ClientError when ``action`` may not be used by ``project_id``."""
        url = action.geturl()
        if action.scheme in NETWORK_SCHEMES:
            reason = self.refusal(url)
            if reason is not None:
                raise errors.ClientError(f"Action {url} is not allowed: {reason}")
        elif action.scheme == "mailto":
            addresses = [a for a in action.path.split(",") if a.strip()]
            if not addresses or not all(methods.is_email(a.strip()) for a in addresses):
                raise errors.ClientError(f"Action {url} does not name email addresses")
        elif action.scheme == methods.SCHEME:
            method_id = methods.method_id(url)
            if method_id is None or project_id is None or self.methods.get(
                    method_id, project_id) is None:
                raise errors.ClientError(
                    f"Action {url}: notification method {method_id} does not exist")

    def refusal(self, url: str) -> str | None:
        """Why ``url``'s host may not be called (a denied network, a bad port), or None."""
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.removeprefix("trust+")
        try:
            port = parts.port or _DEFAULT_PORTS.get(scheme, 80)
        except ValueError:
            return "the port is invalid"
        try:
            destinations.check_host(parts.hostname, port, self.denied)
        except destinations.DeniedDestination as exc:
            return str(exc)
        return None


def check_actions(spec: AlarmSpec, ctx: RuleContext, max_actions: int
                  ) -> dict[str, list[str]]:
    """Normalised, de-duplicated action URLs per state (at most ``max_actions`` each,
    -1: no limit)."""
    result = {}
    for field in ACTION_FIELDS:
        unique = list(dict.fromkeys(spec.actions(field)))
        if 0 <= max_actions < len(unique):
            raise errors.ClientError(f"{field} count exceeds maximum value {max_actions}")
        normalised = [_checked_action(field, url, ctx) for url in unique]
        result[field] = list(dict.fromkeys(normalised))
    return result


def _checked_action(field: str, url: str, ctx: RuleContext) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        raise errors.InvalidInput(field, url, f"not a valid URL: {exc}") from exc
    if parts.scheme not in ACTION_SCHEMES:
        raise errors.ClientError(f"Unsupported action {url}")
    if parts.scheme in ADMIN_ONLY_SCHEMES and not ctx.caller.is_admin:
        raise errors.NotAuthorized(f"You are not authorized to create action: {url}")
    if ctx.actions is not None:
        ctx.actions.check(parts, ctx.project_id)
    return parts.geturl()
