"""The loadbalancer_member_health rule schema (accepted and stored)."""

from __future__ import annotations

import wsme
from wsme import types as wtypes

from alarmapi.api.v2.rules.base import AlarmRule


class LoadBalancerMemberHealthRule(AlarmRule):
    """Members of a load balancer pool in a Heat autoscaling group."""

    _stored_keys = ("pool_id", "stack_id", "autoscaling_group_id")

    pool_id = wsme.wsattr(wtypes.text, mandatory=True)
    stack_id = wsme.wsattr(wtypes.text, mandatory=True)
    autoscaling_group_id = wsme.wsattr(wtypes.text, mandatory=True)
