"""a queued letter can be withdrawn unsent: by itself when its reason has gone, or by hand

Revision ID: 0012_letter_withdrawal
Revises: 0011_target_within_horizon
Create Date: 2026-12-01 12:30:00

Letters that waited in the print run for cases already closed (an acknowledgement of a
mail-in case completed or disposed of since, a shortfall notice of a case whose fee was
paid) are withdrawn by this upgrade too, so that the first print run after it holds only
letters that are still true.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_letter_withdrawal"
down_revision = "0011_target_within_horizon"
branch_labels = None
depends_on = None

_LETTERS = sa.table("letters", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
                    sa.column("kind", sa.String), sa.column("dispatched_on", sa.Date),
                    sa.column("storage_name", sa.String), sa.column("withdrawn_at", sa.DateTime(timezone=True)),
                    sa.column("withdrawn_reason", sa.String))
_CASES = sa.table("cases", sa.column("id", sa.Integer), sa.column("status", sa.String))


def upgrade():
    # Plain ADD COLUMN (no table rebuild on SQLite; see migrations/env.py).
    op.add_column("letters", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("letters", sa.Column("withdrawn_reason", sa.String(length=16), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite takes a named REFERENCES clause in ADD COLUMN for a column that defaults to
        # NULL; Alembic would rebuild the table for the constraint instead.
        op.execute("ALTER TABLE letters ADD COLUMN withdrawn_by_id INTEGER "
                   "CONSTRAINT fk_letters_withdrawn_by_id_staff_users REFERENCES staff_users (id)")
    else:
        op.add_column("letters", sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_letters_withdrawn_by_id_staff_users"), "letters", "staff_users",
                              ["withdrawn_by_id"], ["id"])
    # The same rules as desk.letters.service.still_called_for, for what the case's state alone decides.
    status = sa.select(_CASES.c.status).where(_CASES.c.id == _LETTERS.c.case_id).scalar_subquery()
    stale = sa.or_(
        status.in_(["disposed"]),
        sa.and_(_LETTERS.c.kind == "shortfall", status.not_in(["awaiting_fee", "awaiting_documents"])),
        sa.and_(_LETTERS.c.kind == "reply", status != "approved"),
        sa.and_(_LETTERS.c.kind == "lapse", status != "lapsed"),
        sa.and_(_LETTERS.c.kind.in_(["ack", "extension"]),
                status.in_(["completed", "withdrawn", "lapsed", "dispatched"])),
    )
    op.execute(_LETTERS.update()
               .where(_LETTERS.c.dispatched_on.is_(None), _LETTERS.c.storage_name.is_(None), stale)
               .values(withdrawn_at=sa.func.current_timestamp(), withdrawn_reason="reason_gone"))


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_letters_withdrawn_by_id_staff_users"), "letters", type_="foreignkey")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("withdrawn_by_id")
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn_at")
