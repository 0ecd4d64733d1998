"""Policy checks of a caller, independent of the web framework."""

from __future__ import annotations

from oslo_policy import policy

from alarmapi import errors
from alarmapi.api.identity import Caller

RBAC_FAILED = "RBAC Authorization Failed"


def is_admin(enforcer: policy.Enforcer, caller: Caller) -> bool:
    """Whether the caller passes the segregation rule (sees every project)."""
    return bool(enforcer.enforce("segregation", {}, caller.credentials()))


def enforce(
    enforcer: policy.Enforcer, name: str, caller: Caller, target: dict[str, object] | None = None
) -> None:
    """Raise Forbidden unless ``telemetry:<name>`` allows the caller on the target.

    Without an explicit target the caller's own project is the target, as in Aodh.
    """
    if target is None:
        target = {"project_id": caller.project_id, "user_id": caller.user_id}
    if not enforcer.enforce(f"telemetry:{name}", target, caller.credentials()):
        raise errors.Forbidden(RBAC_FAILED)
