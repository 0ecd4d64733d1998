"""The three gnocchi_* rule schemas, validated against the configured Gnocchi."""

from __future__ import annotations

import json
from typing import Any

import wsme
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.api.rule_context import RuleContext
from alarmapi.api.v2.rules.base import AlarmRule, comparison_operator
from alarmapi.gnocchi import BACKEND, methods

_COMMON_KEYS = ("granularity", "comparison_operator", "threshold", "aggregation_method",
                "evaluation_periods")


class GnocchiRule(AlarmRule):
    """What the three Gnocchi rules share: threshold, method, granularity, periods."""

    comparison_operator = comparison_operator()
    threshold = wsme.wsattr(float, mandatory=True)
    aggregation_method = wsme.wsattr(wtypes.text, mandatory=True)
    evaluation_periods = wsme.wsattr(wtypes.IntegerType(minimum=1, maximum=100), default=1)
    granularity = wsme.wsattr(
        wtypes.IntegerType(minimum=1, maximum=3600 * 24 * 365), default=60
    )

    def validate_rule(self, ctx: RuleContext) -> None:
        client = ctx.backend(BACKEND)
        if client is None:
            raise errors.BackendUnavailable(
                "Gnocchi is not configured ([gnocchi] endpoint): gnocchi_* alarms "
                "cannot be validated"
            )
        methods = client.aggregation_methods()
        if self.aggregation_method not in methods:
            raise errors.ClientError(
                f"aggregation_method should be in {methods} not {self.aggregation_method}"
            )


def check_owned(ctx: RuleContext, what: str, ident: str, owner: str | None) -> None:
    """A project-scoped caller's rule may only read its own project's Gnocchi data
    (Aodh lets it read any, with the service's credentials). Data Gnocchi does not
    have yet (``owner`` None) is allowed, as in Aodh: it has nothing to show."""
    if ctx.caller.scope is not None and owner is not None and owner != ctx.project_id:
        raise errors.NotAuthorized(f"Not Authorized to access {what} {ident}")


class ResourcesRule(GnocchiRule):
    """gnocchi_resources_threshold: one metric of one resource."""

    _stored_keys = (*_COMMON_KEYS, "metric", "resource_id", "resource_type")

    metric = wsme.wsattr(wtypes.text, mandatory=True)
    resource_id = wsme.wsattr(wtypes.text, mandatory=True)
    resource_type = wsme.wsattr(wtypes.text, mandatory=True)

    def validate_rule(self, ctx: RuleContext) -> None:
        super().validate_rule(ctx)
        client = ctx.backend(BACKEND)
        assert client is not None
        if ctx.caller.scope is not None and isinstance(self.resource_id, str) and \
                isinstance(self.resource_type, str):
            owner = client.resource_project(self.resource_type, self.resource_id)
            check_owned(ctx, "resource", self.resource_id, owner)


class AggregationByMetricsRule(GnocchiRule):
    """gnocchi_aggregation_by_metrics_threshold: an aggregate of metric ids."""

    _stored_keys = (*_COMMON_KEYS, "metrics")

    metrics = wsme.wsattr([wtypes.text], mandatory=True)

    def validate_rule(self, ctx: RuleContext) -> None:
        super().validate_rule(ctx)
        client = ctx.backend(BACKEND)
        assert client is not None
        if ctx.caller.scope is not None:
            for metric in self.metrics or []:
                if isinstance(metric, str):
                    check_owned(ctx, "metric", metric, client.metric_project(metric))


class AggregationByResourcesRule(GnocchiRule):
    """gnocchi_aggregation_by_resources_threshold: a metric over a resource search."""

    _stored_keys = (*_COMMON_KEYS, "metric", "query", "resource_type")

    metric = wsme.wsattr(wtypes.text, mandatory=True)
    query = wsme.wsattr(wtypes.text, mandatory=True)
    resource_type = wsme.wsattr(wtypes.text, mandatory=True)

    def _search(self, ctx: RuleContext) -> Any:
        try:
            search = json.loads(self.query)
        except ValueError as exc:
            raise errors.InvalidInput("rule/query", self.query, "") from exc
        scope = ctx.caller.scope
        if scope is not None:
            # A project-scoped caller only aggregates over its own resources. A query
            # read back from GET is scoped already: do not wrap it twice.
            guard = {"=": {"created_by_project_id": scope}}
            parts = search.get("and") if isinstance(search, dict) else None
            if not (isinstance(parts, list) and len(parts) == 2 and parts[0] == guard):
                search = {"and": [guard, search]}
        return search

    def validate_rule(self, ctx: RuleContext) -> None:
        search = self._search(ctx)
        super().validate_rule(ctx)
        client = ctx.backend(BACKEND)
        assert client is not None
        method = self.aggregation_method
        operations: list[Any] = (
            ["aggregate", method, ["metric", self.metric, method.removeprefix("rate:")]]
            if methods.reducible(method) else ["metric", self.metric, method])
        client.check_aggregate(operations, self.resource_type, search)

    def stored_form(self, ctx: RuleContext) -> dict[str, Any]:
        rule = self.as_dict()
        rule["query"] = json.dumps(self._search(ctx))
        return rule
