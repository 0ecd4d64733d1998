"""The rule registry and the core contract name the same types."""

from __future__ import annotations

from alarmapi import rule_kinds, rule_types
from alarmapi.api.v2.rules.registry import rule_classes
from alarmapi.evaluator import sources


def test_api_registers_every_contract_type() -> None:
    assert sorted(rule_classes()) == sorted(rule_kinds.ALL_TYPES)


def test_composable_and_evaluated_types_are_known() -> None:
    assert set(rule_kinds.COMPOSABLE_TYPES) <= set(rule_kinds.ALL_TYPES)
    assert set(rule_kinds.EVALUATED_TYPES) <= set(rule_kinds.ALL_TYPES)


def test_every_evaluated_type_has_one_registered_source() -> None:
    judged = [t for cls in sources.registered().values() for t in cls.rule_types]
    assert sorted(judged) == sorted(set(judged))  # no type judged by two sources
    assert set(judged) == set(rule_kinds.EVALUATED_TYPES) - {rule_types.COMPOSITE}
    assert set(judged) <= set(rule_classes())


def test_the_cli_creates_every_rule_type() -> None:
    from alarmapi.client.alarm_commands import RULE_TYPES

    assert sorted(RULE_TYPES) == sorted(rule_kinds.ALL_TYPES)
