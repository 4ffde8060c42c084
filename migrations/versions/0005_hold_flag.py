"""hold flag on the case row, so disposal refuses a held case in the statement that locks it

Revision ID: 0005_hold_flag
Revises: 0004_retention
Create Date: 2026-11-23 05:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0005_hold_flag"
down_revision = "0004_retention"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (SQLite takes it with a constant default): no table rebuild.
    op.add_column("cases", sa.Column("on_hold", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Holds standing before this revision.
    op.execute("UPDATE cases SET on_hold = TRUE WHERE id IN "
               "(SELECT case_id FROM legal_holds WHERE released_at IS NULL)")


def downgrade():
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("on_hold")
