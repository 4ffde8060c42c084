"""the database refuses to dispose of a held case, or of one case twice

Revision ID: 0007_disposal_guards
Revises: 0006_lapse_approval
Create Date: 2026-11-23 09:00:00

The disposal job sends its transactions without waiting for each answer, so the rules it
used to check by reading (the case is not held, and not disposed already) are now the
database's: a held case cannot take the status "disposed", and a case has at most one line
in the disposal record. No existing row breaks either: holds have always stopped disposal,
and a disposed case was never listed again.
"""
from alembic import op


revision = "0007_disposal_guards"
down_revision = "0006_lapse_approval"
branch_labels = None
depends_on = None


def upgrade():
    # On SQLite both rebuild their table (migrations run with foreign keys off, so the
    # rebuild cascades to nothing); on PostgreSQL they are plain ALTER TABLEs.
    with op.batch_alter_table("cases") as batch_op:
        batch_op.create_check_constraint(op.f("ck_cases_held_never_disposed"), "NOT (on_hold AND status = 'disposed')")
    with op.batch_alter_table("disposed_cases") as batch_op:
        batch_op.create_unique_constraint(op.f("uq_disposed_cases_case_id"), ["case_id"])


def downgrade():
    with op.batch_alter_table("disposed_cases") as batch_op:
        batch_op.drop_constraint("uq_disposed_cases_case_id", type_="unique")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_constraint("ck_cases_held_never_disposed", type_="check")
