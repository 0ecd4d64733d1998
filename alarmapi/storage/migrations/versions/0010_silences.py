"""Native silences.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
Json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "alarm_silence",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(128), nullable=True),
        sa.Column("matchers", Json, nullable=False),
        sa.Column("starts_at", Timestamp, nullable=False),
        sa.Column("ends_at", Timestamp, nullable=True),
        sa.Column("recurrence", Json, nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("expire_on_resolve", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_alarm_silence_project_id_ends_at", "alarm_silence",
                    ["project_id", "ends_at"])


def downgrade() -> None:
    op.drop_index("ix_alarm_silence_project_id_ends_at", "alarm_silence")
    op.drop_table("alarm_silence")
