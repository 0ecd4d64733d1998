"""When the evaluator last took care of an alarm (judged it, or found it outside its time
constraints): evaluate_timestamp cannot tell, as every create sets it, as in Aodh.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
    with op.batch_alter_table("alarm") as batch:
        batch.add_column(sa.Column("last_evaluated_at", timestamp, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alarm") as batch:
        batch.drop_column("last_evaluated_at")
