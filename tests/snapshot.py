"""A full copy of every table, to show that a refused command changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.database import Database
from storage.models import Base


async def snapshot(
    database: Database, skip: tuple[str, ...] = (), replies: bool = False
) -> dict[str, list[Any]]:
    """Every row of every table (the presence table is skipped by default callers that
    only care about domain state: seeing a person is not a change of the partnership).
    The outbox's direct replies are left out unless asked for: every command is answered,
    refused or not."""
    result: dict[str, list[Any]] = {}
    async with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            query = select(table).order_by(*table.primary_key.columns)
            if table.name == "outbox" and not replies:
                query = query.where(table.c.kind != "reply")
            rows = await connection.execute(query)
            result[table.name] = [tuple(r) for r in rows]
    return result
