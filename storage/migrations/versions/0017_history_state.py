"""rotation_state: the host rotation as of a moment, so a long history is not replayed;
indexes for the queries that read only what is open or recent

Revision ID: 0017_history_state
Revises: 0016_web
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_history_state"
down_revision = "0016_web"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_meeting_partnership_starts", "meeting", ["partnership_id", "starts_at"]),
    ("ix_meeting_partnership_status", "meeting", ["partnership_id", "status", "starts_at"]),
    (
        "ix_agenda_item_partnership_status",
        "agenda_item",
        ["partnership_id", "status", "position"],
    ),
    ("ix_agenda_item_meeting", "agenda_item", ["meeting_id"]),
    ("ix_action_item_partnership_done", "action_item", ["partnership_id", "done_at"]),
    ("ix_minutes_partnership_status", "minutes", ["partnership_id", "status"]),
    ("ix_reminder_partnership_status", "reminder", ["partnership_id", "status", "due_at"]),
    ("ix_rotation_override_partnership_at", "rotation_override", ["partnership_id", "at"]),
]


def upgrade() -> None:
    op.create_table(
        "rotation_state",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("partnership_id"),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("rotation_state")
