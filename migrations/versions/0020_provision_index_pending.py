"""a provision record's index may be built after its screening

Revision ID: 0020_provision_index_pending
Revises: 0019_provision_records
Create Date: 2026-12-02 01:40:00

`desk screen --to/--from` writes the screened list and the record first and indexes the
list's people right after (or `desk daily` does, if that was interrupted): `indexed_at`
says when, `column_overrides` keeps the --column mapping for it. Records made before this
upgrade were indexed when made.
"""
import sqlalchemy as sa
from alembic import op

import desk.types

revision = "0020_provision_index_pending"
down_revision = "0019_provision_records"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("provision_records", sa.Column("indexed_at", desk.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column("provision_records", sa.Column("column_overrides", sa.JSON(), nullable=True))
    op.execute("UPDATE provision_records SET indexed_at = created_at")


def downgrade():
    with op.batch_alter_table("provision_records") as batch:
        batch.drop_column("column_overrides")
        batch.drop_column("indexed_at")
