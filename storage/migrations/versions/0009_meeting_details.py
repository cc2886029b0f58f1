"""meeting details: the fixed host's time, end, address, online link, delegated minute-taker

Revision ID: 0009_meeting_details
Revises: 0008_link_attempts
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_meeting_details"
down_revision = "0008_link_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host_fixed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("address", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("online_url", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("minute_taker_person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_meeting_minute_taker_person_id",
            "person",
            ["minute_taker_person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint("fk_meeting_minute_taker_person_id", type_="foreignkey")
        batch_op.drop_column("minute_taker_person_id")
        batch_op.drop_column("online_url")
        batch_op.drop_column("address")
        batch_op.drop_column("ends_at")
        batch_op.drop_column("host_fixed_at")
