"""provision index: entries point at rows of the stored list, which is kept in pieces

Revision ID: 0029_provision_list_pieces
Revises: 0028_provision_index_buckets
Create Date: 2026-12-06 22:30:00

A bucket held each person's date of birth, phone and address as written (some 75 bytes a
person, 79 MB for a list of a million, as large as the list). A bucket now holds the name's
cut digest and the row only (12 bytes a person), in 4,096 buckets of 12 bits instead of
65,536; the stored list is kept in pieces of some 32 KB, each sealed on its own, so a search
reads the one piece that holds a namesake's row (desk.provisions.index, desk.storage).
provision_records gains the list's encoding and the first row of each piece.

Data: the old buckets cannot be read as the new ones, so they are deleted and every record
still holding its list is marked to be indexed (indexed_at NULL). `desk daily` indexes it
from the stored list and stores the list again in pieces under a new key (until then the
case page says so and refuses to confirm a search). Records, lists and skeletons are
untouched. The downgrade does the same the other way; a list already stored in pieces is
read only by this revision's code, so index before downgrading past it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_provision_list_pieces"
down_revision = "0028_provision_index_buckets"
branch_labels = None
depends_on = None


def _mark_for_indexing():
    op.execute("DELETE FROM provision_record_buckets")
    op.execute(
        "UPDATE provision_records SET indexed_at = NULL, indexed_count = 0 "
        "WHERE disposed_on IS NULL AND wrapped_key IS NOT NULL"
    )


def upgrade():
    with op.batch_alter_table("provision_records") as batch:
        batch.add_column(sa.Column("list_encoding", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("piece_rows", sa.LargeBinary(), nullable=True))
    _mark_for_indexing()


def downgrade():
    _mark_for_indexing()
    with op.batch_alter_table("provision_records") as batch:
        batch.drop_column("piece_rows")
        batch.drop_column("list_encoding")
