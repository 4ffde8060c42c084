"""staff accounts: sessions that end, temporary passwords, throttled sign-in, two-step sign-in

Revision ID: 0010_staff_accounts
Revises: 0009_search_keys
Create Date: 2026-11-24 15:00:00

staff_users gains session_generation (a session of an older generation is over: sign-out,
password change or reset), must_change_password (a temporary password set by an
administrator or `desk create-user`), device_failures (wrong attempts from a trusted
browser), password_changed_at, and the encrypted TOTP secret with the last step used.
Recovery codes get a table of their own. Existing accounts keep their passwords, none is
forced to change, and nobody has two-step sign-in until they turn it on. Plain ADD COLUMNs
with constant defaults: no table rebuild on SQLite.
"""
import sqlalchemy as sa
from alembic import op

import desk.types

revision = "0010_staff_accounts"
down_revision = "0009_search_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("staff_users", sa.Column("device_failures", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("staff_users", sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("staff_users", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    op.add_column("staff_users", sa.Column("password_changed_at", desk.types.UTCDateTime(), nullable=True))
    op.add_column("staff_users", sa.Column("totp_secret", sa.String(length=255), nullable=True))
    op.add_column("staff_users", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", desk.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name=op.f("fk_staff_recovery_codes_staff_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_staff_recovery_codes_code_hash")),
    )
    with op.batch_alter_table("staff_recovery_codes") as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_recovery_codes_staff_id"), ["staff_id"], unique=False)


def downgrade():
    with op.batch_alter_table("staff_recovery_codes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_recovery_codes_staff_id"))
    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("staff_users") as batch_op:
        for column in ("totp_last_step", "totp_secret", "password_changed_at", "must_change_password",
                       "session_generation", "device_failures"):
            batch_op.drop_column(column)
