"""Turn a parsed wire alarm into a checked domain alarm (POST and PUT)."""

from __future__ import annotations

import datetime
import urllib.parse
import uuid
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors, model, notification_methods, rule_shapes
from alarmapi.api.v2 import time_constraint
from alarmapi.api.v2.alarm_type import Alarm
from alarmapi.api.v2.rules import composite
from alarmapi.api.v2.rules.base import RuleContext
from alarmapi.api.v2.rules.registry import rule_classes
from alarmapi.rule_types import COMPOSITE, rule_attribute

ACTION_FIELDS = ("ok_actions", "alarm_actions", "insufficient_data_actions")
#: Action schemes the notifier delivers; log and test are for admins only.
ACTION_SCHEMES = ("http", "https", "trust+http", "trust+https", "trust+heat", "zaqar",
                  "trust+zaqar",
                  "log", "test", "mailto", notification_methods.SCHEME,
                  *model.ALERTMANAGER_SCHEMES)
ADMIN_ONLY_SCHEMES = ("log", "test")


def _set(value: Any) -> bool:
    return value is not wsme.Unset and value is not None


#: An alarm's name is stored in a 255-character column.
MAX_NAME_LENGTH = 255


def check_name(name: Any) -> None:
    """Refuse a missing or over-long name (a 400 naming the field)."""
    if not isinstance(name, str):
        raise errors.InvalidInput("name", name, "Mandatory field missing.")
    if len(name) > MAX_NAME_LENGTH:
        raise errors.InvalidInput("name", name[:40] + "...",
                                  f"at most {MAX_NAME_LENGTH} characters are allowed")


def check_owner(
    data: Alarm, ctx: RuleContext, existing: model.Alarm | None = None
) -> tuple[str | None, str | None]:
    """The project and user the alarm belongs to; only admins may name others.

    On PUT an omitted owner stays as it was (Aodh silently hands the alarm to
    whoever sent the PUT), and the current owner may be sent back unchanged.
    """
    caller = ctx.caller
    default_project = existing.project_id if existing else caller.project_id
    default_user = existing.user_id if existing else caller.user_id
    project_id = data.project_id if _set(data.project_id) else default_project
    user_id = data.user_id if _set(data.user_id) else default_user
    if not caller.is_admin:
        if project_id not in (caller.project_id, default_project):
            raise errors.NotAuthorized(f"Not Authorized to access project {project_id}")
        if user_id not in (caller.user_id, default_user):
            raise errors.NotAuthorized(f"Not Authorized to access user {user_id}")
    return project_id, user_id


def check_actions(data: Alarm, ctx: RuleContext, max_actions: int) -> dict[str, list[str]]:
    """Normalised, de-duplicated action URLs per state."""
    result = {}
    for field in ACTION_FIELDS:
        urls = getattr(data, field)
        urls = [] if not _set(urls) else urls
        unique = list(dict.fromkeys(urls))
        if 0 <= max_actions < len(unique):
            raise errors.ClientError(f"{field} count exceeds maximum value {max_actions}")
        normalised = []
        for url in unique:
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
            normalised.append(parts.geturl())
        result[field] = list(dict.fromkeys(normalised))
    return result


def _empty_rule_keeps_stored(rule: Any, existing: model.Alarm | None, alarm_type: str) -> bool:
    """Whether a PUT's rule is an empty object that can only mean "unchanged".

    aodhclient 3.12 updates a loadbalancer_member_health alarm with an empty rule;
    for a rule type with required fields that is never valid, so the stored rule
    is kept instead of answering 400 as Aodh does.
    """
    if existing is None or existing.type != alarm_type or alarm_type == COMPOSITE:
        return False
    return bool(rule._required) and all(
        getattr(rule, a.key) in (wsme.Unset, None) for a in wtypes.list_attributes(type(rule)))


def check_rule(
    data: Alarm, ctx: RuleContext, existing: model.Alarm | None = None
) -> tuple[dict[str, Any], str]:
    """The stored rule and the default description of its type."""
    if not _set(data.type):  # "type": null, in the words Aodh uses for a missing type
        raise errors.InvalidInput("type", None, "Mandatory field missing.")
    rule = data.rule()
    if _set(rule) and _empty_rule_keeps_stored(rule, existing, data.type):
        assert existing is not None
        rule = rule_classes()[data.type].from_stored(existing.rule)
        return existing.rule, rule.default_description()
    if not _set(rule):
        raise errors.ClientError(f"{data.type}_rule must be set for {data.type} type alarm")
    others = data.other_rules()
    if others:
        raise errors.ClientError(
            f"{others[0]} and {rule_attribute(data.type)} cannot be set at the same time"
        )
    if data.type == COMPOSITE:
        return complete(data.type, composite.normalize(rule, ctx)), "composite alarm rule"
    rule.fill_defaults()
    rule.validate_rule(ctx)
    return complete(data.type, rule.stored_form(ctx)), rule.default_description()


def complete(alarm_type: str, rule: dict[str, Any]) -> dict[str, Any]:
    """The rule in its type's complete stored shape (nulls become defaults); a 400
    naming ``<type>_rule.<field>`` when it does not have that shape."""
    try:
        return rule_shapes.normalized(alarm_type, rule)
    except rule_shapes.UnusableRule as exc:
        raise errors.InvalidInput(f"{rule_attribute(alarm_type)}.{exc.field}", exc.value,
                                  exc.reason) from exc


def build_alarm(
    data: Alarm,
    ctx: RuleContext,
    *,
    now: datetime.datetime,
    max_actions: int = -1,
    existing: model.Alarm | None = None,
) -> model.Alarm:
    """Check a POST/PUT body and build the alarm it describes.

    With ``existing`` (a PUT) the id, owner and timestamps carry over; the state
    timestamp and reason change only when the state does.
    """
    check_name(data.name)
    project_id, user_id = check_owner(data, ctx, existing)
    ctx.project_id = project_id
    constraints = time_constraint.check_all(list(data.time_constraints or []))
    actions = check_actions(data, ctx, max_actions)
    rule, description = check_rule(data, ctx, existing)
    state = data.state
    alarm = model.Alarm(
        alarm_id=existing.alarm_id if existing else str(uuid.uuid4()),
        name=data.name,
        type=data.type,
        rule=rule,
        project_id=project_id,
        user_id=user_id,
        description=data.description if _set(data.description) else description,
        timestamp=now,
        state_timestamp=now,
        enabled=data.enabled if _set(data.enabled) else True,
        repeat_actions=data.repeat_actions if _set(data.repeat_actions) else False,
        time_constraints=constraints,
        state=state,
        state_reason=model.NOT_EVALUATED_REASON,
        severity=data.severity,
        evaluate_timestamp=now,
        ok_actions=actions["ok_actions"],
        alarm_actions=actions["alarm_actions"],
        insufficient_data_actions=actions["insufficient_data_actions"],
    )
    if existing is not None:
        alarm.evaluate_timestamp = existing.evaluate_timestamp
        for field in (*model.MONASCA_FIELDS, *model.EVALUATOR_FIELDS):
            setattr(alarm, field, getattr(existing, field))
        if state == existing.state:
            alarm.state_timestamp = existing.state_timestamp
            alarm.state_reason = existing.state_reason
        else:
            alarm.state_reason = model.MANUAL_STATE_REASON
    return alarm
