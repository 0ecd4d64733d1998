"""What a request carries down to the controllers: config, storage, policy, caller."""

from __future__ import annotations

import dataclasses
from typing import Any

from oslo_config import cfg
from oslo_policy import policy

from alarmapi import destinations, trusts
from alarmapi.api import rbac
from alarmapi.api.action_rules import ActionRules
from alarmapi.api.identity import Caller
from alarmapi.api.rule_context import RuleContext
from alarmapi.gnocchi import BACKEND as GNOCCHI
from alarmapi.gnocchi import GnocchiClient
from alarmapi.octavia import BACKEND as OCTAVIA
from alarmapi.octavia import OctaviaClient
from alarmapi.storage import Connection
from alarmapi.storage.base import AlarmLimits


@dataclasses.dataclass
class Services:
    """The long-lived collaborators of the API process, built once at start."""

    conf: cfg.ConfigOpts
    storage: Connection
    enforcer: policy.Enforcer
    gnocchi: GnocchiClient | None = None
    #: Octavia, to check that a loadbalancer_member_health alarm's pool is its project's.
    octavia: OctaviaClient | None = None
    decisions: rbac.DecisionCache = dataclasses.field(init=False)
    action_rules: ActionRules = dataclasses.field(init=False)
    #: Keystone trusts of trust+ actions (keystone mode only).
    trusts: trusts.Trusts | None = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.trusts = (trusts.Trusts(self.conf) if self.conf.api.auth_mode == "keystone"
                       else None)
        self.decisions = rbac.DecisionCache(self.enforcer)
        self.action_rules = ActionRules(
            destinations.parse_networks(self.conf.notifier.denied_networks),
            self.storage.methods)

    @property
    def backends(self) -> dict[str, object]:
        """The configured backend clients by name (what rule checks may consult)."""
        clients = {GNOCCHI.name: self.gnocchi, OCTAVIA.name: self.octavia}
        return {name: client for name, client in clients.items() if client is not None}

    @property
    def quota_defaults(self) -> AlarmLimits:
        """The configured user and project alarm limits."""
        return AlarmLimits(self.conf.api.user_alarm_quota, self.conf.api.project_alarm_quota)


@dataclasses.dataclass
class RequestContext:
    """One request's services and caller."""

    services: Services
    caller: Caller

    @classmethod
    def build(cls, services: Services, headers: Any) -> RequestContext:
        """Read the caller from the identity headers and check if it is an admin."""
        caller = Caller.from_headers(headers)
        admin = rbac.is_admin(services.decisions, caller)
        return cls(services, dataclasses.replace(caller, is_admin=admin))

    @property
    def storage(self) -> Connection:
        """The alarm storage."""
        return self.services.storage

    def enforce(self, name: str, target: dict[str, object] | None = None) -> None:
        """Raise Forbidden unless policy ``telemetry:<name>`` allows the caller."""
        rbac.enforce(self.services.decisions, name, self.caller, target)

    def rule_context(self) -> RuleContext:
        """What rule validation needs."""
        return RuleContext(self.caller, self.caller.project_id, self.services.action_rules,
                           self.services.conf.prometheus_project_label_name,
                           self.services.backends)
