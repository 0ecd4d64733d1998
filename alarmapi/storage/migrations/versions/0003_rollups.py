"""Per-minute rollups of measurements.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measurement_rollup",
        sa.Column("metric_id", sa.String(40), nullable=False),
        sa.Column("start", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("sum", sa.Double(), nullable=False),
        sa.Column("min", sa.Double(), nullable=False),
        sa.Column("max", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("metric_id", "start", name="pk_measurement_rollup"),
    )
    op.create_index("ix_measurement_rollup_start", "measurement_rollup", ["start"])
    # Measurements stored before this revision get their rollups here.
    op.execute(
        "INSERT INTO measurement_rollup (metric_id, start, count, sum, min, max) "
        "SELECT metric_id, timestamp - (timestamp % 60000), COUNT(*), SUM(value), "
        "MIN(value), MAX(value) FROM measurement "
        "GROUP BY metric_id, timestamp - (timestamp % 60000)"
    )


def downgrade() -> None:
    op.drop_table("measurement_rollup")
