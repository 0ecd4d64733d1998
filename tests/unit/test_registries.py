"""The rule registry and the core contract name the same types."""

from __future__ import annotations

from alarmapi import rule_types
from alarmapi.api.v2.rules.registry import rule_classes


def test_api_registers_every_contract_type() -> None:
    assert sorted(rule_classes()) == sorted(rule_types.ALL_TYPES)


def test_composable_and_evaluated_types_are_known() -> None:
    assert set(rule_types.COMPOSABLE_TYPES) <= set(rule_types.ALL_TYPES)
    assert set(rule_types.EVALUATED_TYPES) <= set(rule_types.ALL_TYPES)
