"""trust+heat: the Heat calls of auto-healing, in order, on a recording Heat (Heat
itself cannot run on this machine; the note of issue 14 says so)."""

from __future__ import annotations

from typing import Any

from alarmapi.notifier.base import Verdict
from alarmapi.notifier.heat import HeatCalls, TrustHeatNotifier


class Response:
    def __init__(self, status: int, body: Any = None) -> None:
        self.status_code, self.body = status, body

    def json(self) -> Any:
        return self.body


class RecordingHeat:
    """Answers like Heat: the resource whose physical id is a member has a parent."""

    def __init__(self, parents: dict[str, str], status: int = 200) -> None:
        self.parents, self.status = parents, status
        self.calls: list[tuple[str, str, Any]] = []

    def request(self, path: str, method: str, raise_exc: bool = True, **kwargs: Any
                ) -> Response:
        assert raise_exc is False
        self.calls.append((method, path, kwargs.get("params") or kwargs.get("json")))
        if method == "GET":
            parent = self.parents.get(kwargs["params"]["physical_resource_id"])
            return Response(200, {"resources": [{"parent_resource": parent}]
                                  if parent else []})
        return Response(self.status)


def test_each_unhealthy_member_is_marked_then_the_stack_updated() -> None:
    heat = RecordingHeat({"m1": "res-1", "m3": "res-3"})
    outcome = TrustHeatNotifier.heal(HeatCalls(heat), "stack-1", "asg-1",
                                     [{"id": "m1"}, {"id": "m2"}, {"id": "m3"}])
    assert outcome.verdict == Verdict.DELIVERED
    assert heat.calls == [
        ("GET", "/stacks/stack-1/resources", {"nested_depth": 3,
                                               "physical_resource_id": "m1"}),
        ("GET", "/stacks/stack-1/resources", {"nested_depth": 3,
                                               "physical_resource_id": "m2"}),
        ("GET", "/stacks/stack-1/resources", {"nested_depth": 3,
                                               "physical_resource_id": "m3"}),
        ("PATCH", "/stacks/asg-1/resources/res-1", {
            "mark_unhealthy": True, "resource_status_reason": "unhealthy load balancer member"}),
        ("PATCH", "/stacks/asg-1/resources/res-3", {
            "mark_unhealthy": True, "resource_status_reason": "unhealthy load balancer member"}),
        ("PATCH", "/stacks/stack-1", {}),
    ]


def test_nothing_to_heal_sends_no_update() -> None:
    heat = RecordingHeat({})
    outcome = TrustHeatNotifier.heal(HeatCalls(heat), "stack-1", "asg-1", [{"id": "m9"}])
    assert outcome.verdict == Verdict.DELIVERED
    assert [c[0] for c in heat.calls] == ["GET"]


def test_heat_failures_retry_on_5xx_and_fail_on_4xx() -> None:
    from alarmapi.notifier.heat import HeatFailed

    for status, retry in ((503, True), (404, False)):
        heat = RecordingHeat({"m1": "res-1"}, status=status)
        try:
            TrustHeatNotifier.heal(HeatCalls(heat), "s", "g", [{"id": "m1"}])
        except HeatFailed as exc:
            assert exc.retry is retry
        else:
            raise AssertionError("a refused PATCH must raise")
