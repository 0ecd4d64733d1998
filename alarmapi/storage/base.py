"""The typed storage interface every backend implements."""

from __future__ import annotations

import abc
import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from alarmapi.deliveries import Delivery, DeliveryRecord, DeliveryUpdate
from alarmapi.metrics.model import Measurement, MetricQuery, StatisticsRow
from alarmapi.metrics.windows import ThresholdWindow
from alarmapi.model import Alarm, AlarmChange, Notification
from alarmapi.notification_methods import NotificationMethod
from alarmapi.silences import Silence

#: Sort keys ``GET /v2/alarms`` accepts (Aodh's list).
ALARM_SORT_KEYS = (
    "alarm_id",
    "enabled",
    "name",
    "type",
    "severity",
    "timestamp",
    "user_id",
    "project_id",
    "state",
    "repeat_actions",
    "state_timestamp",
)
SORT_DIRECTIONS = ("asc", "desc")


@dataclasses.dataclass(frozen=True)
class SortKey:
    """One ``key:direction`` of a sort."""

    key: str
    direction: str = "asc"


@dataclasses.dataclass
class AlarmFilter:
    """A simple (equality) alarm query, scoped to a project unless project_id is None."""

    project_id: str | None = None
    equals: dict[str, Any] = dataclasses.field(default_factory=dict)
    sort: list[SortKey] = dataclasses.field(default_factory=list)
    limit: int | None = None
    marker: str | None = None


@dataclasses.dataclass
class HistoryFilter:
    """A query of one alarm's history (or, with alarm_id None, of a project's)."""

    alarm_id: str | None = None
    on_behalf_of: str | None = None
    equals: dict[str, Any] = dataclasses.field(default_factory=dict)
    start: datetime.datetime | None = None
    start_inclusive: bool = True
    end: datetime.datetime | None = None
    end_inclusive: bool = True
    sort: list[SortKey] = dataclasses.field(default_factory=list)
    limit: int | None = None


@dataclasses.dataclass
class ComplexQuery:
    """A validated ``/v2/query`` request: filter tree, order and limit."""

    filter: dict[str, Any] | None = None
    orderby: list[SortKey] = dataclasses.field(default_factory=list)
    limit: int | None = None


@dataclasses.dataclass(frozen=True)
class AlarmLimits:
    """The alarm quotas a create respects ([api] user_alarm_quota, project_alarm_quota;
    a project's stored quota overrides the latter); -1 means no limit."""

    user: int = -1
    project: int = -1


#: The quota resource of alarms.
QUOTA_RESOURCE = "alarms"


@dataclasses.dataclass(frozen=True)
class Quota:
    """A limit on a resource for a project (user_id '') or one of its users."""

    project_id: str
    resource: str
    limit: int
    user_id: str = ""


class InvalidMarker(ValueError):
    """The pagination marker names no alarm visible to the caller."""

    def __init__(self, marker: str) -> None:
        super().__init__(f"Marker {marker} not found.")
        self.marker = marker


class InvalidQuery(ValueError):
    """A complex query refers to something that cannot be queried."""


class MetricStore(Protocol):
    """The built-in metric store (see alarmapi.storage.sql.metrics for the semantics)."""

    def ingest(self, measurements: list[Measurement], received_ms: int) -> int: ...

    def find_metrics(self, query: MetricQuery, start_ms: int | None = None,
                     end_ms: int | None = None, offset: str | None = None,
                     limit: int | None = None) -> list[tuple[str, str, dict[str, str]]]: ...

    def metric_names(self, query: MetricQuery, offset: str | None, limit: int | None
                     ) -> list[str]: ...

    def dimension_names(self, query: MetricQuery, offset: str | None, limit: int | None
                        ) -> list[str]: ...

    def dimension_values(self, query: MetricQuery, dimension: str, offset: str | None,
                         limit: int | None) -> list[str]: ...

    def measurements(self, metric_ids: list[str], start_ms: int, end_ms: int | None,
                     after: tuple[int, int] | None = None, limit: int | None = None
                     ) -> list[tuple[int, int, float, Any]]: ...

    def statistics(self, metric_ids: list[str], statistics: list[str], start_ms: int,
                   end_ms: int | None, period_s: int, after_ms: int | None = None,
                   limit: int | None = None) -> list[StatisticsRow]: ...

    def window_statistics(self, windows: list[ThresholdWindow]
                          ) -> list[list[tuple[int, float]]]: ...

    def updated_since(self, since_ms: int) -> tuple[list[tuple[str, str]], int]: ...


