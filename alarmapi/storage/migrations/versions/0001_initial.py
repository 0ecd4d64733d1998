"""Initial schema: alarm, alarm_history, quota.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
Json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "alarm",
        sa.Column("alarm_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(50), nullable=False),
        sa.Column("state", sa.String(50), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=False),
        sa.Column("project_id", sa.String(128), nullable=True),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("timestamp", Timestamp, nullable=False),
        sa.Column("state_timestamp", Timestamp, nullable=False),
        sa.Column("evaluate_timestamp", Timestamp, nullable=True),
        sa.Column("repeat_actions", sa.Boolean(), nullable=False),
        sa.Column("ok_actions", Json, nullable=False),
        sa.Column("alarm_actions", Json, nullable=False),
        sa.Column("insufficient_data_actions", Json, nullable=False),
        sa.Column("time_constraints", Json, nullable=False),
        sa.Column("rule", Json, nullable=False),
        sa.PrimaryKeyConstraint("alarm_id", name="pk_alarm"),
    )
    for columns in (
        ("project_id", "timestamp"),
        ("project_id", "name"),
        ("project_id", "state"),
        ("project_id", "type"),
        ("project_id", "severity"),
        ("project_id", "enabled"),
        ("user_id", "project_id"),
        ("enabled", "type"),
    ):
        op.create_index("ix_alarm_" + "_".join(columns), "alarm", list(columns))

    op.create_table(
        "alarm_history",
        sa.Column("event_id", sa.String(128), nullable=False),
        sa.Column("alarm_id", sa.String(128), nullable=False),
        sa.Column("on_behalf_of", sa.String(128), nullable=True),
        sa.Column("project_id", sa.String(128), nullable=True),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(50), nullable=True),
        sa.Column("timestamp", Timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["alarm_id"],
            ["alarm.alarm_id"],
            name="fk_alarm_history_alarm_id_alarm",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name="pk_alarm_history"),
    )
    op.create_index("ix_alarm_history_alarm_id_timestamp", "alarm_history", ["alarm_id", "timestamp"])
    op.create_index(
        "ix_alarm_history_on_behalf_of_timestamp", "alarm_history", ["on_behalf_of", "timestamp"]
    )
    op.create_index("ix_alarm_history_timestamp", "alarm_history", ["timestamp"])

    op.create_table(
        "quota",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("resource", sa.String(50), nullable=False),
        sa.Column("limit", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quota"),
        sa.UniqueConstraint(
            "project_id", "user_id", "resource", name="uq_quota_project_id_user_id_resource"
        ),
    )


def downgrade() -> None:
    op.drop_table("quota")
    op.drop_table("alarm_history")
    op.drop_table("alarm")
