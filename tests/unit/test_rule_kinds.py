"""The rule-kind registry (issue 26.3): each type's facts once, everything else derived."""

from __future__ import annotations

import pytest

from alarmapi import rule_kinds, rule_types
from alarmapi.api.v2 import capabilities
from alarmapi.rule_shapes import UnusableRule


def test_the_type_lists_are_derived_from_the_kinds() -> None:
    assert rule_kinds.ALL_TYPES == tuple(rule_kinds.KINDS)
    assert set(rule_kinds.COMPOSABLE_TYPES) == {
        rule_types.THRESHOLD, *rule_types.GNOCCHI_TYPES, rule_types.PROMETHEUS}
    assert rule_types.COMPOSITE not in rule_kinds.COMPOSABLE_TYPES
    assert set(rule_kinds.SHAPED_TYPES) == set(rule_kinds.COMPOSABLE_TYPES)
    assert set(rule_kinds.BACKTESTED_TYPES) == {rule_types.THRESHOLD, rule_types.COMPOSITE}


def test_every_backtested_type_is_advertised_as_a_capability() -> None:
    flags = {k for k in capabilities.EXTENSIONS if k.startswith("alarms:backtest:")}
    assert flags == {f"alarms:backtest:{t}" for t in rule_kinds.BACKTESTED_TYPES}


@pytest.mark.parametrize("rule_type", rule_kinds.ALL_TYPES)
def test_every_kind_but_composite_reads_its_shape(rule_type: str) -> None:
    found = rule_kinds.kind(rule_type)
    if rule_type == rule_types.COMPOSITE:
        with pytest.raises(UnusableRule):
            found.read({})
    else:
        assert found.shape is not None


def test_an_unknown_type_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(UnusableRule) as caught:
        rule_kinds.kind("nagios")
    assert caught.value.value == "nagios" and "threshold" in caught.value.reason


def test_a_rule_and_its_composite_leaves_are_completed_by_their_kinds() -> None:
    plain = rule_kinds.normalized(rule_types.THRESHOLD, {"meter_name": "cpu",
                                                         "threshold": 1, "period": None})
    assert (plain["period"], plain["statistic"], plain["evaluation_periods"]) == (60, "avg", 1)
    tree = rule_kinds.normalized(rule_types.COMPOSITE, {"or": [
        {"type": "threshold", "meter_name": "cpu", "threshold": 2},
        {"type": "prometheus", "query": "up", "threshold": 1},
        {"type": "event", "event_type": "x.*"}]})
    first, second, third = tree["or"]
    assert (first["type"], first["comparison_operator"]) == ("threshold", "eq")
    assert (second["type"], second["scope_to_project"]) == ("prometheus", None)
    assert third == {"type": "event", "event_type": "x.*"}  # no complete shape: as given
    event = {"event_type": "compute.*", "query": []}
    assert rule_kinds.normalized(rule_types.EVENT, event) == event


def test_a_rule_without_its_shape_names_the_field() -> None:
    with pytest.raises(UnusableRule) as caught:
        rule_kinds.normalized(rule_types.THRESHOLD, {"meter_name": "cpu"})
    assert caught.value.field == "threshold"
