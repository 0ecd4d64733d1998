"""The message ids of the events the listener recorded (redeliveries are recognised),
and when an event last matched each alarm (event alarm timeouts).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "alarm_event_seen",
        sa.Column("message_id", sa.String(255), primary_key=True),
        sa.Column("received_at", Timestamp, nullable=False),
    )
    op.create_index("ix_alarm_event_seen_received_at", "alarm_event_seen", ["received_at"])
    with op.batch_alter_table("alarm") as batch:
        batch.add_column(sa.Column("last_event_at", Timestamp, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alarm") as batch:
        batch.drop_column("last_event_at")
    op.drop_index("ix_alarm_event_seen_received_at", "alarm_event_seen")
    op.drop_table("alarm_event_seen")
