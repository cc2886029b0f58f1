"""email_address.answer_code and voter_id: each address's personal answer link (a date poll,
an invitation) and the stand-in person an office address answers as

Revision ID: 0018_web_answers
Revises: 0017_history_state
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0018_web_answers"
down_revision = "0017_history_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("email_address") as batch:
        batch.add_column(sa.Column("answer_code", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("voter_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_email_address_voter_id_person", "person", ["voter_id"], ["id"], ondelete="SET NULL"
        )
    connection = op.get_bind()
    table = sa.table("email_address", sa.column("id", sa.Integer), sa.column("answer_code"))
    for (address_id,) in connection.execute(sa.select(table.c.id)).all():
        connection.execute(
            table.update()
            .where(table.c.id == address_id)
            .values(answer_code=secrets.token_urlsafe(24))
        )
    op.create_index("ix_email_address_answer_code", "email_address", ["answer_code"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_email_address_answer_code", table_name="email_address")
    with op.batch_alter_table("email_address") as batch:
        batch.drop_constraint("fk_email_address_voter_id_person", type_="foreignkey")
        batch.drop_column("voter_id")
        batch.drop_column("answer_code")
