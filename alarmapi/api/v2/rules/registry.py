"""The rule schemas by alarm type, loaded once from ``alarmapi.alarm.rule``."""

from __future__ import annotations

import functools
from typing import Any

import wsme
from stevedore import extension
from wsme.rest import json as wjson

from alarmapi import errors
from alarmapi.api.rule_context import RuleInput
from alarmapi.api.v2.rules.composite import CompositeInput
from alarmapi.rule_types import COMPOSITE

NAMESPACE = "alarmapi.alarm.rule"


@functools.cache
def rule_classes() -> dict[str, Any]:
    """Map each alarm type to its rule schema, in entry-point order."""
    manager: extension.ExtensionManager[Any] = extension.ExtensionManager(
        NAMESPACE, invoke_on_load=False
    )
    classes: dict[str, Any] = {}
    for ext in sorted(manager, key=lambda e: e.name):
        plugin = ext.plugin
        try:
            plugin._alarm_type = ext.name
        except (AttributeError, TypeError):  # pragma: no cover - instance plugins
            pass
        classes[ext.name] = plugin
    if not classes:
        raise RuntimeError(f"no rule types found in entry points {NAMESPACE}: "
                           "is alarmapi installed (pip install -e .)?")
    return classes


def parsed(alarm_type: str, fields: dict[str, Any]) -> Any:
    """The rule schema of ``alarm_type`` read from its wire fields (a 400 when they do
    not parse)."""
    try:
        return wjson.fromjson(rule_classes()[alarm_type], fields)
    except wsme.exc.ClientSideError:
        raise
    except (ValueError, TypeError) as exc:
        raise errors.InvalidInput("data", fields, str(exc)) from exc


def rule_input(alarm_type: str, given: Any) -> RuleInput | None:
    """The rule a client gave for ``alarm_type`` (a parsed schema, a composite tree or
    wire fields), ready for the alarm builder; None when none was given."""
    if given is None or given is wsme.Unset:
        return None
    if alarm_type == COMPOSITE:
        return CompositeInput(given)
    if isinstance(given, dict):
        return parsed(alarm_type, given)
    return given
