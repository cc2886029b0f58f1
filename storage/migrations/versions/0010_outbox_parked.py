"""outbox: what a message answers and what kind it is, for parking messages that keep failing;
handled_event no longer keeps the reply (the reply is an outbox row of the same transaction)

Revision ID: 0010_outbox_parked
Revises: 0009_meeting_details
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_outbox_parked"
down_revision = "0009_meeting_details"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="message")
        )
    with op.batch_alter_table("handled_event", schema=None) as batch_op:
        batch_op.drop_column("reply")


def downgrade() -> None:
    with op.batch_alter_table("handled_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply", sa.Text(), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("kind")
        batch_op.drop_column("answers")
