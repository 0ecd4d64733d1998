"""The prometheus rule schema: a PromQL query compared with a threshold."""

from __future__ import annotations

from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import promql
from alarmapi.api.rule_context import RuleContext
from alarmapi.api.v2.rules.base import AlarmRule, comparison_operator


def scope_of(ctx: RuleContext) -> str | None:
    """The project whose series the alarm may read: its own project, except for an
    admin's alarm in the admin's own project, which reads every project's (Aodh's
    ``scope_to_project``)."""
    if ctx.caller.is_admin and ctx.project_id in (None, ctx.caller.project_id):
        return None
    return ctx.project_id


class PrometheusRule(AlarmRule):
    """A PromQL query compared with a threshold."""

    _stored_keys = ("comparison_operator", "threshold", "query", "scope_to_project")
    #: Aodh stores the scope but never shows it in prometheus_rule (composite leaves
    #: show it, see composite.rendered).
    _hidden_keys = ("scope_to_project",)

    comparison_operator = comparison_operator()
    threshold = wsme.wsattr(float, mandatory=True)
    query = wsme.wsattr(wtypes.text, mandatory=True)
    #: Accepted back from a GET of a composite alarm and ignored: the scope is always
    #: derived from the caller and the alarm's project.
    scope_to_project = wsme.wsattr(wtypes.text)

    def validate_rule(self, ctx: RuleContext) -> None:
        """A scoped query must be one that can be confined to its project."""
        scope = scope_of(ctx)
        if scope is not None:
            promql.scoped(self.query, ctx.prometheus_label, scope)

    def stored_form(self, ctx: RuleContext) -> dict[str, Any]:
        rule = self.as_dict()
        # Kept per alarm, not on the class: Aodh's class attribute leaks between
        # requests of one worker and breaks later composite alarms.
        rule["scope_to_project"] = scope_of(ctx)
        return rule
