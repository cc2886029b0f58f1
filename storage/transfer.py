"""Moving one partnership between databases: export it with the people it references,
import it as a new partnership. Which tables belong to it is `storage.layout`'s answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Date, DateTime, Integer, Table, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.type_api import TypeEngine

from storage import models_polls  # noqa: F401  (the date poll tables, part of the schema)
from storage.layout import (
    PERSON,
    ROOT,
    Layout,
    layout,
    partnership_rows,
    referenced_persons,
    table_rows,
)
from storage.models import Base

if TYPE_CHECKING:
    from storage.database import Database

FORMAT = "partnerbot-partnership"
VERSION = 1


class TransferError(Exception):
    """The export or import cannot be done; the message says why in one line."""


def _surrogate(table: Table) -> Column[Any] | None:
    """The table's own integer id, given anew by the target database on import."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and isinstance(keys[0].type, Integer) and not keys[0].foreign_keys:
        return keys[0]
    return None


def _is_time(kind: TypeEngine[Any]) -> bool:
    impl = getattr(kind, "impl", kind)
    return isinstance(impl, DateTime)


def _is_day(kind: TypeEngine[Any]) -> bool:
    impl = getattr(kind, "impl", kind)
    return isinstance(impl, Date) and not isinstance(impl, DateTime)


def _load_value(column: Column[Any], value: Any) -> Any:
    if value is not None and _is_time(column.type):
        return datetime.fromisoformat(value)
    if value is not None and _is_day(column.type):
        return date.fromisoformat(value)
    return value


REMINDER_REFERENCES = {
    "meeting": "meeting",
    "member": "member",
    "action": "action_item",
    "author_id": "person",
    "poll": "date_poll",
}
"""Ids a reminder's JSON payload holds, and their tables. A planned reminder's key starts
with the id of what it is about (`17@2027-03-02T09:00Z-14d`); both follow the new ids, or
the imported reminders would be about nothing and be dropped when due."""

_LEADING_ID = re.compile(r"(\d+)(\D.*)?$", re.DOTALL)


def _remap_reminder(row: dict[str, Any], new_ids: dict[str, dict[Any, Any]]) -> dict[str, Any]:
    payload = json.loads(row.get("payload") or "{}")
    key = str(row["key"])
    for field, table in REMINDER_REFERENCES.items():
        old = payload.get(field)
        if not isinstance(old, int) or old not in new_ids.get(table, {}):
            continue
        new = new_ids[table][old]
        payload[field] = new
        leading = _LEADING_ID.match(key)
        if field != "author_id" and leading and int(leading[1]) == old:
            key = f"{new}{leading[2] or ''}"
    return {
        **row,
        "key": key,
        "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
    }


def find_partnership(conn: Connection, name: str) -> int:
    """The partnership called `name` (case ignored), or `#<id>`."""
    table = Base.metadata.tables[ROOT]
    rows = conn.execute(select(table.c.id, table.c.name).order_by(table.c.id)).all()
    if name.startswith("#") and name[1:].isdigit():
        wanted = [r for r in rows if r.id == int(name[1:])]
    else:
        wanted = [r for r in rows if r.name.casefold() == name.strip().casefold()]
    if not wanted:
        known = ", ".join(f"{r.name} (#{r.id})" for r in rows) or "none"
        raise TransferError(f"no partnership called {name!r}; known: {known}")
    if len(wanted) > 1:
        ids = ", ".join(f"#{r.id}" for r in wanted)
        raise TransferError(f"{len(wanted)} partnerships are called {name!r}: use one of {ids}")
    return int(wanted[0].id)


def export_partnership(
    conn: Connection, partnership_id: int, schema: Iterable[str] = ()
) -> dict[str, Any]:
    """One partnership with the people it references, as plain JSON-ready data."""
    parts = layout()
    if parts.unclassified:
        raise TransferError(f"tables neither owned nor instance-wide: {parts.unclassified}")
    tables = partnership_rows(conn, parts, partnership_id)
    persons = sorted(referenced_persons(parts, tables))
    for table in parts.people:
        column = table.c.id if table.name == PERSON else _person_column(table)
        tables[table.name] = table_rows(conn, table, column.in_(persons))
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": sorted(schema),
        "partnership": tables[ROOT][0]["name"] if tables[ROOT] else None,
        "tables": {t.name: tables[t.name] for t in (*parts.people, *parts.owned)},
    }


