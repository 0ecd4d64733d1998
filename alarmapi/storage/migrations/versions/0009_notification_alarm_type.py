"""Notifications carry the alarm's type and description (Alertmanager labels and
annotations).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alarm_notification") as batch:
        batch.add_column(sa.Column("alarm_type", sa.String(50), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("description", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alarm_notification") as batch:
        batch.drop_column("description")
        batch.drop_column("alarm_type")
