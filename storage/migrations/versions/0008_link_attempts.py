"""link_attempt: failed /link redemptions per room and person, to throttle guessing codes

Revision ID: 0008_link_attempts
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_link_attempts"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("link_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_link_attempt_room", ["platform", "room_id", "at"], unique=False)
        batch_op.create_index("ix_link_attempt_user", ["platform", "user_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("link_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_link_attempt_user")
        batch_op.drop_index("ix_link_attempt_room")
    op.drop_table("link_attempt")
