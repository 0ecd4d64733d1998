"""Alarms written as Monasca expressions: actions_enabled, the expression text and the
Monasca severity word.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alarm") as batch:
        batch.add_column(sa.Column("actions_enabled", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.add_column(sa.Column("expression", sa.Text(), nullable=True))
        batch.add_column(sa.Column("monasca_severity", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alarm") as batch:
        batch.drop_column("monasca_severity")
        batch.drop_column("expression")
        batch.drop_column("actions_enabled")
