"""One delivery row per action of a notification (the outbox becomes per action), and
notification methods.

Revision ID: 0006
Revises: 0005
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
Json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")
Id = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "alarm_delivery",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("notification_id", Id, nullable=False),
        sa.Column("alarm_id", sa.String(128), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Timestamp, nullable=False),
        sa.Column("claim", sa.String(64), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.ForeignKeyConstraint(["notification_id"], ["alarm_notification.id"],
                                name="fk_alarm_delivery_notification_id_alarm_notification",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_alarm_delivery"),
    )
    op.create_index("ix_alarm_delivery_status_next_attempt_at", "alarm_delivery",
                    ["status", "next_attempt_at"])
    op.create_index("ix_alarm_delivery_alarm_id", "alarm_delivery", ["alarm_id"])
    op.create_index("ix_alarm_delivery_notification_id", "alarm_delivery",
                    ["notification_id"])
    _move_outbox_to_deliveries()
    op.drop_index("ix_alarm_notification_status_next_attempt_at", "alarm_notification")
    with op.batch_alter_table("alarm_notification") as batch:
        for column in ("status", "attempts", "next_attempt_at", "result"):
            batch.drop_column(column)
    op.create_index("ix_alarm_notification_created_at", "alarm_notification", ["created_at"])
    op.create_table(
        "notification_method",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("project_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(250), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("address", sa.String(512), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notification_method"),
        sa.UniqueConstraint("project_id", "name", name="uq_notification_method_project_id_name"),
    )


def _move_outbox_to_deliveries() -> None:
    """Each action of each notification becomes a delivery carrying the old row's state."""
    conn = op.get_bind()
    old = sa.table("alarm_notification", sa.column("id"), sa.column("alarm_id"),
                   sa.column("actions", Json), sa.column("status"), sa.column("attempts"),
                   sa.column("next_attempt_at"), sa.column("result"),
                   sa.column("created_at"))
    new = sa.table("alarm_delivery", *(sa.column(name) for name in (
        "notification_id", "alarm_id", "action", "key", "repeat", "status", "attempts",
        "next_attempt_at", "result", "updated_at")))
    rows = [{"notification_id": row.id, "alarm_id": row.alarm_id, "action": action,
             "key": uuid.uuid4().hex, "repeat": False, "status": row.status,
             "attempts": row.attempts, "next_attempt_at": row.next_attempt_at,
             "result": row.result, "updated_at": row.created_at}
            for row in conn.execute(sa.select(old)) for action in row.actions or []]
    if rows:
        conn.execute(new.insert(), rows)


def downgrade() -> None:
    op.drop_table("notification_method")
    op.drop_table("alarm_delivery")
    op.drop_index("ix_alarm_notification_created_at", "alarm_notification")
    with op.batch_alter_table("alarm_notification") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False,
                                   server_default="delivered"))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", Timestamp, nullable=True))
        batch.add_column(sa.Column("result", sa.Text(), nullable=True))
    op.create_index("ix_alarm_notification_status_next_attempt_at", "alarm_notification",
                    ["status", "next_attempt_at"])
