"""The WSME Alarm type: the wire form of an alarm, with one ``<type>_rule`` per type."""

from __future__ import annotations

import datetime
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import clock, model, trusts
from alarmapi.api.alarm_spec import AlarmSpec
from alarmapi.api.v2 import wsbase
from alarmapi.api.v2.rules import composite
from alarmapi.api.v2.rules.registry import rule_classes, rule_input
from alarmapi.api.v2.time_constraint import TimeConstraint
from alarmapi.api.v2.wire import Wire
from alarmapi.rule_types import COMPOSITE, rule_attribute


class Alarm(wsbase.Base):
    """An alarm as the V2 API shows and accepts it."""

    alarm_id = wtypes.text
    name = wsme.wsattr(wtypes.text, mandatory=True)
    description = wsme.wsattr(wtypes.text)
    enabled = wsme.wsattr(bool, default=True)
    ok_actions = wsme.wsattr([wtypes.text], default=[])
    alarm_actions = wsme.wsattr([wtypes.text], default=[])
    insufficient_data_actions = wsme.wsattr([wtypes.text], default=[])
    repeat_actions = wsme.wsattr(bool, default=False)
    type = wsbase.EnumAttr("type", *rule_classes(), mandatory=True)
    time_constraints = wsme.wsattr([TimeConstraint], default=[])
    project_id = wtypes.text
    user_id = wtypes.text
    timestamp = datetime.datetime
    state = wsbase.EnumAttr("state", *(s.value for s in model.State),
                            default=model.State.INSUFFICIENT_DATA.value)
    state_timestamp = datetime.datetime
    state_reason = wtypes.text
    severity = wsbase.EnumAttr("severity", *(s.value for s in model.Severity),
                               default=model.Severity.LOW.value)
    evaluate_timestamp = datetime.datetime
    #: Extension: why the last evaluation could not read the alarm's data (absent when
    #: it could). Shown only; a PUT may send it back and it is ignored.
    evaluation_error = wsme.wsattr(wtypes.text)
    #: Extension: when the evaluator last took care of the alarm (judged it, or found it
    #: outside its time constraints); absent when it never did. Shown only.
    last_evaluated = wsme.wsattr(datetime.datetime)
    #: Extension: evaluation cycles missed since then (a stuck alarm shows here); shown
    #: for enabled alarms that cycles evaluate, once evaluated or once missed. Shown only.
    missed_evaluations = wsme.wsattr(int)

    def rule(self) -> Any:
        """The rule object of the alarm's own type (Unset when not given)."""
        return getattr(self, rule_attribute(self.type), wsme.Unset)

    def spec(self) -> AlarmSpec:
        """The alarm this body asks for, in no framework's terms."""
        return AlarmSpec(
            name=_given(self.name),
            type=_given(self.type),
            rule=rule_input(self.type, self.rule()) if _given(self.type) else None,
            other_rules=tuple(self.other_rules()),
            description=_given(self.description),
            enabled=_given(self.enabled),
            repeat_actions=_given(self.repeat_actions),
            time_constraints=[tc.as_dict() for tc in _given(self.time_constraints) or []],
            ok_actions=_given(self.ok_actions),
            alarm_actions=_given(self.alarm_actions),
            insufficient_data_actions=_given(self.insufficient_data_actions),
            project_id=_given(self.project_id),
            user_id=_given(self.user_id),
            state=self.state,
            severity=self.severity,
        )

    def other_rules(self) -> list[str]:
        """The names of rule attributes set for other types than the alarm's."""
        return [
            rule_attribute(name)
            for name in rule_classes()
            if name != self.type and getattr(self, rule_attribute(name)) not in (wsme.Unset, None)
        ]


Alarm.add_attributes(
    **{rule_attribute(name): wsme.wsattr(plugin) for name, plugin in rule_classes().items()}
)