def _person_column(table: Table) -> Column[Any]:
    for fk in table.foreign_keys:
        if fk.column.table.name == PERSON:
            return fk.parent
    raise TransferError(f"table {table.name} does not point at a person")


def import_partnership(conn: Connection, data: dict[str, Any]) -> int:
    """Insert an export as a new partnership; returns its id. People known by one of their
    identities already are reused, everything else gets new ids."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise TransferError("not a partnerbot partnership export (format or version differ)")
    parts = layout()
    dumped: dict[str, list[dict[str, Any]]] = data["tables"]
    known = {t.name for t in (*parts.people, *parts.owned)}
    unknown = sorted(set(dumped) - known)
    if unknown:
        raise TransferError(f"the export has tables this version does not know: {unknown}")
    new_ids: dict[str, dict[Any, Any]] = {}
    _import_people(conn, parts, dumped, new_ids)
    # Reminders last: their payloads name meetings, members and action items by id.
    for table in sorted(parts.owned, key=lambda t: t.name == "reminder"):
        new_ids[table.name] = {}
        for row in dumped.get(table.name, []):
            if table.name == "reminder":
                row = _remap_reminder(row, new_ids)
            _insert(conn, table, row, new_ids)
    return int(next(iter(new_ids[ROOT].values())))


def _import_people(
    conn: Connection,
    parts: Layout,
    dumped: dict[str, list[dict[str, Any]]],
    new_ids: dict[str, dict[Any, Any]],
) -> None:
    person = Base.metadata.tables[PERSON]
    identity = Base.metadata.tables["identity"]
    existing: dict[int, int] = {}
    for row in dumped.get("identity", []):
        found = conn.execute(
            select(identity.c.person_id).where(
                identity.c.platform == row["platform"], identity.c.user_id == row["user_id"]
            )
        ).scalar_one_or_none()
        if found is not None:
            existing.setdefault(row["person_id"], found)
    new_ids[PERSON] = dict(existing)
    for row in dumped.get(PERSON, []):
        if row["id"] not in existing:
            _insert(conn, person, row, new_ids)
    for table in parts.people:
        if table.name == PERSON:
            continue
        new_ids.setdefault(table.name, {})
        for row in dumped.get(table.name, []):
            if _person_column(table).name in row and row[_person_column(table).name] in existing:
                continue
            _insert(conn, table, row, new_ids)


def _insert(
    conn: Connection, table: Table, row: dict[str, Any], new_ids: dict[str, dict[Any, Any]]
) -> None:
    own = _surrogate(table)
    values: dict[str, Any] = {}
    for column in table.c:
        if column.name not in row or column is own:
            continue
        value = _load_value(column, row[column.name])
        for fk in column.foreign_keys:
            parent = fk.column.table.name
            if value is not None and parent in new_ids:
                if value not in new_ids[parent]:
                    raise TransferError(f"{table.name}.{column.name} points at a missing {parent}")
                value = new_ids[parent][value]
        values[column.name] = value
    if own is None:
        conn.execute(table.insert().values(**values))
        return
    new_id = conn.execute(table.insert().values(**values).returning(own)).scalar_one()
    new_ids.setdefault(table.name, {})[row[own.name]] = new_id


async def export_from(database: Database, name: str) -> dict[str, Any]:
    """Export the partnership called `name` (or `#id`) from a migrated database."""
    from storage.migrate import current

    heads = await current(database.engine)
    async with database.engine.connect() as conn:
        partnership_id = await conn.run_sync(find_partnership, name)
        return await conn.run_sync(export_partnership, partnership_id, heads)


async def import_into(database: Database, data: dict[str, Any]) -> int:
    """Import an export in one transaction: all of it, or (on any conflict) nothing."""
    try:
        async with database.engine.begin() as conn:
            imported = await conn.run_sync(import_partnership, data)
    except IntegrityError as error:
        raise TransferError(
            "the target database already holds some of this partnership (a room, a meeting "
            f"or an account); nothing was imported: {str(error.orig).splitlines()[0]}"
        ) from error
    if database.reads is not None:
        database.reads.invalidate()
    return imported
