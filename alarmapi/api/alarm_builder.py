"""Check an alarm spec and build the domain alarm it describes (create, replace,
backtest, from either API)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from alarmapi import errors, model, rule_kinds, rule_shapes, time_constraints
from alarmapi.api.action_rules import check_actions
from alarmapi.api.alarm_spec import AlarmSpec
from alarmapi.api.rule_context import RuleContext
from alarmapi.rule_types import rule_attribute

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
    spec: AlarmSpec, ctx: RuleContext, existing: model.Alarm | None = None
) -> tuple[str | None, str | None]:
    """The project and user the alarm belongs to; only admins may name others.

    On an update an omitted owner stays as it was (Aodh silently hands the alarm to
    whoever sent the PUT), and the current owner may be sent back unchanged.
    """
    caller = ctx.caller
    default_project = existing.project_id if existing else caller.project_id
    default_user = existing.user_id if existing else caller.user_id
    project_id = spec.project_id if spec.project_id is not None else default_project
    user_id = spec.user_id if spec.user_id is not None else default_user
    if not caller.is_admin:
        if project_id not in (caller.project_id, default_project):
            raise errors.NotAuthorized(f"Not Authorized to access project {project_id}")
        if user_id not in (caller.user_id, default_user):
            raise errors.NotAuthorized(f"Not Authorized to access user {user_id}")
    return project_id, user_id


def check_type(spec: AlarmSpec) -> str:
    """The alarm's type ("type": null is refused in the words Aodh uses for a missing
    type; a type the API does not know never gets a rule input)."""
    if spec.type is None:
        raise errors.InvalidInput("type", None, "Mandatory field missing.")
    return spec.type


def check_rule(
    spec: AlarmSpec, alarm_type: str, ctx: RuleContext, existing: model.Alarm | None = None
) -> tuple[dict[str, Any], str]:
    """The stored rule and the default description of its type."""
    rule = spec.rule
    if (rule is not None and existing is not None and existing.type == alarm_type
            and rule.is_blank()):
        # aodhclient 3.12 updates a loadbalancer_member_health alarm with an empty
        # rule: for a type with required fields that can only mean "unchanged" (Aodh
        # answers 400).
        return existing.rule, rule.described(existing.rule)
    if rule is None:
        raise errors.ClientError(f"{alarm_type}_rule must be set for {alarm_type} type alarm")
    if spec.other_rules:
        raise errors.ClientError(
            f"{spec.other_rules[0]} and {rule_attribute(alarm_type)} cannot be set at the "
            "same time")
    stored, description = rule.checked(ctx)
    return complete(alarm_type, stored), description


def complete(alarm_type: str, rule: dict[str, Any]) -> dict[str, Any]:
    """The rule in its type's complete stored shape (nulls become defaults); a 400
    naming ``<type>_rule.<field>`` when it does not have that shape."""
    try:
        return rule_kinds.normalized(alarm_type, rule)
    except rule_shapes.UnusableRule as exc:
        raise errors.InvalidInput(f"{rule_attribute(alarm_type)}.{exc.field}", exc.value,
                                  exc.reason) from exc


def build_alarm(
    spec: AlarmSpec,
    ctx: RuleContext,
    *,
    now: datetime.datetime,
    max_actions: int = -1,
    existing: model.Alarm | None = None,
) -> model.Alarm:
    """Check a spec and build the alarm it describes.

    With ``existing`` (an update) the id, owner and timestamps carry over; the state
    timestamp and reason change only when the state does.
    """
    check_name(spec.name)
    project_id, user_id = check_owner(spec, ctx, existing)
    ctx.project_id = project_id
    constraints = time_constraints.check_all(spec.time_constraints)
    actions = check_actions(spec, ctx, max_actions)
    alarm_type = check_type(spec)
    rule, description = check_rule(spec, alarm_type, ctx, existing)
    alarm = model.Alarm(
        alarm_id=existing.alarm_id if existing else str(uuid.uuid4()),
        name=spec.name,
        type=alarm_type,
        rule=rule,
        project_id=project_id,
        user_id=user_id,
        description=spec.description if spec.description is not None else description,
        timestamp=now,
        state_timestamp=now,
        enabled=spec.enabled if spec.enabled is not None else True,
        repeat_actions=spec.repeat_actions if spec.repeat_actions is not None else False,
        time_constraints=constraints,
        state=spec.state,
        state_reason=model.NOT_EVALUATED_REASON,
        severity=spec.severity,
        evaluate_timestamp=now,
        ok_actions=actions["ok_actions"],
        alarm_actions=actions["alarm_actions"],
        insufficient_data_actions=actions["insufficient_data_actions"],
    )
    if existing is not None:
        _carry_over(alarm, existing)
    return alarm


def _carry_over(alarm: model.Alarm, existing: model.Alarm) -> None:
    """What an update keeps of the alarm it replaces."""
    alarm.evaluate_timestamp = existing.evaluate_timestamp
    for field in (*model.MONASCA_FIELDS, *model.EVALUATOR_FIELDS):
        setattr(alarm, field, getattr(existing, field))
    if alarm.state == existing.state:
        alarm.state_timestamp = existing.state_timestamp
        alarm.state_reason = existing.state_reason
    else:
        alarm.state_reason = model.MANUAL_STATE_REASON
