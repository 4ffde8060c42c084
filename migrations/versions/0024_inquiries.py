"""inquiries and complaints (what reaches the desk and is not a statutory request)

Revision ID: 0024_inquiries
Revises: 0023_api_keys
Create Date: 2026-12-02 06:56:18.257634

Three new tables: inquiries, their encrypted attachments and their links to cases. A letter
can now be about an inquiry (letters.inquiry_id) instead of a case, so letters.case_id may
be NULL.
"""
from alembic import op
import sqlalchemy as sa

import desk.types


# revision identifiers, used by Alembic.
revision = '0024_inquiries'
down_revision = '0023_api_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('received_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('name_key', sa.String(length=100), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('phone_key', sa.String(length=20), nullable=True),
    sa.Column('postal_code', sa.String(length=8), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('matter', sa.Text(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer_channel', sa.String(length=16), nullable=True),
    sa.Column('first_answered_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('disposed_on', sa.Date(), nullable=True),
    sa.Column('created_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_users.id'], name=op.f('fk_inquiries_assignee_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiries')),
    sa.UniqueConstraint('reference', name=op.f('uq_inquiries_reference'))
    )
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiries_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiries_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiries_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiries_phone_key'), ['phone_key'], unique=False)
        batch_op.create_index('ix_inquiries_queue', ['status', 'due_on', 'id'], unique=False)
        batch_op.create_index('ix_inquiries_received', ['received_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiries_status'), ['status'], unique=False)

    op.create_table('inquiry_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.String(length=10), nullable=False),
    sa.Column('created_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=True),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('media_type', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('destroyed_at', desk.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiries.id'], name=op.f('fk_inquiry_attachments_inquiry_id_inquiries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_attachments'))
    )
    with op.batch_alter_table('inquiry_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiry_attachments_inquiry_id'), ['inquiry_id'], unique=False)

    op.create_table('inquiry_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('created_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inquiry_cases_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiries.id'], name=op.f('fk_inquiry_cases_inquiry_id_inquiries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_cases'))
    )
    with op.batch_alter_table('inquiry_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiry_cases_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_cases_inquiry_id'), ['inquiry_id'], unique=False)

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inquiry_id', sa.Integer(), nullable=True))
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_letters_inquiry_id'), ['inquiry_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_letters_inquiry_id_inquiries'), 'inquiries', ['inquiry_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letters_inquiry_id_inquiries'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_letters_inquiry_id'))
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('inquiry_id')

    with op.batch_alter_table('inquiry_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_cases_inquiry_id'))
        batch_op.drop_index(batch_op.f('ix_inquiry_cases_case_id'))

    op.drop_table('inquiry_cases')
    with op.batch_alter_table('inquiry_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_attachments_inquiry_id'))

    op.drop_table('inquiry_attachments')
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiries_status'))
        batch_op.drop_index('ix_inquiries_received')
        batch_op.drop_index('ix_inquiries_queue')
        batch_op.drop_index(batch_op.f('ix_inquiries_phone_key'))
        batch_op.drop_index(batch_op.f('ix_inquiries_name_key'))
        batch_op.drop_index(batch_op.f('ix_inquiries_category'))
        batch_op.drop_index(batch_op.f('ix_inquiries_assignee_id'))

    op.drop_table('inquiries')
