"""the internal target never passes the statutory horizon unless the clock was paused or the date extended

Revision ID: 0011_target_within_horizon
Revises: 0010_staff_accounts
Create Date: 2026-12-01 12:00:00

desk now caps the internal target at the statutory horizon (arrival + 14 days) for a case
whose clock never stopped and whose response date was never extended. Targets stored
before this (with the old default of 10 business days) may lie past the horizon; those of
such cases are brought back to it. A case that was paused or extended keeps its target.
The new default of 7 business days applies to the deadlines computed from now on; stored
targets are not recounted (the setting may have been chosen by the business).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_target_within_horizon"
down_revision = "0010_staff_accounts"
branch_labels = None
depends_on = None

_CASES = sa.table("cases", sa.column("id", sa.Integer), sa.column("internal_target_on", sa.Date),
                  sa.column("statutory_horizon_on", sa.Date))
_PAUSES = sa.table("case_pauses", sa.column("case_id", sa.Integer))
_EXTENSIONS = sa.table("case_extensions", sa.column("case_id", sa.Integer))


def upgrade():
    op.execute(
        _CASES.update()
        .where(_CASES.c.internal_target_on > _CASES.c.statutory_horizon_on,
               ~sa.exists().where(_PAUSES.c.case_id == _CASES.c.id),
               ~sa.exists().where(_EXTENSIONS.c.case_id == _CASES.c.id))
        .values(internal_target_on=_CASES.c.statutory_horizon_on))


def downgrade():
    # The targets past the horizon were a fault; nothing to restore.
    pass
