"""The loadbalancer_member_health rule schema (accepted and stored)."""

from __future__ import annotations

import wsme
from wsme import types as wtypes

from alarmapi.api.v2.rules.base import AlarmRule, RuleContext


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
        for name in self._required:
            if getattr(self, name) in (wsme.Unset, None):
                raise wsme.exc.InvalidInput(name, None, "Mandatory field missing.")
