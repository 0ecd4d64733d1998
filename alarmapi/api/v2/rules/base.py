"""What every rule schema offers the alarm type: validation, defaults, storage form."""

from __future__ import annotations

import dataclasses
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi.api.identity import Caller
from alarmapi.api.v2.action_rules import ActionRules
from alarmapi.api.v2.wsbase import Base, EnumAttr
from alarmapi.gnocchi import GnocchiClient
from alarmapi.octavia import OctaviaClient
from alarmapi.rule_types import COMPARISON_OPERATORS


@dataclasses.dataclass
class RuleContext:
    """What alarm validation may consult: the caller, Gnocchi, the action limits."""

    caller: Caller
    project_id: str | None
    gnocchi: GnocchiClient | None = None
    #: The limits on actions (None: only their schemes are checked).
    actions: ActionRules | None = None
    #: The Prometheus label that holds a series' project.
    prometheus_label: str = "project"
    #: Octavia (None: pools are not checked at create, only at evaluation).
    octavia: OctaviaClient | None = None


class AlarmRule(Base):
    """Base of the rule schemas; subclasses list their stored keys in ``_stored_keys``."""

    _stored_keys: tuple[str, ...] = ()
    #: Stored keys that are never shown in the rule's own attribute.
    _hidden_keys: tuple[str, ...] = ()
    #: Mandatory keys checked by validate_rule instead of WSME (see alarm_checks).
    _required: tuple[str, ...] = ()

    def validate_rule(self, ctx: RuleContext) -> None:
        """Check the rule beyond its types (Gnocchi, query syntax); raise ClientError."""

    def fill_defaults(self) -> None:
        """An attribute sent as null takes its default, as an absent one does (Heat
        sends every property it was not given as null)."""
        for attribute in wtypes.list_attributes(type(self)):
            default = getattr(attribute, "default", None)  # EnumAttr defaults itself
            if default not in (None, wsme.Unset) and getattr(self, attribute.key) is None:
                setattr(self, attribute.key, default)

    def as_dict(self) -> dict[str, Any]:
        """The stored form of the rule."""
        return self.as_dict_from_keys(list(self._stored_keys))

    def stored_form(self, ctx: RuleContext) -> dict[str, Any]:
        """The stored form, with what the caller's scope adds to it."""
        return self.as_dict()

    def default_description(self) -> str:
        """The description an alarm of this rule gets when none is given."""
        return f"{self.alarm_type()} alarm rule"

    @classmethod
    def alarm_type(cls) -> str:
        """The alarm type name of this rule (set by the registry)."""
        return getattr(cls, "_alarm_type", "")

    @classmethod
    def from_stored(cls, rule: dict[str, Any]) -> AlarmRule:
        """Build the rule for rendering from its stored form."""
        shown = {
            k: v for k, v in rule.items() if k in cls._stored_keys and k not in cls._hidden_keys
        }
        return cls(**shown)


def comparison_operator() -> EnumAttr:
    """The comparison_operator attribute of threshold-like rules (default eq)."""
    return EnumAttr("comparison_operator", *COMPARISON_OPERATORS, default="eq")
