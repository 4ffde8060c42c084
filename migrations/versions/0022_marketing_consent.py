"""marketing consent: the consent log, each address's state per purpose, pending sign-ups; screenings by channel

Revision ID: 0022_marketing_consent
Revises: 0021_delivery_packages
Create Date: 2026-12-02 07:20:00

Three new tables (desk.consent) and three columns on screening_runs for a screening by
channel (NULL for the screenings before it).
"""
from alembic import op
import sqlalchemy as sa

import desk.types


# revision identifiers, used by Alembic.
revision = '0022_marketing_consent'
down_revision = '0021_delivery_packages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('key_hash', sa.LargeBinary(length=16), nullable=False),
    sa.Column('purposes', sa.String(length=400), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('requested_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', desk.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('erased_at', desk.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_signups'))
    )
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('key_hash', sa.LargeBinary(length=16), nullable=False),
    sa.Column('address_masked', sa.String(length=120), nullable=False),
    sa.Column('occurred_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('shown_text', sa.Text(), nullable=True),
    sa.Column('text_version', sa.String(length=40), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('signup_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_consent_records_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signup_id'], ['consent_signups.id'], name=op.f('fk_consent_records_signup_id_consent_signups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_consent_records_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_records_key_hash'), ['key_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_records_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('consent_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('key_hash', sa.LargeBinary(length=16), nullable=False),
    sa.Column('name_hash', sa.LargeBinary(length=16), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('changed_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['consent_records.id'], name=op.f('fk_consent_states_record_id_consent_records'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_states')),
    sa.UniqueConstraint('channel', 'purpose', 'key_hash', name='one_state_per_address')
    )
    with op.batch_alter_table('consent_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_states_key_hash'), ['key_hash'], unique=False)

    with op.batch_alter_table('screening_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('purpose', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('consent_removed', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('screening_runs', schema=None) as batch_op:
        batch_op.drop_column('consent_removed')
        batch_op.drop_column('purpose')
        batch_op.drop_column('channel')

    with op.batch_alter_table('consent_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_states_key_hash'))

    op.drop_table('consent_states')
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_records_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_consent_records_key_hash'))
        batch_op.drop_index(batch_op.f('ix_consent_records_case_id'))

    op.drop_table('consent_records')
    op.drop_table('consent_signups')
