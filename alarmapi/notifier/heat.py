"""trust+heat:// actions: Heat auto-healing for loadbalancer_member_health alarms, as
Aodh's notifier does it. With a token redeemed from the action's trust, for each
unhealthy Octavia member the Heat resource whose physical id it is is found in the
stack (nested to depth 3), its parent (the autoscaling group's member) is marked
unhealthy in the group, and the stack is updated in place (PATCH, ``existing``)."""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

from keystoneauth1 import adapter as ka_adapter
from keystoneauth1 import exceptions as ka_exceptions
from oslo_config import cfg

from alarmapi.deliveries import Delivery
from alarmapi.notifier.base import Notifier, Outcome
from alarmapi.notifier.http_client import HTTPClient
from alarmapi.notifier.trust import TrustSessions, trust_of

LOG = logging.getLogger(__name__)
#: The catalog's service type of Heat.
SERVICE_TYPE = "orchestration"
#: The reason Aodh gives Heat.
UNHEALTHY_REASON = "unhealthy load balancer member"


class HeatFailed(Exception):
    """Heat refused a call; ``retry`` when it may succeed later (5xx)."""

    def __init__(self, message: str, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


def _quoted(value: str) -> str:
    return urllib.parse.quote(value, safe="")


class HeatCalls:
    """The three Heat calls of auto-healing, on one keystoneauth Adapter."""

    def __init__(self, heat: Any) -> None:
        self.heat = heat

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.heat.request(path, method, raise_exc=False, **kwargs)
        if response.status_code >= 400:
            raise HeatFailed(f"Heat answered {response.status_code} to {method} {path}",
                             response.status_code >= 500)
        return response

    def parent_of(self, stack_id: str, physical_id: str) -> str | None:
        """The parent resource of the stack's resource with this physical id."""
        response = self._call("GET", f"/stacks/{_quoted(stack_id)}/resources", params={
            "nested_depth": 3, "physical_resource_id": physical_id})
        resources = response.json().get("resources") or []
        return str(resources[0].get("parent_resource")) if resources else None

    def mark_unhealthy(self, group_id: str, resource: str) -> None:
        """Mark one member of the autoscaling group (a nested stack) unhealthy."""
        self._call("PATCH", f"/stacks/{_quoted(group_id)}/resources/{_quoted(resource)}",
                   json={"mark_unhealthy": True, "resource_status_reason": UNHEALTHY_REASON})

    def update_in_place(self, stack_id: str) -> None:
        """Update the stack with its existing template and parameters."""
        self._call("PATCH", f"/stacks/{_quoted(stack_id)}", json={})


class TrustHeatNotifier(Notifier):
    """Replaces the autoscaling group members behind unhealthy load balancer members."""

    def __init__(self, conf: cfg.ConfigOpts, http: HTTPClient) -> None:
        super().__init__(conf, http)
        self.sessions = TrustSessions(conf)

    def calls(self, trust_id: str) -> HeatCalls:
        """Heat, with the trust's token, found in the catalog."""
        opts = self.conf.service_credentials
        heat = ka_adapter.Adapter(self.sessions.session(trust_id), service_type=SERVICE_TYPE,
                                  interface=opts.interface.removesuffix("URL"),
                                  region_name=opts.region_name)
        return HeatCalls(heat)

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        data = delivery.notification.reason_data or {}
        stack_id, group_id = data.get("stack_id"), data.get("asg_id")
        if not stack_id or not group_id:
            return Outcome.failed("stack_id and asg_id must exist to heal a stack")
        if self.conf.api.auth_mode != "keystone":
            return Outcome.failed("trust actions need auth_mode = keystone")
        trust_id = trust_of(action)
        if not trust_id:
            return Outcome.failed("trust+heat action names no trust")
        members = [m for m in data.get("unhealthy_members") or [] if isinstance(m, dict)]
        try:
            return self.heal(self.calls(trust_id), str(stack_id), str(group_id), members)
        except ka_exceptions.ConnectFailure as exc:
            return Outcome.retry(f"Heat or keystone unreachable: {exc}")
        except ka_exceptions.ClientException as exc:
            return Outcome.failed(f"trust {trust_id} cannot be used: {exc}")
        except HeatFailed as exc:
            return Outcome.retry(str(exc)) if exc.retry else Outcome.failed(str(exc))

    @staticmethod
    def heal(heat: HeatCalls, stack_id: str, group_id: str,
             members: list[dict[str, Any]]) -> Outcome:
        """Mark the members' group resources unhealthy, then update the stack."""
        resources = [parent for member in members
                     if (parent := heat.parent_of(stack_id, str(member.get("id"))))]
        if not resources:
            return Outcome.delivered(f"no resource of stack {stack_id} is an unhealthy member")
        for resource in resources:
            heat.mark_unhealthy(group_id, resource)
            LOG.info("Heat resource %s of group %s marked unhealthy", resource, group_id)
        heat.update_in_place(stack_id)
        return Outcome.delivered(f"stack {stack_id} updated, {len(resources)} members "
                                 "marked unhealthy")
