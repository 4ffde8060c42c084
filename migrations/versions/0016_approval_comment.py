"""a supervisor's reason for returning a decision, shown to the drafter

Revision ID: 0016_approval_comment
Revises: 0015_intake_sends
Create Date: 2026-12-03 10:00:00

One nullable column; existing approvals have no comment.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_approval_comment"
down_revision = "0015_intake_sends"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("approvals") as batch:
        batch.drop_column("comment")
