"""The loadbalancer_member_health rule schema."""

from __future__ import annotations

import wsme
from wsme import types as wtypes

from alarmapi import errors
from alarmapi.api.rule_context import RuleContext
from alarmapi.api.v2.rules.base import AlarmRule
from alarmapi.octavia import BACKEND, OctaviaFailed


class LoadBalancerMemberHealthRule(AlarmRule):
    """Members of a load balancer pool in a Heat autoscaling group.

    The fields are checked after parsing rather than by WSME so that the empty rule
    aodhclient sends when it updates such an alarm can mean "unchanged".
    """

    _stored_keys = ("pool_id", "stack_id", "autoscaling_group_id")
    _required = _stored_keys

    pool_id = wsme.wsattr(wtypes.text)
    stack_id = wsme.wsattr(wtypes.text)
    autoscaling_group_id = wsme.wsattr(wtypes.text)

    def validate_rule(self, ctx: RuleContext) -> None:
        """Every field is required; with Octavia configured, the pool must be one of the
        alarm's project (Aodh reads any pool with its service user). A stranger's pool
        and a pool that does not exist are refused alike."""
        for name in self._required:
            if getattr(self, name) in (wsme.Unset, None):
                raise wsme.exc.InvalidInput(name, None, "Mandatory field missing.")
        octavia = ctx.backend(BACKEND)
        if octavia is None:
            return
        try:
            project = octavia.pool_project(self.pool_id)
        except OctaviaFailed as exc:
            raise errors.BackendUnavailable(f"Octavia cannot be asked: {exc}") from exc
        if project is None or project != ctx.project_id:
            raise errors.InvalidInput("pool_id", self.pool_id,
                                      "the alarm's project has no such pool")
