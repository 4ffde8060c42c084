"""identity evidence: the counter check, the document linking two addresses, where a later document came from

Revision ID: 0013_identity_evidence
Revises: 0012_letter_withdrawal
Create Date: 2026-12-01 22:30:00

Nothing existing moves: a case already identified stays so; the new columns start empty.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_identity_evidence"
down_revision = "0012_letter_withdrawal"
branch_labels = None
depends_on = None

#: (table, column, referenced table) for the foreign keys added.
_FOREIGN_KEYS = [
    ("verifications", "counter_by_id", "staff_users"),
    ("verifications", "linking_document_id", "documents"),
    ("verifications", "linked_by_id", "staff_users"),
]


def upgrade():
    # Plain ADD COLUMN (no table rebuild on SQLite; see migrations/env.py and 0012).
    op.add_column("documents", sa.Column("origin", sa.String(length=12), nullable=True))
    op.add_column("verifications", sa.Column("counter_kinds", sa.JSON(), nullable=True))
    op.add_column("verifications", sa.Column("counter_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("verifications", sa.Column("counter_number_tail", sa.String(length=8), nullable=True))
    op.add_column("verifications", sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True))
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column, target in _FOREIGN_KEYS:
        name = f"fk_{table}_{column}_{target}"
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {target} (id)")
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(name), table, target, [column], ["id"])


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        for table, column, target in _FOREIGN_KEYS:
            op.drop_constraint(op.f(f"fk_{table}_{column}_{target}"), table, type_="foreignkey")
    with op.batch_alter_table("verifications") as batch:
        for column in (
            "linked_by_id",
            "linking_document_id",
            "counter_by_id",
            "linked_at",
            "counter_number_tail",
            "counter_at",
            "counter_kinds",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("origin")
