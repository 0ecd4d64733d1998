"""The SQLAlchemy schema. Alembic migrations must produce exactly this."""

from __future__ import annotations

import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Naive UTC timestamps with microseconds on every backend.
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
#: JSON documents (LONGTEXT-backed JSON on MariaDB).
Json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


def _index(table: str, *columns: str) -> sa.Index:
    """An index named ix_<table>_<columns>, as the migrations name it."""
    return sa.Index(f"ix_{table}_{'_'.join(columns)}", *columns)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so constraint names are stable."""

    metadata = sa.MetaData(
        naming_convention={
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class AlarmRow(Base):
    """One alarm."""

    __tablename__ = "alarm"

    alarm_id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    type: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    severity: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    state: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    state_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    project_id: Mapped[str | None] = mapped_column(sa.String(128))
    user_id: Mapped[str | None] = mapped_column(sa.String(128))
    timestamp: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    state_timestamp: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    evaluate_timestamp: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    repeat_actions: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    ok_actions: Mapped[Any] = mapped_column(Json, nullable=False)
    alarm_actions: Mapped[Any] = mapped_column(Json, nullable=False)
    insufficient_data_actions: Mapped[Any] = mapped_column(Json, nullable=False)
    time_constraints: Mapped[Any] = mapped_column(Json, nullable=False)
    rule: Mapped[Any] = mapped_column(Json, nullable=False)
    actions_enabled: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True,
                                                  server_default=sa.true())
    expression: Mapped[str | None] = mapped_column(sa.Text)
    monasca_severity: Mapped[str | None] = mapped_column(sa.String(16))
    evaluation_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    last_event_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp, nullable=True)
    last_evaluated_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp,
                                                                        nullable=True)

    __table_args__ = (
        # GET /v2/alarms is always project scoped and sorted by timestamp by default.
        _index("alarm", "project_id", "timestamp"),
        _index("alarm", "project_id", "name"),
        _index("alarm", "project_id", "state"),
        _index("alarm", "project_id", "type"),
        _index("alarm", "project_id", "severity"),
        _index("alarm", "project_id", "enabled"),
        # Quota counts and user filters.
        _index("alarm", "user_id", "project_id"),
        # The evaluator picks enabled alarms of a type.
        _index("alarm", "enabled", "type"),
    )


class AlarmChangeRow(Base):
    """One history record; deleted with its alarm, as in Aodh."""

    __tablename__ = "alarm_history"

    event_id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    alarm_id: Mapped[str] = mapped_column(
        sa.String(128), sa.ForeignKey("alarm.alarm_id", ondelete="CASCADE"), nullable=False
    )
    on_behalf_of: Mapped[str | None] = mapped_column(sa.String(128))
    project_id: Mapped[str | None] = mapped_column(sa.String(128))
    user_id: Mapped[str | None] = mapped_column(sa.String(128))
    type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    detail: Mapped[str] = mapped_column(sa.Text, nullable=False)
    severity: Mapped[str | None] = mapped_column(sa.String(50))
    timestamp: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)

    __table_args__ = (
        _index("alarm_history", "alarm_id", "timestamp"),
        _index("alarm_history", "on_behalf_of", "timestamp"),
        _index("alarm_history", "timestamp"),
    )


class QuotaRow(Base):
    """A per-project (user_id empty) or per-user limit on a resource."""

    __tablename__ = "quota"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    user_id: Mapped[str] = mapped_column(sa.String(128), nullable=False, default="")
    resource: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    limit: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    __table_args__ = (sa.UniqueConstraint(
            "project_id", "user_id", "resource", name="uq_quota_project_id_user_id_resource"
        ),)


class ProjectLockRow(Base):
    """One row per project, locked by every alarm create of that project, so that
    concurrent creates count the project's alarms one after the other (quota)."""

    __tablename__ = "project_lock"

    project_id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)


class EventSeenRow(Base):
    """The message id of an event the listener recorded, and when it arrived."""

    __tablename__ = "alarm_event_seen"

    message_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    received_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)

    __table_args__ = (_index("alarm_event_seen", "received_at"),)


alarm_table = cast(sa.Table, AlarmRow.__table__)
event_seen_table = cast(sa.Table, EventSeenRow.__table__)
history_table = cast(sa.Table, AlarmChangeRow.__table__)
quota_table = cast(sa.Table, QuotaRow.__table__)
project_lock_table = cast(sa.Table, ProjectLockRow.__table__)


class MetricRow(Base):
    """A metric's identity: tenant, name and dimensions, keyed by their hash."""

    __tablename__ = "metric"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    dimensions: Mapped[Any] = mapped_column(Json, nullable=False)

    __table_args__ = (_index("metric", "tenant_id", "name"),)