def _given(value: Any) -> Any:
    """None for an attribute not given (WSME's Unset) or given as null."""
    return None if value is wsme.Unset else value


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def shown_rule(alarm: model.Alarm) -> dict[str, Any]:
    """The rule as clients see it (internal keys left out)."""
    if alarm.type == COMPOSITE:
        return composite.rendered(alarm.rule)
    cls = rule_classes()[alarm.type]
    return {k: v for k, v in alarm.rule.items()
            if k in cls._stored_keys and k not in cls._hidden_keys}


def to_json(alarm: model.Alarm, interval_s: float | None = None) -> dict[str, Any]:
    """The JSON document of an alarm, as WSME would write it from render()."""
    return {
        "alarm_id": alarm.alarm_id,
        "name": alarm.name,
        "description": alarm.description,
        "enabled": alarm.enabled,
        "ok_actions": trusts.scrub_all(alarm.ok_actions),
        "alarm_actions": trusts.scrub_all(alarm.alarm_actions),
        "insufficient_data_actions": trusts.scrub_all(alarm.insufficient_data_actions),
        "repeat_actions": alarm.repeat_actions,
        "type": alarm.type,
        "time_constraints": alarm.time_constraints,
        "project_id": alarm.project_id,
        "user_id": alarm.user_id,
        "timestamp": _iso(alarm.timestamp),
        "state": alarm.state,
        "state_timestamp": _iso(alarm.state_timestamp),
        "state_reason": alarm.state_reason,
        "severity": alarm.severity,
        "evaluate_timestamp": _iso(alarm.evaluate_timestamp),
        rule_attribute(alarm.type): shown_rule(alarm),
        # Shown only when set, in JSON as in XML: Aodh's documents stay byte for byte.
        **({"evaluation_error": alarm.evaluation_error} if alarm.evaluation_error else {}),
        **accounting(alarm, interval_s),
    }


def accounting(alarm: model.Alarm, interval_s: float | None) -> dict[str, Any]:
    """The extension fields last_evaluated and missed_evaluations, where they apply."""
    shown: dict[str, Any] = {}
    if alarm.last_evaluated_at is not None:
        shown["last_evaluated"] = _iso(alarm.last_evaluated_at)
    missed = (model.missed_evaluations(alarm, interval_s, clock.utcnow())
              if interval_s else None)
    if missed is not None and (missed > 0 or alarm.last_evaluated_at is not None):
        shown["missed_evaluations"] = missed
    return shown


def wire(alarm: model.Alarm, interval_s: float | None = None) -> Wire:
    """One alarm as a response (JSON directly, XML through WSME); with the evaluation
    interval, its evaluation accounting too."""
    return Wire(to_json(alarm, interval_s), lambda: render(alarm, interval_s))


def wire_list(alarms: list[model.Alarm], interval_s: float | None = None) -> Wire:
    """A list of alarms as a response."""
    return Wire([to_json(a, interval_s) for a in alarms],
                lambda: [render(a, interval_s) for a in alarms])


def render(alarm: model.Alarm, interval_s: float | None = None) -> Alarm:
    """The wire form of a stored alarm."""
    data = {k: v for k, v in alarm.as_dict().items()
            if k not in model.MONASCA_FIELDS and k not in model.INTERNAL_FIELDS}
    for field in trusts.ACTION_FIELDS:
        data[field] = trusts.scrub_all(data[field])
    if data["evaluation_error"] is None:  # XML as Aodh writes it: no element at all
        del data["evaluation_error"]
    stored_rule = data.pop("rule")
    constraints = data.pop("time_constraints")
    result = Alarm(**data)
    result.time_constraints = [TimeConstraint(**tc) for tc in constraints]
    if alarm.type == COMPOSITE:
        rule: Any = shown_rule(alarm)
    else:
        rule = rule_classes()[alarm.type].from_stored(stored_rule)
    setattr(result, rule_attribute(alarm.type), rule)
    extra = accounting(alarm, interval_s)
    if "last_evaluated" in extra:
        result.last_evaluated = alarm.last_evaluated_at
    if "missed_evaluations" in extra:
        result.missed_evaluations = extra["missed_evaluations"]
    return result
