"""handled_event: platform events that changed something, so a replay after a crash is skipped

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_event",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("platform", "event_id"),
    )
    with op.batch_alter_table("handled_event", schema=None) as batch_op:
        batch_op.create_index("ix_handled_event_handled_at", ["handled_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handled_event", schema=None) as batch_op:
        batch_op.drop_index("ix_handled_event_handled_at")
    op.drop_table("handled_event")
