"""email_address, email_setting: e-mail recipients (double opt-in) and kinds per partnership

Revision ID: 0015_email
Revises: 0014_attendance
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_email"
down_revision = "0014_attendance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_address",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "partnership_id",
            sa.Integer(),
            sa.ForeignKey("partnership.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column(
            "member_id", sa.Integer(), sa.ForeignKey("member.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.Column("stop_code", sa.String(length=32), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("partnership_id", "address"),
    )
    op.create_index("ix_email_address_partnership_id", "email_address", ["partnership_id"])
    op.create_table(
        "email_setting",
        sa.Column(
            "partnership_id",
            sa.Integer(),
            sa.ForeignKey("partnership.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(length=16), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("email_setting")
    op.drop_index("ix_email_address_partnership_id", table_name="email_address")
    op.drop_table("email_address")
