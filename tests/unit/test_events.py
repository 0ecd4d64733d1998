"""Events and the event rule: parsing, conditions on traits and on other fields,
types, and Aodh's reason."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from alarmapi.events import Event, EventShape, InvalidEvent, events_of, reason_data
from alarmapi.rule_shapes import UnusableRule

RAW = {"message_id": "m1", "event_type": "compute.instance.update",
       "generated": "2026-12-02T10:00:00.000000",
       "traits": [["tenant_id", 1, "p1"], ["memory_mb", 2, 512], ["load", 3, 0.5],
                  ["state", 1, "error"], ["launched_at", 4, "2026-12-01T00:00:00"],
                  ["flag", 1, "True"]]}


def rule(*query: dict[str, Any], event_type: str = "compute.instance.*") -> EventShape:
    return EventShape.from_stored({"event_type": event_type, "query": list(query)})


def test_an_event_is_parsed_with_typed_traits_and_its_project() -> None:
    event = Event.parse(RAW)
    assert (event.message_id, event.project) == ("m1", "p1")
    assert event.traits["memory_mb"] == 512 and event.traits["load"] == 0.5
    assert event.traits["launched_at"] == datetime.datetime(2026, 12, 1)
    assert event.value("traits.state") == "error" and event.value("event_type") == (
        "compute.instance.update")
    assert events_of(RAW) == [RAW] and events_of([RAW, RAW]) == [RAW, RAW]


@pytest.mark.parametrize("raw", [{}, {"event_type": "x"}, {"message_id": "m"}, "text",
                                 {"message_id": "m", "event_type": "x", "traits": [[1]]}])
def test_events_without_their_fields_are_invalid(raw: Any) -> None:
    with pytest.raises(InvalidEvent):
        Event.parse(raw)


@pytest.mark.parametrize(("query", "expected"), [
    ({"field": "traits.state", "op": "eq", "value": "error"}, True),
    ({"field": "traits.state", "op": "ne", "value": "error"}, False),
    ({"field": "traits.memory_mb", "op": "ge", "value": "512", "type": "integer"}, True),
    ({"field": "traits.memory_mb", "op": "gt", "value": "512", "type": "integer"}, False),
    ({"field": "traits.load", "op": "lt", "value": "0.75", "type": "float"}, True),
    ({"field": "traits.flag", "op": "eq", "value": "true", "type": "boolean"}, True),
    ({"field": "traits.launched_at", "op": "lt", "value": "2026-12-02T00:00:00",
      "type": "datetime"}, True),
    ({"field": "event_type", "op": "eq", "value": "compute.instance.update"}, True),
    ({"field": "message_id", "op": "eq", "value": "m2"}, False),
    ({"field": "traits.state", "op": "eq", "value": "1", "type": "integer"}, False),
    ({"field": "traits.missing", "op": "eq", "value": "x"}, False),
    ({"field": "traits.missing", "op": "ne", "value": "x"}, True),
])
def test_conditions(query: dict[str, Any], expected: bool) -> None:
    assert rule(query).matches(Event.parse(RAW)) is expected


def test_the_event_type_is_a_pattern_and_conditions_combine_with_and() -> None:
    event = Event.parse(RAW)
    assert not rule(event_type="volume.*").matches(event)
    assert rule(event_type="*").matches(event)
    assert not rule({"field": "traits.state", "value": "error"},
                    {"field": "traits.memory_mb", "value": "1", "type": "integer"}
                    ).matches(event)


@pytest.mark.parametrize("query", [
    {"field": "traits.x", "op": "like", "value": "1"},
    {"field": "traits.x", "value": "many", "type": "integer"},
    {"field": "traits.x", "value": "1", "type": "blob"},
    {"value": "1"},
])
def test_a_broken_rule_is_unusable(query: dict[str, Any]) -> None:
    with pytest.raises(UnusableRule):
        rule(query)


def test_aodhs_reason_and_reason_data() -> None:
    query = {"field": "traits.state", "op": "eq", "type": "", "value": "error"}
    event = Event.parse(RAW)
    assert rule(query).reason(event) == (
        "Event <id=m1,event_type=compute.instance.update> hits the query <query="
        '[{"field": "traits.state", "op": "eq", "type": "", "value": "error"}]>.')
    assert reason_data(event) == {"type": "event", "event": RAW}
