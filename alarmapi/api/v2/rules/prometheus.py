"""The prometheus rule schema (accepted and stored; not evaluated by alarmapi)."""

from __future__ import annotations

from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi.api.v2.rules.base import AlarmRule, RuleContext, comparison_operator


class PrometheusRule(AlarmRule):
    """A PromQL query compared with a threshold."""

    _stored_keys = ("comparison_operator", "threshold", "query", "scope_to_project")
    #: Aodh stores the caller's project but never shows it in prometheus_rule.
    _hidden_keys = ("scope_to_project",)

    comparison_operator = comparison_operator()
    threshold = wsme.wsattr(float, mandatory=True)
    query = wsme.wsattr(wtypes.text, mandatory=True)

    def stored_form(self, ctx: RuleContext) -> dict[str, Any]:
        rule = self.as_dict()
        # Kept per alarm, not on the class: Aodh's class attribute leaks between
        # requests of one worker and breaks later composite alarms.
        rule["scope_to_project"] = ctx.caller.scope
        return rule
