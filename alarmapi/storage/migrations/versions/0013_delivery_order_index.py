"""Deliveries indexed by alarm and status: a claim's check for an earlier pending
delivery of the same alarm is an index lookup, so claiming stays linear in the
backlog (it was quadratic whenever the planner had no statistics yet, as after a
burst into a fresh table). The composite index serves the alarm-only lookups too.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_alarm_delivery_alarm_id_status", "alarm_delivery",
                    ["alarm_id", "status"])
    op.drop_index("ix_alarm_delivery_alarm_id", "alarm_delivery")


def downgrade() -> None:
    op.create_index("ix_alarm_delivery_alarm_id", "alarm_delivery", ["alarm_id"])
    op.drop_index("ix_alarm_delivery_alarm_id_status", "alarm_delivery")
