"""the given name's search keys, so that a given name alone finds the person

Revision ID: 0018_given_name_keys
Revises: 0017_throttle_counters
Create Date: 2026-12-03 12:00:00

Two indexed columns on requesters, filled for every stored person from their own name and
reading by desk.cases.search.given_key (imported, as 0009 imports desk.text: the keys must be
those the code after the upgrade searches by). New rows get them from the model itself.
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_given_name_keys"
down_revision = "0017_throttle_counters"
branch_labels = None
depends_on = None

_REQUESTERS = sa.table("requesters", sa.column("id", sa.Integer), sa.column("name", sa.String),
                       sa.column("furigana", sa.String), sa.column("given_key", sa.String),
                       sa.column("given_kana_key", sa.String))
_BATCH = 1000


def upgrade():
    from desk.cases.search import given_key

    with op.batch_alter_table("requesters") as batch:
        batch.add_column(sa.Column("given_key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("given_kana_key", sa.String(length=100), nullable=True))
        batch.create_index(batch.f("ix_requesters_given_key"), ["given_key"])
        batch.create_index(batch.f("ix_requesters_given_kana_key"), ["given_kana_key"])
    connection = op.get_bind()
    rows = connection.execute(sa.select(_REQUESTERS.c.id, _REQUESTERS.c.name, _REQUESTERS.c.furigana)).all()
    update = _REQUESTERS.update().where(_REQUESTERS.c.id == sa.bindparam("row_id")).values(
        given_key=sa.bindparam("gk"), given_kana_key=sa.bindparam("gkk"))
    changes = [{"row_id": i, "gk": given_key(name), "gkk": given_key(furigana)} for i, name, furigana in rows]
    for start in range(0, len(changes), _BATCH):
        connection.execute(update, changes[start:start + _BATCH])


def downgrade():
    with op.batch_alter_table("requesters") as batch:
        batch.drop_index(batch.f("ix_requesters_given_kana_key"))
        batch.drop_index(batch.f("ix_requesters_given_key"))
        batch.drop_column("given_kana_key")
        batch.drop_column("given_key")
