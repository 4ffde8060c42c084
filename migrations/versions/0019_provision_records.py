"""records of provision to and receipt from third parties (Arts. 29, 30)

Revision ID: 0019_provision_records
Revises: 0018_given_name_keys
Create Date: 2026-12-02 01:20:51

Three new tables: the counterparties, the records (each with its list as an encrypted
file), and the keyed index of the people on each list (one row per person per list, three
HMAC digests, each indexed).
"""
from alembic import op
import sqlalchemy as sa

import desk.types


# revision identifiers, used by Alembic.
revision = '0019_provision_records'
down_revision = '0018_given_name_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counterparties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('representative', sa.String(length=100), nullable=True),
    sa.Column('optout_published_on', sa.Date(), nullable=True),
    sa.Column('optout_reference', sa.String(length=100), nullable=True),
    sa.Column('contact', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counterparties')),
    sa.UniqueConstraint('code', name=op.f('uq_counterparties_code'))
    )
    op.create_table('provision_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('counterparty_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=24), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('acquisition', sa.Text(), nullable=True),
    sa.Column('optout_published_on', sa.Date(), nullable=True),
    sa.Column('optout_reference', sa.String(length=100), nullable=True),
    sa.Column('list_name', sa.String(length=200), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('screening_run_id', sa.Integer(), nullable=True),
    sa.Column('person_count', sa.Integer(), nullable=False),
    sa.Column('indexed_count', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('operator', sa.String(length=100), nullable=True),
    sa.Column('created_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('keep_until', sa.Date(), nullable=False),
    sa.Column('on_hold', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('hold_reason', sa.Text(), nullable=True),
    sa.Column('disposed_on', sa.Date(), nullable=True),
    sa.Column('storage_name', sa.String(length=64), nullable=True),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('media_type', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('destroyed_at', desk.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['counterparty_id'], ['counterparties.id'], name=op.f('fk_provision_records_counterparty_id_counterparties')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_users.id'], name=op.f('fk_provision_records_recorded_by_id_staff_users')),
    sa.ForeignKeyConstraint(['screening_run_id'], ['screening_runs.id'], name=op.f('fk_provision_records_screening_run_id_screening_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provision_records'))
    )
    with op.batch_alter_table('provision_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provision_records_counterparty_id'), ['counterparty_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provision_records_direction'), ['direction'], unique=False)
        batch_op.create_index('ix_provision_records_due', ['keep_until', 'disposed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_provision_records_occurred_on'), ['occurred_on'], unique=False)

    op.create_table('provision_record_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('birth_key', sa.LargeBinary(length=32), nullable=True),
    sa.Column('address_key', sa.LargeBinary(length=32), nullable=True),
    sa.Column('phone_key', sa.LargeBinary(length=32), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['provision_records.id'], name=op.f('fk_provision_record_people_record_id_provision_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provision_record_people'))
    )
    with op.batch_alter_table('provision_record_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provision_record_people_address_key'), ['address_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_provision_record_people_birth_key'), ['birth_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_provision_record_people_phone_key'), ['phone_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_provision_record_people_record_id'), ['record_id'], unique=False)



def downgrade():
    with op.batch_alter_table("provision_record_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provision_record_people_record_id'))
        batch_op.drop_index(batch_op.f('ix_provision_record_people_phone_key'))
        batch_op.drop_index(batch_op.f('ix_provision_record_people_birth_key'))
        batch_op.drop_index(batch_op.f('ix_provision_record_people_address_key'))

    op.drop_table('provision_record_people')
    with op.batch_alter_table('provision_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provision_records_occurred_on'))
        batch_op.drop_index('ix_provision_records_due')
        batch_op.drop_index(batch_op.f('ix_provision_records_direction'))
        batch_op.drop_index(batch_op.f('ix_provision_records_counterparty_id'))

    op.drop_table('provision_records')
    op.drop_table('counterparties')
