"""Metric signals for breach detection between cycles.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metric_signal",
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "name", name="pk_metric_signal"),
    )
    op.create_index("ix_metric_signal_updated_at", "metric_signal", ["updated_at"])


def downgrade() -> None:
    op.drop_table("metric_signal")
