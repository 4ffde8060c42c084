"""provision index: the register's per-field digests, one row per person, clustered by list

Revision ID: 0026_provision_index_by_field
Revises: 0025_consent_dropped_purposes
Create Date: 2026-12-03 01:30:00

provision_record_people held three digests per person (the name joined to the birth date,
the address, the phone), each with its own index. It now holds the suppression register's
own digests of each field (name, birth date, phone, address; 16 bytes each) — those the
screening computes anyway — keyed by (record_id, row) (SQLite: WITHOUT ROWID) with one
secondary index, on the name's digest.

Data: the old digests cannot be turned into the new ones (a keyed hash is not reversible),
so the index is built again from the lists themselves, which are kept encrypted: every
record still holding its list is marked to be indexed (indexed_at NULL) and `desk daily`
indexes it (until then the case page says so and refuses to confirm a search). Records,
lists and skeletons are untouched. The downgrade does the same the other way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_provision_index_by_field"
down_revision = "0025_consent_dropped_purposes"
branch_labels = None
depends_on = None

TABLE = "provision_record_people"


def _mark_for_indexing():
    op.execute(
        "UPDATE provision_records SET indexed_at = NULL, indexed_count = 0 "
        "WHERE disposed_on IS NULL AND wrapped_key IS NOT NULL"
    )


def upgrade():
    op.drop_table(TABLE)
    op.create_table(
        TABLE,
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
    op.create_index("ix_provision_record_people_name_key", TABLE, ["name_key"], unique=False)
    _mark_for_indexing()


def downgrade():
    op.drop_index("ix_provision_record_people_name_key", table_name=TABLE)
    op.drop_table(TABLE)
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("birth_key", sa.LargeBinary(length=32), nullable=True),
        sa.Column("address_key", sa.LargeBinary(length=32), nullable=True),
        sa.Column("phone_key", sa.LargeBinary(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["provision_records.id"],
            name=op.f("fk_provision_record_people_record_id_provision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_record_people")),
    )
    for column in ("address_key", "birth_key", "phone_key", "record_id"):
        op.create_index(f"ix_provision_record_people_{column}", TABLE, [column], unique=False)
    _mark_for_indexing()
