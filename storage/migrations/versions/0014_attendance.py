"""meeting_reply: each person's latest answer (yes, no, maybe) to a meeting invitation

Revision ID: 0014_attendance
Revises: 0013_poll_messages
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_attendance"
down_revision = "0013_poll_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("for_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "person_id", name="uq_meeting_reply_person"),
    )
    op.create_index("ix_meeting_reply_meeting_id", "meeting_reply", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_reply_meeting_id", table_name="meeting_reply")
    op.drop_table("meeting_reply")
