"""Fakes for unit and in-process tests (the real Gnocchi is used in integration tests)."""

from __future__ import annotations

from typing import Any

from alarmapi.gnocchi import GnocchiError

BASIC = ["mean", "sum", "last", "max", "min", "std", "median", "first", "count"]
PERCENTILES = [f"{n}pct" for n in range(1, 100)]
#: Gnocchi 4.7.1's aggregation methods, in the order its capabilities list them.
METHODS = BASIC + PERCENTILES + [f"rate:{m}" for m in BASIC + PERCENTILES]


class FakeGnocchi:
    """Answers the validation calls as Gnocchi does; records aggregate checks."""

    def __init__(self, methods: list[str] | None = None, refuse: str | None = None,
                 owners: dict[str, str] | None = None) -> None:
        self.methods = list(methods or METHODS)
        self.refuse = refuse
        self.aggregates: list[dict[str, Any]] = []
        #: Resource and metric ids Gnocchi has, and the project of each.
        self.owners = dict(owners or {})

    def resource_project(self, resource_type: str, resource_id: str) -> str | None:
        return self.owners.get(resource_id)

    def metric_project(self, metric_id: str) -> str | None:
        return self.owners.get(metric_id)

    def aggregation_methods(self) -> list[str]:
        return self.methods

    def check_aggregate(self, operations: list[Any], resource_type: str,
                        search: dict[str, Any]) -> None:
        self.aggregates.append(
            {"operations": operations, "resource_type": resource_type, "search": search}
        )
        if self.refuse:
            raise GnocchiError(400, self.refuse)


def leaf(rule_type: str, rule: dict[str, Any], project: str = "p1") -> Any:
    """A source's leaf: the rule of an alarm of ``project``."""
    import datetime

    from alarmapi import model
    from alarmapi.evaluator.sources import Leaf

    when = datetime.datetime(2026, 1, 1)
    alarm = model.Alarm(alarm_id=f"alarm-of-{project}", name="a", type=rule_type, rule=rule,
                        project_id=project, user_id="u1", description="", timestamp=when,
                        state_timestamp=when)
    return Leaf(alarm, rule_type, rule)
