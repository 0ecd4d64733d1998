"""What every rule schema offers the alarm type: validation, defaults, storage form."""

from __future__ import annotations

from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi.api.rule_context import RuleContext
from alarmapi.api.v2.wsbase import Base, EnumAttr
from alarmapi.rule_types import COMPARISON_OPERATORS


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

    def is_blank(self) -> bool:
        """Whether nothing was given of a rule whose type has required fields."""
        return bool(self._required) and all(
            getattr(self, a.key) in (wsme.Unset, None) for a in wtypes.list_attributes(type(self)))

    def checked(self, ctx: RuleContext) -> tuple[dict[str, Any], str]:
        """The stored form after the rule's checks, and its default description."""
        self.fill_defaults()
        self.validate_rule(ctx)
        return self.stored_form(ctx), self.default_description()

    def described(self, stored: dict[str, Any]) -> str:
        """The default description of a stored rule of this type."""
        return self.from_stored(stored).default_description()

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
