"""partnership.state: the Bundesland whose public holidays a meeting's day is checked against

Revision ID: 0008_bundesland
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_bundesland"
down_revision = "0007"
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
