"""Which alarms this evaluator owns: all of them, or its share of a tooz hash ring."""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

LOG = logging.getLogger(__name__)
GROUP = b"alarmapi-evaluator"


class Partition(Protocol):
    """Decides which alarms this process evaluates."""

    def refresh(self) -> None:
        """Take in members that joined or left (once per cycle)."""

    def owns(self, alarm_id: str) -> bool:
        """Whether this process evaluates the alarm."""


class Everything:
    """No coordination configured: one evaluator takes every alarm."""

    def refresh(self) -> None:
        """Nothing to refresh."""

    def owns(self, alarm_id: str) -> bool:
        """Every alarm is ours."""
        return True


class HashRing:
    """This member's share of a consistent hash ring kept by tooz (Redis, ...).

    A member that dies stops heart-beating; tooz drops it after the backend's timeout
    and the survivors' next refresh hands its alarms over to them.
    """

    def __init__(self, url: str, member_id: str | None = None, group: bytes = GROUP) -> None:
        from tooz import coordination

        self.member_id = (member_id or f"evaluator-{uuid.uuid4()}").encode()
        self.coordinator = coordination.get_coordinator(url, self.member_id)
        self.coordinator.start(start_heart=True)
        try:
            self.coordinator.create_group(group).get()
        except coordination.GroupAlreadyExist:
            pass
        self.group = group
        self.partitioner = self.coordinator.join_partitioned_group(group)

    def refresh(self) -> None:
        """Run tooz's membership watchers, then bring the ring to the group's members.

        tooz's partitioner reads the members before it watches for joins, so a member
        that joins in between is never added (two evaluators starting together: one
        took every alarm, forever); reading the members once per cycle repairs that.
        """
        self.coordinator.run_watchers()
        members = set(self.coordinator.get_members(self.group).get())
        ring = self.partitioner.ring
        for member in members - set(ring.nodes):
            ring.add_node(member)
        for member in set(ring.nodes) - members:
            ring.remove_node(member)

    def owns(self, alarm_id: str) -> bool:
        """Whether the ring gives the alarm to this member."""
        return bool(self.partitioner.belongs_to_self(alarm_id))

    def stop(self) -> None:
        """Leave the ring (the others take the alarms over at their next refresh)."""
        self.coordinator.leave_partitioned_group(self.partitioner)
        self.coordinator.stop()
