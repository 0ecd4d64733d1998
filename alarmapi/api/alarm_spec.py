"""What a client asks an alarm to be, in no API framework's terms.

``/v2`` reads its WSME alarm into a spec, ``/v2.0`` maps a Monasca body straight to
one; :func:`alarmapi.api.alarm_builder.build_alarm` checks a spec and builds the alarm.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from alarmapi import model
from alarmapi.api.rule_context import RuleContext, RuleInput


@dataclasses.dataclass
class AlarmSpec:
    """An alarm's fields as given; None stands for "not given" (the default applies,
    or on an update what the alarm already has where the builder says so)."""

    name: Any
    type: str | None
    rule: RuleInput | None
    #: The rule attributes given for other types than ``type`` (each one a 400).
    other_rules: tuple[str, ...] = ()
    description: str | None = None
    enabled: bool | None = None
    repeat_actions: bool | None = None
    #: Each constraint in its wire form (name, description, start, duration, timezone).
    time_constraints: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    ok_actions: list[str] | None = None
    alarm_actions: list[str] | None = None
    insufficient_data_actions: list[str] | None = None
    project_id: str | None = None
    user_id: str | None = None
    state: str = model.State.INSUFFICIENT_DATA.value
    severity: str = model.Severity.LOW.value

    def actions(self, field: str) -> list[str]:
        """The action URLs given for one of the three action fields."""
        urls: list[str] | None = getattr(self, field)
        return urls or []


@dataclasses.dataclass
class KeptRule:
    """A stored rule left exactly as it is (a Monasca PATCH without an expression)."""

    stored: dict[str, Any]
    description: str

    def is_blank(self) -> bool:
        """Never: the stored rule is complete."""
        return False

    def checked(self, ctx: RuleContext) -> tuple[dict[str, Any], str]:
        """The stored rule, unchanged."""
        return self.stored, self.description

    def described(self, stored: dict[str, Any]) -> str:
        """The description the kept rule came with."""
        return self.description
