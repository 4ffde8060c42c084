"""electronic delivery packages on the requester's page (Art. 33(1))

Revision ID: 0021_delivery_packages
Revises: 0020_provision_index_pending
Create Date: 2026-12-02 01:50:00

One new table: each package (reply PDF, disclosed data as CSV and PDF, attached files) is
one encrypted file with its period and download count.
"""
from alembic import op
import sqlalchemy as sa

import desk.types


# revision identifiers, used by Alembic.
revision = '0021_delivery_packages'
down_revision = '0020_provision_index_pending'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('published_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('available_until', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('max_downloads', sa.Integer(), nullable=False),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=True),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('media_type', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('destroyed_at', desk.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_delivery_packages_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_delivery_packages_letter_id_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_packages'))
    )
    with op.batch_alter_table('delivery_packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_packages_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('delivery_packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_packages_case_id'))
    op.drop_table('delivery_packages')
