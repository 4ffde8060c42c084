"""what the desk asked of the requester, in the officer's words, kept with the pause its notice opened

Revision ID: 0014_pause_message
Revises: 0013_identity_evidence
Create Date: 2026-12-01 13:00:00

Every request to the requester (the fee, documents, an answer to a question) is now a
notice that prints the officer's own text; the text is kept on the pause (case_pauses.message)
and erased at disposal. Requests made before this kept their text as a case note only; it
stays there.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_pause_message"
down_revision = "0013_identity_evidence"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("case_pauses", sa.Column("message", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("case_pauses") as batch:
        batch.drop_column("message")
