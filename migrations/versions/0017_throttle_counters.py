"""throttle counters in desk's own database, shared by every worker and app server

Revision ID: 0017_throttle_counters
Revises: 0016_approval_comment
Create Date: 2026-12-03 10:00:00

A new table only; rows are keyed hashes and live as long as their window.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_throttle_counters"
down_revision = "0016_approval_comment"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttle_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counters")),
    )
    op.create_index(op.f("ix_throttle_counters_expires_at"), "throttle_counters", ["expires_at"])


def downgrade():
    op.drop_index(op.f("ix_throttle_counters_expires_at"), table_name="throttle_counters")
    op.drop_table("throttle_counters")
