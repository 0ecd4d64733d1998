"""A lock row per project: alarm creates of one project count their quota in turn.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_lock",
        sa.Column("project_id", sa.String(128), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("project_lock")
