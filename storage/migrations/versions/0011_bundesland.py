"""partnership.state: the Bundesland whose public holidays a meeting's day is checked against

Revision ID: 0011_bundesland
Revises: 0010_outbox_parked
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_bundesland"
down_revision = "0010_outbox_parked"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=8), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_column("state")
