"""The rule schemas by alarm type, loaded once from ``alarmapi.alarm.rule``."""

from __future__ import annotations

import functools
from typing import Any

from stevedore import extension

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
