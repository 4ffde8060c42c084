"""lapses go to a supervisor: approvals of kind "lapse" with what did not arrive

Revision ID: 0006_lapse_approval
Revises: 0005_hold_flag
Create Date: 2026-11-23 05:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0006_lapse_approval"
down_revision = "0005_hold_flag"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (SQLite takes them with a constant default): no table rebuild.
    op.add_column("approvals", sa.Column("kind", sa.String(length=12), nullable=False, server_default="decision"))
    op.add_column("approvals", sa.Column("reason", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("approvals") as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("kind")
