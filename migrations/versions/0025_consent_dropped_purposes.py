"""consent: purposes dropped from the setting, so their records are disposed of after the keeping period

Revision ID: 0025_consent_dropped_purposes
Revises: 0024_inquiries
Create Date: 2026-12-02 20:05:00.000000

One new table: consent_dropped_purposes (the purpose code, when the disposal run first
found it gone from the setting consent_purposes, and when its records were disposed of).
"""
from alembic import op
import sqlalchemy as sa

import desk.types


# revision identifiers, used by Alembic.
revision = '0025_consent_dropped_purposes'
down_revision = '0024_inquiries'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_dropped_purposes',
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('dropped_at', desk.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disposed_at', desk.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('purpose', name=op.f('pk_consent_dropped_purposes'))
    )


def downgrade():
    op.drop_table('consent_dropped_purposes')