class Outbox(Protocol):
    """The notifier's work (see alarmapi.storage.sql.outbox for the semantics)."""

    def claim(self, limit: int, now: datetime.datetime, lease_until: datetime.datetime
              ) -> list[Delivery]: ...

    def finish(self, updates: list[DeliveryUpdate], now: datetime.datetime) -> int: ...

    def records(self, alarm_id: str, limit: int = 100) -> list[DeliveryRecord]: ...

    def purge(self, before: datetime.datetime) -> int: ...

    def backlog(self) -> tuple[int, datetime.datetime | None]: ...


class NotificationMethodStore(Protocol):
    """Projects' notification methods (see alarmapi.storage.sql.methods)."""

    def create(self, method: NotificationMethod) -> NotificationMethod: ...

    def update(self, method: NotificationMethod) -> bool: ...

    def get(self, method_id: str, project_id: str | None) -> NotificationMethod | None: ...

    def get_many(self, method_ids: list[str]) -> dict[str, NotificationMethod]: ...

    def list(self, project_id: str, sort_by: list[tuple[str, str]], offset: int,
             limit: int | None) -> list[NotificationMethod]: ...

    def delete(self, method_id: str, project_id: str) -> bool: ...


class SilenceStore(Protocol):
    """Projects' silences (see alarmapi.storage.sql.silences)."""

    def create(self, silence: Silence) -> Silence: ...

    def get(self, silence_id: str, project_id: str | None) -> Silence | None: ...

    def find(self, project_id: str | None, now: datetime.datetime, expired: bool,
             limit: int) -> list[Silence]: ...

    def expire(self, silence_id: str, project_id: str | None, now: datetime.datetime
               ) -> bool: ...

    def active(self, project_ids: list[str | None], now: datetime.datetime
               ) -> dict[str | None, list[Silence]]: ...


@dataclasses.dataclass
class StateChange:
    """A state compare-and-swapped from ``alarm.state``, with its history record and
    notification (either may be None)."""

    alarm: Alarm
    state: str
    reason: str
    when: datetime.datetime
    change: AlarmChange | None
    notification: Notification | None


@dataclasses.dataclass
class EventRecord:
    """A received event as recorded: its message id, the state changes it fires and
    the alarms it matched."""

    message_id: str
    changes: list[StateChange]
    matched: list[str]


