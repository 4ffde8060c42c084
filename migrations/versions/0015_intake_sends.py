"""the public form's sends, claimed by a one-time token so that a double click makes one case

Revision ID: 0015_intake_sends
Revises: 0014_pause_message
Create Date: 2026-12-02 10:00:00

A new table only; rows live half an hour.
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_intake_sends"
down_revision = "0014_pause_message"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_sends",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("completion", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_intake_sends")),
    )
    op.create_index(op.f("ix_intake_sends_created_at"), "intake_sends", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_intake_sends_created_at"), table_name="intake_sends")
    op.drop_table("intake_sends")
