"""Join the agenda (0003) and reminders (0004) branches, which were built side by side.

Revision ID: 0005
Revises: 0003, 0004
"""

from __future__ import annotations

revision = "0005"
down_revision = ("0003", "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
