"""The composite rule: an and/or tree whose leaves are other rules."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from wsme import types as wtypes

from alarmapi import errors, rule_shapes
from alarmapi.api.rule_context import RuleContext
from alarmapi.rule_kinds import COMPOSABLE_TYPES

#: The description of a composite alarm given none.
DESCRIPTION = "composite alarm rule"


class InvalidCompositeRule(errors.ClientError):
    """The tree is not a dict of "and"/"or" to a list of rules (Aodh's message)."""

    def __init__(self, rule: Any) -> None:
        super().__init__(
            f"Invalid input composite rule: {rule}, it should be a dict with an \"and\" "
            "or \"or\" as key, and the value of dict should be a list of basic threshold "
            "rules or sub composite rules, can be nested."
        )


def _leaf(node: dict[str, Any], ctx: RuleContext) -> dict[str, Any]:
    from alarmapi.api.v2.rules.registry import parsed

    node = dict(node)
    rule_type = node.pop("type", None)
    if not rule_type:
        raise errors.ClientError("type must be set in every rule")
    if rule_type not in COMPOSABLE_TYPES:
        raise errors.ClientError(
            f"Unsupported sub-rule type :{rule_type} in composite rule, should be one of: "
            f"{sorted(COMPOSABLE_TYPES)}"
        )
    rule = parsed(rule_type, node)
    rule.validate_rule(ctx)
    stored = rule.stored_form(ctx)
    stored["type"] = rule_type
    return stored


def normalize(tree: Any, ctx: RuleContext, depth: int = 0) -> dict[str, Any]:
    """Validate a composite tree; return it with every leaf in its stored form."""
    if depth == 0:
        try:
            rule_shapes.check_composite(tree)
        except rule_shapes.UnusableRule as exc:
            raise errors.InvalidInput(exc.field, exc.value, exc.reason) from exc
    if not isinstance(tree, dict):
        raise InvalidCompositeRule(tree)
    if len(tree) == 1:
        ((key, children),) = tree.items()
        if key not in ("and", "or"):
            raise errors.ClientError('Threshold rules should be combined with "and" or "or"')
        if not isinstance(children, list) or not children:
            raise InvalidCompositeRule(tree)
        return {key: [normalize(child, ctx, depth + 1) for child in children]}
    return _leaf(tree, ctx)


@dataclasses.dataclass
class CompositeInput:
    """A composite tree as a client gave it (a :class:`RuleInput`)."""

    tree: Any

    def is_blank(self) -> bool:
        """Never: a composite tree is checked whatever it holds."""
        return False

    def checked(self, ctx: RuleContext) -> tuple[dict[str, Any], str]:
        """The tree with every leaf in its stored form."""
        return normalize(self.tree, ctx), DESCRIPTION

    def described(self, stored: dict[str, Any]) -> str:
        """Every composite alarm's default description."""
        return DESCRIPTION


def rendered(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree as shown to clients. A leaf shows what its rule type hides elsewhere
    when it is set (Aodh shows a prometheus leaf's ``scope_to_project``)."""
    from alarmapi.api.v2.rules.registry import rule_classes

    if len(tree) == 1 and next(iter(tree)) in ("and", "or"):
        ((key, children),) = tree.items()
        return {key: [rendered(child) for child in children]}
    hidden = getattr(rule_classes().get(str(tree.get("type"))), "_hidden_keys", ())
    return {k: v for k, v in tree.items() if k not in hidden or v is not None}


class CompositeRuleType(wtypes.UserType):
    """The WSME type of ``composite_rule``: a JSON object checked after parsing."""

    basetype = wtypes.text
    name = "composite_rule"

    @staticmethod
    def frombasetype(value: Any) -> Any:
        try:
            json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise errors.ClientError(f"{value} is not JSON serializable") from exc
        return value

    @staticmethod
    def tobasetype(value: Any) -> Any:
        return value

    def validate(self, value: Any) -> Any:
        return value


composite_rule = CompositeRuleType()