class Connection(abc.ABC):
    """What the API and the evaluator need from storage.

    Every method is one transaction: a write and the history record it produces land
    together or not at all.
    """

    #: The metric store in the same database.
    metrics: MetricStore
    #: The notifications to deliver and what became of them.
    outbox: Outbox
    #: Projects' notification methods.
    methods: NotificationMethodStore
    #: Projects' silences.
    silences: SilenceStore

    @abc.abstractmethod
    def upgrade(self) -> None:
        """Bring the schema to the newest version."""

    @abc.abstractmethod
    def dispose(self) -> None:
        """Close every pooled connection (the connection object stays usable)."""

    @abc.abstractmethod
    def create_alarm(self, alarm: Alarm, change: AlarmChange,
                     limits: AlarmLimits | None = None) -> Alarm:
        """Store a new alarm and its creation record; with ``limits``, raise
        QuotaExceeded (storing nothing) when the alarm would pass a quota. Concurrent
        creates of one project are counted one after the other: never over."""

    @abc.abstractmethod
    def get_alarm(self, alarm_id: str, project_id: str | None = None) -> Alarm | None:
        """Return the alarm, or None when it is not in ``project_id`` (if given)."""

    @abc.abstractmethod
    def list_alarms(self, query: AlarmFilter) -> list[Alarm]:
        """Return the alarms matching a simple query, sorted and paginated."""

    @abc.abstractmethod
    def update_alarm(self, alarm: Alarm, changes: Sequence[AlarmChange] = (),
                     expected: Alarm | None = None) -> Alarm:
        """Replace a stored alarm and record its history records, in one transaction.

        With ``expected`` (the version the replacement was built on) raise StaleAlarm,
        writing nothing, when the alarm was replaced or changed state meanwhile."""

    @abc.abstractmethod
    def set_state(
        self,
        alarm_id: str,
        state: str,
        reason: str,
        timestamp: datetime.datetime,
        change: AlarmChange,
        expected_state: str | None = None,
    ) -> Alarm | None:
        """Set the state; when ``expected_state`` is given only if it still holds.

        Returns the updated alarm, or None when the alarm is gone or the state moved.
        """

    @abc.abstractmethod
    def evaluable_alarms(self, types: tuple[str, ...], after: str | None = None,
                         limit: int = 500, project_ids: list[str] | None = None
                         ) -> list[Alarm]:
        """Enabled alarms of these types (and projects), by id, after ``after``."""

    @abc.abstractmethod
    def current_alarms(self, types: tuple[str, ...], project_ids: list[str],
                       known: Mapping[str, Alarm]) -> list[Alarm]:
        """``evaluable_alarms`` of these projects, each in its current state; an alarm
        of ``known`` whose definition was not written since (same ``timestamp``: every
        create and update sets it) is not read again: its state is brought up to date
        in place, and it is returned."""

    @abc.abstractmethod
    def mark_evaluated(self, alarm_ids: list[str], when: datetime.datetime,
                       skipped: Sequence[str] = ()) -> None:
        """Record when these alarms were last evaluated, and when the ``skipped`` ones
        were last found outside their time constraints."""

    def record_event(self, message_id: str, when: datetime.datetime,
                     changes: list[StateChange], matched: Sequence[str] = ()) -> int | None:
        """Record that an event arrived, with the transitions it fires and ``when``
        as the last matching event of the ``matched`` alarms, in one transaction: the
        number of transitions; None when the event was recorded before (nothing
        written); -1 when an alarm's state moved meanwhile (nothing written: judge the
        event again)."""
        return self.record_events([EventRecord(message_id, changes, list(matched))], when)

    @abc.abstractmethod
    def record_events(self, events: Sequence[EventRecord], when: datetime.datetime
                      ) -> int | None:
        """``record_event`` for several events in one transaction (all or nothing): the
        number of transitions; None when one of them was recorded before, -1 when an
        alarm's state moved meanwhile (nothing written either way: record them one by
        one). The changes of one alarm follow each other in event order, each from
        the state the one before left."""

    @abc.abstractmethod
    def forget_events(self, before: datetime.datetime) -> int:
        """Forget the message ids of events received before ``before``."""

    @abc.abstractmethod
    def record_evaluation_errors(self, errors: dict[str, str | None]) -> None:
        """Set the evaluation_error of these alarms (None clears it)."""

    @abc.abstractmethod
    def record_transitions(self, changes: list[StateChange]) -> list[bool]:
        """Record state changes in one transaction; each is False when its alarm's
        state moved meanwhile (and nothing of it is written)."""

    def record_transition(self, alarm: Alarm, state: str, reason: str,
                          when: datetime.datetime, change: AlarmChange | None,
                          notification: Notification | None) -> bool:
        """Record one state change (see record_transitions)."""
        return self.record_transitions([StateChange(alarm, state, reason, when, change,
                                                    notification)])[0]

    @abc.abstractmethod
    def delete_alarm(self, alarm_id: str, project_id: str | None = None) -> bool:
        """Delete the alarm and its history; False when there was none to delete."""

    @abc.abstractmethod
    def count_alarms(self, project_id: str | None = None, user_id: str | None = None) -> int:
        """Count the alarms of a project and/or user."""

    @abc.abstractmethod
    def get_alarm_changes(self, query: HistoryFilter) -> list[AlarmChange]:
        """Return history records, newest first unless sorted otherwise."""

    @abc.abstractmethod
    def query_alarms(self, query: ComplexQuery, project_id: str | None) -> list[Alarm]:
        """Run a complex alarm query within ``project_id`` (None: all projects)."""

    @abc.abstractmethod
    def query_alarm_changes(
        self, query: ComplexQuery, on_behalf_of: str | None
    ) -> list[AlarmChange]:
        """Run a complex history query within ``on_behalf_of`` (None: all projects)."""

    @abc.abstractmethod
    def get_quotas(self, project_id: str) -> list[Quota]:
        """Return the stored quotas of a project (project-wide and per user)."""

    @abc.abstractmethod
    def alarm_limit(self, project_id: str, default: int) -> int:
        """The project's alarm limit: its stored quota, else ``default``."""

    @abc.abstractmethod
    def set_quotas(self, quotas: list[Quota]) -> None:
        """Create or replace quotas."""

    @abc.abstractmethod
    def delete_quotas(self, project_id: str) -> None:
        """Delete every quota of a project."""
