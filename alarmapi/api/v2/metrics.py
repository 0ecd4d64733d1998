"""/v2/metrics: Aodh's evaluation-result counters (none are kept yet)."""

from __future__ import annotations

from typing import Any

import pecan
from pecan import rest
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.api.v2.expose import wsexpose
from alarmapi.api.v2.wsbase import Base


class EvaluationResult(Base):
    """Counts of evaluations of one alarm by outcome."""

    alarm_id = wtypes.text
    project_id = wtypes.text
    state_counters = {wtypes.text: int}


class Metrics(Base):
    """The metrics document."""

    evaluation_results = [EvaluationResult]


class MetricsController(rest.RestController):
    """/v2/metrics."""

    @wsexpose(Metrics)
    def get_all(self) -> Any:
        """The evaluation results (403 unless enabled, as in Aodh)."""
        ctx = pecan.request.ctx
        if not ctx.services.conf.api.enable_evaluation_results_metrics:
            raise errors.Forbidden("metrics endpoint is disabled")
        ctx.enforce("get_metrics")
        return Metrics(evaluation_results=[])
