"""provision index: sealed buckets by the name's digest, in place of a row per person

Revision ID: 0028_provision_index_buckets
Revises: 0027_consent_screening_index
Create Date: 2026-12-03 13:10:00

provision_record_people held a row per person of every recorded list with the register's
digests of the name, birth date, phone and address. Normalising and hashing the phone and
address of every row, and a million inserts per list, cost four times the screening itself
(benchmarks/screen.py --record). The index is now provision_record_buckets: per list, one
row per 16-bit bucket of the name's digest, holding that bucket's people (the name's digest,
the row, the fields as written) sealed with AES-GCM under a key derived from the stored
list's own key; a search opens one bucket per list (desk.provisions.index).

Data: a digest cannot be turned back into the fields, so the index is built again from the
lists themselves, which are kept encrypted: every record still holding its list is marked to
be indexed (indexed_at NULL) and `desk daily` indexes it (until then the case page says so
and refuses to confirm a search). Records, lists and skeletons are untouched. The downgrade
does the same the other way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_provision_index_buckets"
down_revision = "0027_consent_screening_index"
branch_labels = None
depends_on = None

PEOPLE = "provision_record_people"
BUCKETS = "provision_record_buckets"


def _mark_for_indexing():
    op.execute(
        "UPDATE provision_records SET indexed_at = NULL, indexed_count = 0 "
        "WHERE disposed_on IS NULL AND wrapped_key IS NOT NULL"
    )


def upgrade():
    # The table's indexes go with it. (Its name index is not dropped by name: an indexing
    # interrupted under 0026 on SQLite could leave the table without it.)
    op.drop_table(PEOPLE)
    op.create_table(
        BUCKETS,
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["provision_records.id"],
            name=op.f("fk_provision_record_buckets_record_id_provision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "bucket", name=op.f("pk_provision_record_buckets")),
        sqlite_with_rowid=False,
    )
    _mark_for_indexing()


def downgrade():
    op.drop_table(BUCKETS)
    op.create_table(
        PEOPLE,
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("row", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name_key", sa.LargeBinary(length=16), nullable=False),
        sa.Column("birth_key", sa.LargeBinary(length=16), nullable=True),
        sa.Column("phone_key", sa.LargeBinary(length=16), nullable=True),
        sa.Column("address_key", sa.LargeBinary(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["provision_records.id"],
            name=op.f("fk_provision_record_people_record_id_provision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "row", name=op.f("pk_provision_record_people")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_provision_record_people_name_key", PEOPLE, ["name_key"], unique=False)
    _mark_for_indexing()
