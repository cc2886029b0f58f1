"""poll_message: where the bot's polls were posted (platform poll and message ids per room)

Revision ID: 0013_poll_messages
Revises: 0012_date_polls
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_poll_messages"
down_revision = "0012_date_polls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("poll_key", sa.String(length=64), nullable=False),
        sa.Column("poll_id", sa.String(length=255), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("answer_keys", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "external_id", "poll_key"),
    )
    with op.batch_alter_table("poll_message", schema=None) as batch_op:
        batch_op.create_index("ix_poll_message_poll", ["platform", "poll_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("poll_message", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_message_poll")
    op.drop_table("poll_message")
