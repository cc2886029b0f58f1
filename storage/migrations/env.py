"""Alembic environment: always run with a connection handed over by storage.migrate."""

from __future__ import annotations

from alembic import context

import storage.models_attendance
import storage.models_email  # noqa: F401  (the e-mail tables)
from storage import models_polls  # noqa: F401  (the date poll tables, part of the schema)
from storage.models import Base
from storage.models_poll_messages import PollMessageRow  # noqa: F401  (collects the table)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `partnerbot db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