class MetricDimensionRow(Base):
    """One dimension of a metric, for filtering by key and value."""

    __tablename__ = "metric_dimension"

    metric_id: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("metric.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    tenant_id: Mapped[str] = mapped_column(sa.String(128), nullable=False)

    __table_args__ = (_index("metric_dimension", "tenant_id", "name", "value"),)


class MeasurementRow(Base):
    """One value of a metric; the time is milliseconds since the epoch (UTC)."""

    __tablename__ = "measurement"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
        autoincrement=True)
    metric_id: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    timestamp: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    value: Mapped[float] = mapped_column(sa.Double, nullable=False)
    value_meta: Mapped[Any | None] = mapped_column(Json)

    __table_args__ = (_index("measurement", "metric_id", "timestamp"),
                      _index("measurement", "timestamp"))


metric_table = cast(sa.Table, MetricRow.__table__)
metric_dimension_table = cast(sa.Table, MetricDimensionRow.__table__)
measurement_table = cast(sa.Table, MeasurementRow.__table__)


class MeasurementRollupRow(Base):
    """Count, sum, min and max of a metric's values per minute, kept up to date at
    ingest so that statistics over whole minutes read 1,440 rows a day, not every point."""

    __tablename__ = "measurement_rollup"

    metric_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    start: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sum: Mapped[float] = mapped_column(sa.Double, nullable=False)
    min: Mapped[float] = mapped_column(sa.Double, nullable=False)
    max: Mapped[float] = mapped_column(sa.Double, nullable=False)

    __table_args__ = (_index("measurement_rollup", "start"),)


rollup_table = cast(sa.Table, MeasurementRollupRow.__table__)


class NotificationRow(Base):
    """What one transition tells the world, written in the transaction of the transition
    that causes it; its deliveries (one per action) are the notifier's outbox."""

    __tablename__ = "alarm_notification"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
        autoincrement=True)
    alarm_id: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    project_id: Mapped[str | None] = mapped_column(sa.String(128))
    alarm_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    severity: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    previous: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    current: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    reason_data: Mapped[Any] = mapped_column(Json, nullable=False)
    actions: Mapped[Any] = mapped_column(Json, nullable=False)
    created_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    alarm_type: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="",
                                            server_default="")
    description: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (_index("alarm_notification", "alarm_id"),
                      _index("alarm_notification", "created_at"))


notification_table = cast(sa.Table, NotificationRow.__table__)


class DeliveryRow(Base):
    """One action of one notification: the notifier's unit of work and, once done, the
    outcome its alarm's owner can read."""

    __tablename__ = "alarm_delivery"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
        autoincrement=True)
    notification_id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        sa.ForeignKey("alarm_notification.id", ondelete="CASCADE"), nullable=False)
    alarm_id: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    action: Mapped[str] = mapped_column(sa.Text, nullable=False)
    key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    repeat: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    next_attempt_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    claim: Mapped[str | None] = mapped_column(sa.String(64))
    result: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)

    __table_args__ = (_index("alarm_delivery", "status", "next_attempt_at"),
                      _index("alarm_delivery", "alarm_id", "status"),
                      _index("alarm_delivery", "notification_id"))


delivery_table = cast(sa.Table, DeliveryRow.__table__)


class NotificationMethodRow(Base):
    """A named destination of a project (Monasca's notification method)."""

    __tablename__ = "notification_method"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(250), nullable=False)
    type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    address: Mapped[str] = mapped_column(sa.String(512), nullable=False)
    period: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    updated_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)

    __table_args__ = (sa.UniqueConstraint("project_id", "name",
                                          name="uq_notification_method_project_id_name"),)


method_table = cast(sa.Table, NotificationMethodRow.__table__)


class MetricSignalRow(Base):
    """When a tenant's metric last received data: lets the evaluator re-judge the
    alarms watching it within a second instead of at the next cycle."""

    __tablename__ = "metric_signal"

    tenant_id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    updated_at: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)

    __table_args__ = (_index("metric_signal", "updated_at"),)


signal_table = cast(sa.Table, MetricSignalRow.__table__)


class SilenceRow(Base):
    """A project's silence (see alarmapi.silences)."""

    __tablename__ = "alarm_silence"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    project_id: Mapped[str | None] = mapped_column(sa.String(128))
    matchers: Mapped[Any] = mapped_column(Json, nullable=False)
    starts_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    ends_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    recurrence: Mapped[Any] = mapped_column(Json, nullable=True)
    comment: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_by: Mapped[str | None] = mapped_column(sa.String(128))
    created_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    expire_on_resolve: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    __table_args__ = (_index("alarm_silence", "project_id", "ends_at"),)


silence_table = cast(sa.Table, SilenceRow.__table__)
