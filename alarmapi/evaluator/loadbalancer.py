"""The data of loadbalancer_member_health rules: the members of an Octavia pool, each
pool read once per cycle (Aodh 23's semantics; the pool must be the alarm's project's)."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from alarmapi import errors, rule_types
from alarmapi.evaluator.outcome import Evaluation
from alarmapi.evaluator.shared_reads import SharedReadsSource
from alarmapi.evaluator.sources import Leaf
from alarmapi.model import State
from alarmapi.octavia import OctaviaClient, OctaviaFailed, from_config
from alarmapi.rule_shapes import LoadBalancerShape

LOG = logging.getLogger(__name__)
#: Aodh's reason when the members cannot be read.
UNREACHABLE = "failed to communicate with load balancing service"
#: The most pool → project answers kept (a pool never changes its project).
MAX_KNOWN_POOLS = 100_000


def _created(member: dict[str, Any]) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(member.get("created_at")))
    except ValueError:
        return None
    return moment.replace(tzinfo=None)


def unhealthy(members: list[dict[str, Any]], now: datetime.datetime,
              creation_time_s: int) -> list[dict[str, Any]]:
    """The members in ERROR that are administratively up and older than
    ``creation_time_s`` (a new member is in ERROR until its application is up)."""
    found = []
    for member in members:
        created = _created(member)
        if created is None:
            LOG.warning("member %s has no readable created_at", member.get("id"))
            continue
        if now - created < datetime.timedelta(seconds=creation_time_s):
            continue
        if member.get("admin_state_up") and member.get("operating_status") == "ERROR":
            found.append(member)
    return found


def verdict(alarm_state: str, shape: LoadBalancerShape, members: list[dict[str, Any]] | None,
            error: str | None = None) -> Evaluation:
    """Aodh's verdict, reason and reason_data; ``members`` None: they could not be read."""
    found = members or []
    last = found[-1] if found else None
    data = {"type": rule_types.LOADBALANCER_MEMBER_HEALTH, "count": len(found),
            "most_recent": last, "unhealthy_members": found, "pool_id": shape.pool_id,
            "stack_id": shape.stack_id, "asg_id": shape.autoscaling_group_id}
    if members is None:
        return Evaluation(State.INSUFFICIENT_DATA, UNREACHABLE, data, error=error)
    state = State.ALARM if found else State.OK
    if state == alarm_state:
        reason = f"Remaining as {state.value}"
    else:
        reason = (f"Transition to {state.value} due to {len(found)} members unhealthy, "
                  f"most recent: {last}")
    return Evaluation(state, reason, data)


class LoadBalancerSource(SharedReadsSource):
    """Judges loadbalancer_member_health rules from Octavia."""

    rule_types = (rule_types.LOADBALANCER_MEMBER_HEALTH,)
    name = "octavia"

    def __init__(self, client: OctaviaClient, creation_time_s: int = 120,
                 parallel: int = 1) -> None:
        super().__init__(parallel)
        self.client = client
        self.creation_time_s = creation_time_s
        self._projects: dict[str, str | None] = {}

    def _project(self, pool_id: str) -> str | None:
        if pool_id not in self._projects:
            if len(self._projects) >= MAX_KNOWN_POOLS:
                self._projects.clear()
            self._projects[pool_id] = self.client.pool_project(pool_id)
        return self._projects[pool_id]

    def _read(self, pool_id: str) -> tuple[str | None, list[dict[str, Any]]]:
        """A pool's project and members (no members for a pool Octavia does not have)."""
        project = self._project(pool_id)
        return project, self.client.members(pool_id) if project is not None else []

    def _reader(self, pool_id: str) -> Callable[[], Any]:
        return functools.partial(self._read, pool_id)

    def prefetch(self, leaves: Sequence[Leaf], now: datetime.datetime) -> None:
        """Each distinct pool of the batch once, ``parallel`` at a time."""
        pools = set()
        for leaf in leaves:
            try:
                pools.add(LoadBalancerShape.from_stored(leaf.rule).pool_id)
            except errors.InvalidInput:
                continue
        self.reads.prefetch({pool: self._reader(pool) for pool in pools})

    def evaluate(self, leaf: Leaf, now: datetime.datetime) -> Evaluation:
        shape = LoadBalancerShape.from_stored(leaf.rule)
        try:
            project, members = self.reads.get(shape.pool_id, self._reader(shape.pool_id))
        except (errors.BackendUnavailable, OctaviaFailed) as exc:
            LOG.warning("alarm %s: %s: %s", leaf.alarm.alarm_id, UNREACHABLE, exc)
            return verdict(leaf.alarm.state, shape, None, str(exc))
        if project != leaf.alarm.project_id:  # a stranger's pool reads as none at all
            return verdict(leaf.alarm.state, shape, None,
                           f"the alarm's project has no pool {shape.pool_id}")
        return verdict(leaf.alarm.state, shape,
                       unhealthy(members, now, self.creation_time_s))

    @classmethod
    def from_config(cls, conf: Any, storage: Any) -> LoadBalancerSource | None:
        """The Octavia source when an Octavia is configured (or in the catalog)."""
        client = from_config(conf)
        if client is None:
            return None
        return cls(client, conf.member_creation_time, conf.octavia.parallel_requests)
