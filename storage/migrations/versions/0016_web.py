"""web_link and web_settings: the web site's secret links (hashed) and its public parts

Revision ID: 0016_web
Revises: 0015_email
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_web"
down_revision = "0015_email"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "partnership_id",
            sa.Integer(),
            sa.ForeignKey("partnership.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_link_partnership_id", "web_link", ["partnership_id"])
    op.create_index("ix_web_link_person_id", "web_link", ["person_id"])
    op.create_table(
        "web_settings",
        sa.Column(
            "partnership_id",
            sa.Integer(),
            sa.ForeignKey("partnership.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("public_parts", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("public_id", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("show_contacts", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("web_settings")
    op.drop_index("ix_web_link_person_id", table_name="web_link")
    op.drop_index("ix_web_link_partnership_id", table_name="web_link")
    op.drop_table("web_link")
