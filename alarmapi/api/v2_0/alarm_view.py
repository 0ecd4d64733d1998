"""The Monasca v2.0 alarm document and its vocabulary, over ordinary alarmapi alarms.

Each API keeps its own words: a Monasca client reads OK/ALARM/UNDETERMINED and
LOW/MEDIUM/HIGH/CRITICAL, an Aodh client reads Aodh's states and severities, of
the same stored alarm.
"""

from __future__ import annotations

import datetime
import functools
import urllib.parse
from typing import Any

from alarmapi import model, notification_methods
from alarmapi.api.action_rules import ACTION_SCHEMES
from alarmapi.expressions import grammar, rules
from alarmapi.expressions.grammar import Node
from alarmapi.metrics.model import DimensionFilter

#: Monasca state -> alarm state.
STATES = {"OK": model.State.OK.value, "ALARM": model.State.ALARM.value,
          "UNDETERMINED": model.State.INSUFFICIENT_DATA.value}
_STATE_WORDS = {v: k for k, v in STATES.items()}
#: Monasca severity -> Aodh severity (HIGH has none of its own: critical).
SEVERITIES = {"LOW": model.Severity.LOW.value, "MEDIUM": model.Severity.MODERATE.value,
              "HIGH": model.Severity.CRITICAL.value, "CRITICAL": model.Severity.CRITICAL.value}
_SEVERITY_WORDS = {model.Severity.LOW.value: "LOW", model.Severity.MODERATE.value: "MEDIUM",
                   model.Severity.CRITICAL.value: "CRITICAL"}
#: Monasca action list -> alarm action list.
ACTION_FIELDS = {"alarm_actions": "alarm_actions", "ok_actions": "ok_actions",
                 "undetermined_actions": "insufficient_data_actions"}


def state_word(state: str) -> str:
    """The Monasca word of an alarm state."""
    return _STATE_WORDS.get(state, "UNDETERMINED")


def severity_word(alarm: model.Alarm) -> str:
    """The Monasca severity: the word it was given while that still matches the
    alarm's severity, else the word of its Aodh severity."""
    given = alarm.monasca_severity
    if given is not None and SEVERITIES.get(given) == alarm.severity:
        return given
    return _SEVERITY_WORDS.get(alarm.severity, "LOW")


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> Node | None:
    try:
        return grammar.parse(text)
    except grammar.ExpressionError:
        return None


def expression(alarm: model.Alarm) -> tuple[str, Node] | None:
    """The alarm's expression text and tree; None when its rule has no expression.

    The text the alarm was written with is shown while it still describes the rule;
    once the rule was changed through /v2/alarms, the rule written out.
    """
    node = rules.expression_of(alarm.type, alarm.rule, alarm.project_id)
    if node is None:
        return None
    if alarm.expression is not None and _parsed(alarm.expression) == node:
        return alarm.expression, node
    return node.text(), node


def action_ids(urls: list[str]) -> list[str]:
    """Alarm actions as Monasca shows them: notification method ids (other actions,
    set through /v2/alarms, as they are)."""
    return [notification_methods.method_id(url) or url for url in urls]


def action_urls(entries: list[str]) -> list[str]:
    """Monasca action entries as alarm actions: an id names a notification method;
    an entry with an action scheme (http:, mailto: ...) is kept as it is."""
    urls = []
    for entry in entries:
        scheme = urllib.parse.urlsplit(entry).scheme
        urls.append(entry if scheme in ACTION_SCHEMES else notification_methods.action_for(entry))
    return urls


def matches(node: Node, filters: list[DimensionFilter]) -> bool:
    """Whether one of the expression's metrics has every dimension asked for."""
    for sub in grammar.subexpressions(node):
        dims = dict(sub.dimensions)
        if all(f.key in dims and (not f.values or dims[f.key] in f.values) for f in filters):
            return True
    return False


def metrics(node: Node) -> list[dict[str, Any]]:
    """The metrics an expression watches, as Monasca lists them."""
    return [{"name": sub.metric_name, "dimensions": dict(sub.dimensions)}
            for sub in grammar.subexpressions(node)]


def timestamp(value: datetime.datetime) -> str:
    """Monasca's time format: UTC, milliseconds, Z."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def document(alarm: model.Alarm, href: str) -> dict[str, Any] | None:
    """The alarm as /v2.0/alarms shows it (None when it has no expression)."""
    shown = expression(alarm)
    if shown is None:
        return None
    text, node = shown
    return {
        "id": alarm.alarm_id,
        "links": [{"rel": "self", "href": href},
                  {"rel": "history", "href": f"{href}/state-history"}],
        "name": alarm.name,
        "description": alarm.description,
        "expression": text,
        "expression_data": node.data(),
        "state": state_word(alarm.state),
        "severity": severity_word(alarm),
        "actions_enabled": alarm.actions_enabled,
        **{field: action_ids(getattr(alarm, stored)) for field, stored in ACTION_FIELDS.items()},
    }
