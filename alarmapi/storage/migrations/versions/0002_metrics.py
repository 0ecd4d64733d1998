"""Metric store: metric, metric_dimension, measurement.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "metric",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("dimensions", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_metric"),
    )
    op.create_index("ix_metric_tenant_id_name", "metric", ["tenant_id", "name"])
    op.create_table(
        "metric_dimension",
        sa.Column("metric_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("tenant_id", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"],
                                name="fk_metric_dimension_metric_id_metric",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("metric_id", "name", name="pk_metric_dimension"),
    )
    op.create_index("ix_metric_dimension_tenant_id_name_value", "metric_dimension",
                    ["tenant_id", "name", "value"])
    op.create_table(
        "measurement",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("metric_id", sa.String(40), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("value_meta", Json, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_measurement"),
    )
    op.create_index("ix_measurement_metric_id_timestamp", "measurement",
                    ["metric_id", "timestamp"])
    op.create_index("ix_measurement_timestamp", "measurement", ["timestamp"])


def downgrade() -> None:
    op.drop_table("measurement")
    op.drop_table("metric_dimension")
    op.drop_table("metric")
