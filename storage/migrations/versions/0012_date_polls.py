"""date polls: candidate times for the next meeting and each person's latest answer

Revision ID: 0012_date_polls
Revises: 0011_bundesland
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_date_polls"
down_revision = "0011_bundesland"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "date_poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("host_member_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposal", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["host_member_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("date_poll", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_date_poll_partnership_id"), ["partnership_id"], unique=False
        )
    op.create_table(
        "date_poll_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["poll_id"], ["date_poll.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "number", name="uq_date_poll_option"),
    )
    op.create_table(
        "date_poll_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("numbers", sa.String(length=64), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["date_poll.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "person_id", name="uq_date_poll_vote"),
    )


def downgrade() -> None:
    op.drop_table("date_poll_vote")
    op.drop_table("date_poll_option")
    with op.batch_alter_table("date_poll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_date_poll_partnership_id"))
    op.drop_table("date_poll")
