"""Moving one partnership between databases, and finding everything stored about one person.

Both are read off `storage.models` instead of a hand-kept list, so a table added later is
covered without touching this file:

- a table is *owned* by a partnership when it has a `partnership_id` column, or a foreign
  key to an owned table (a contact belongs to a member, presence to a room);
- *people* are the `person` table and tables that only point at it (identities); they are
  shared between partnerships and merged by identity on import;
- everything else must be named in `INSTANCE_WIDE`, with the reason; a test fails otherwise.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    delete,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.type_api import TypeEngine

from storage.models import Base

if TYPE_CHECKING:
    from storage.database import Database

FORMAT = "partnerbot-partnership"
VERSION = 1
ROOT = "partnership"
PERSON = "person"

INSTANCE_WIDE: dict[str, str] = {
    "adapter_state": "connection state of this instance (sync tokens, pending confirmations)",
    "outbox": "messages queued for this instance's connections; sent ones are history only",
    "link_code": "one-time codes valid for 24 hours; a moved partnership makes new ones",
    "handled_event": "ids of this instance's recent platform events, against replays",
}


class TransferError(Exception):
    """The export or import cannot be done; the message says why in one line."""


@dataclass(frozen=True)
class Layout:
    """How the tables fall into owned, people and instance-wide."""

    owned: tuple[Table, ...]
    people: tuple[Table, ...]
    unclassified: tuple[str, ...]


def _targets(table: Table) -> set[str]:
    return {fk.column.table.name for fk in table.foreign_keys}


def layout(metadata: Any = Base.metadata) -> Layout:
    tables: list[Table] = list(metadata.sorted_tables)
    owned: set[str] = {ROOT}
    grew = True
    while grew:
        grew = False
        for table in tables:
            if table.name in owned or table.name in INSTANCE_WIDE:
                continue
            if "partnership_id" in table.c or _targets(table) & owned:
                owned.add(table.name)
                grew = True
    people = {PERSON} | {
        t.name
        for t in tables
        if t.name not in owned and t.name not in INSTANCE_WIDE and _targets(t) == {PERSON}
    }
    known = owned | people | set(INSTANCE_WIDE)
    return Layout(
        owned=tuple(t for t in tables if t.name in owned),
        people=tuple(t for t in tables if t.name in people),
        unclassified=tuple(sorted(t.name for t in tables if t.name not in known)),
    )


def _surrogate(table: Table) -> Column[Any] | None:
    """The table's own integer id, given anew by the target database on import."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and isinstance(keys[0].type, Integer) and not keys[0].foreign_keys:
        return keys[0]
    return None


def _is_time(kind: TypeEngine[Any]) -> bool:
    impl = getattr(kind, "impl", kind)
    return isinstance(impl, DateTime)


def _dump_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _load_value(column: Column[Any], value: Any) -> Any:
    if value is not None and _is_time(column.type):
        return datetime.fromisoformat(value)
    return value


def _order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


def _rows(conn: Connection, table: Table, where: Any) -> list[dict[str, Any]]:
    result = conn.execute(select(table).where(where).order_by(*_order(table)))
    return [{k: _dump_value(v) for k, v in row._mapping.items()} for row in result]


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


def _owned_rows(
    conn: Connection, parts: Layout, partnership_id: int
) -> dict[str, list[dict[str, Any]]]:
    """Every row of every owned table that belongs to the partnership, parents first."""
    picked: dict[str, list[dict[str, Any]]] = {}
    for table in parts.owned:
        if table.name == ROOT:
            where = table.c.id == partnership_id
        elif "partnership_id" in table.c:
            where = table.c.partnership_id == partnership_id
        else:
            clauses = []
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent in picked:
                    ids = [row[fk.column.name] for row in picked[parent]]
                    clauses.append(fk.parent.in_(ids))
            where = or_(*clauses)
        picked[table.name] = _rows(conn, table, where)
    return picked


def _person_ids(parts: Layout, rows: dict[str, list[dict[str, Any]]]) -> set[int]:
    ids: set[int] = set()
    for table in parts.owned:
        for fk in table.foreign_keys:
            if fk.column.table.name == PERSON:
                ids |= {
                    r[fk.parent.name] for r in rows[table.name] if r[fk.parent.name] is not None
                }
    return ids


def export_partnership(
    conn: Connection, partnership_id: int, schema: Iterable[str] = ()
) -> dict[str, Any]:
    """One partnership with the people it references, as plain JSON-ready data."""
    parts = layout()
    if parts.unclassified:
        raise TransferError(f"tables neither owned nor instance-wide: {parts.unclassified}")
    tables = _owned_rows(conn, parts, partnership_id)
    persons = sorted(_person_ids(parts, tables))
    for table in parts.people:
        column = table.c.id if table.name == PERSON else _person_column(table)
        tables[table.name] = _rows(conn, table, column.in_(persons))
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
    for table in parts.owned:
        new_ids[table.name] = {}
        for row in dumped.get(table.name, []):
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


# --- one person's data -------------------------------------------------------------------


def _person_links(parts: Layout) -> list[tuple[Table, Column[Any]]]:
    """Every column anywhere that points at a person."""
    links = []
    for table in Base.metadata.sorted_tables:
        if table.name == PERSON:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == PERSON:
                links.append((table, fk.parent))
    return links


def _text_columns(table: Table) -> list[Column[Any]]:
    return [
        c
        for c in table.c
        if isinstance(c.type, String | Text) and not c.foreign_keys and not c.primary_key
    ]


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(
        r"(?<![\w@])(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def persons_of_partnership(conn: Connection, partnership_id: int) -> set[int]:
    parts = layout()
    return _person_ids(parts, _owned_rows(conn, parts, partnership_id))


def person_record(
    conn: Connection, person_id: int, partnership_id: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about one person: their row, every row that points at them, and
    every text that names them, table by table; with a partnership, only its part."""
    record = _whole_record(conn, person_id)
    if partnership_id is None:
        return record
    parts = layout()
    scope = _owned_rows(conn, parts, partnership_id)
    return {
        name: rows if name in (PERSON, "identity") else [r for r in rows if r in scope[name]]
        for name, rows in record.items()
        if name in (PERSON, "identity") or name in scope
    }


def _whole_record(conn: Connection, person_id: int) -> dict[str, list[dict[str, Any]]]:
    parts = layout()
    person = Base.metadata.tables[PERSON]
    record: dict[str, list[dict[str, Any]]] = {
        PERSON: _rows(conn, person, person.c.id == person_id)
    }
    if not record[PERSON]:
        return record
    for table, column in _person_links(parts):
        rows = _rows(conn, table, column == person_id)
        if rows:
            record.setdefault(table.name, []).extend(
                r for r in rows if r not in record.get(table.name, [])
            )
    names = [record[PERSON][0]["display_name"], *(r["user_id"] for r in record.get("identity", []))]
    pattern = _name_pattern(names)
    if pattern is None:
        return record
    for table in Base.metadata.sorted_tables:
        if table.name in (PERSON, "identity", "adapter_state", "outbox"):
            continue
        for row in _rows(conn, table, _any_text_like(table, names)):
            if any(isinstance(v, str) and pattern.search(v) for v in row.values()):
                found = record.setdefault(table.name, [])
                if row not in found:
                    found.append(row)
    return record


def _any_text_like(table: Table, names: list[str]) -> Any:
    columns = _text_columns(table)
    clauses = [c.ilike(f"%{n}%") for c in columns for n in names if n]
    if not clauses:
        return False
    return or_(*clauses)


def forget_person(
    conn: Connection, person_id: int, placeholder: str, partnership_id: int | None = None
) -> bool:
    """Remove a person: rows that exist because of them go, rows that merely name them keep
    the placeholder instead. With a partnership, only what that partnership holds; the person
    is erased entirely when nothing else refers to them. Returns whether they were erased."""
    parts = layout()
    person = Base.metadata.tables[PERSON]
    row = conn.execute(select(person).where(person.c.id == person_id)).one_or_none()
    if row is None:
        return False
    identity = Base.metadata.tables["identity"]
    user_ids = list(
        conn.execute(select(identity.c.user_id).where(identity.c.person_id == person_id)).scalars()
    )
    pattern = _name_pattern([row.display_name, *user_ids])
    scope = _owned_rows(conn, parts, partnership_id) if partnership_id is not None else None
    owned = {t.name for t in parts.owned}
    for table, column in _person_links(parts):
        if table.name == "identity" or (scope is not None and table.name not in owned):
            continue
        where = column == person_id
        if scope is not None:
            where = where & _in_scope(table, scope)
        rule = next(iter(column.foreign_keys)).ondelete
        if rule == "SET NULL" or (rule is None and column.nullable):
            conn.execute(update(table).where(where).values({column.name: None}))
        else:
            conn.execute(delete(table).where(where))
    if pattern is not None:
        for table in Base.metadata.sorted_tables:
            if table.name in (PERSON, "identity"):
                continue
            if scope is not None and table.name not in owned and table.name not in UNOWNED_SCRUBBED:
                continue
            _scrub(conn, table, pattern, placeholder, scope)
    if scope is not None and _still_referenced(conn, parts, person_id):
        return False
    state = Base.metadata.tables["adapter_state"]
    for platform, user_id in conn.execute(
        select(identity.c.platform, identity.c.user_id).where(identity.c.person_id == person_id)
    ).all():
        conn.execute(
            delete(state).where(state.c.key.endswith(f":{platform}:{user_id}", autoescape=True))
        )
    conn.execute(delete(identity).where(identity.c.person_id == person_id))
    conn.execute(delete(person).where(person.c.id == person_id))
    return True


UNOWNED_SCRUBBED = {"outbox", "handled_event"}
"""Tables outside a partnership's own rows that a scoped forget scrubs too. The outbox names
its partnership. The week-long record of replies against replays names none, so it is
scrubbed everywhere: a reply resent after a crash then reads with the placeholder."""


def _in_scope(table: Table, scope: dict[str, list[dict[str, Any]]]) -> Any:
    if table.name == "handled_event":
        return true()
    if table.name == "outbox":
        return table.c.partnership_id.in_([r["id"] for r in scope[ROOT]])
    keys = list(table.primary_key.columns)
    rows = scope.get(table.name, [])
    if len(keys) == 1:
        return keys[0].in_([r[keys[0].name] for r in rows])
    if not rows:
        return False
    clause: Any = None
    for r in rows:
        match: Any = None
        for k in keys:
            part = k == r[k.name]
            match = part if match is None else match & part
        clause = match if clause is None else clause | match
    return clause


def _scrub(
    conn: Connection,
    table: Table,
    pattern: re.Pattern[str],
    placeholder: str,
    scope: dict[str, list[dict[str, Any]]] | None,
) -> None:
    columns = _text_columns(table)
    keys = list(table.primary_key.columns)
    if not columns or not keys:
        return
    where: Any = True if scope is None else _in_scope(table, scope)
    result = conn.execute(select(*keys, *columns).where(where))
    for found in result.all():
        values = found._mapping
        changes = {
            c.name: scrubbed
            for c in columns
            if isinstance(values[c.name], str)
            and (scrubbed := _scrub_value(table, c, values[c.name], pattern, placeholder))
            != values[c.name]
        }
        if changes:
            match: Any = None
            for k in keys:
                part = k == values[k.name]
                match = part if match is None else match & part
            conn.execute(update(table).where(match).values(changes))


REPLY_COLUMNS = {("outbox", "payload"), ("handled_event", "reply")}
"""Columns holding a serialised Reply, whose attachments (minutes, calendar files) are
base64 and so invisible to a plain text search."""


def _scrub_value(
    table: Table, column: Column[Any], value: str, pattern: re.Pattern[str], placeholder: str
) -> str:
    if (table.name, column.name) in REPLY_COLUMNS:
        reply = json.loads(value)
        for attachment in reply.get("attachments", []):
            try:
                text = base64.b64decode(attachment["data"]).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                continue
            if pattern.search(text):
                clean = pattern.sub(placeholder, text).encode("utf-8")
                attachment["data"] = base64.b64encode(clean).decode("ascii")
        value = json.dumps(reply, ensure_ascii=False)
    return pattern.sub(placeholder, value)


def _still_referenced(conn: Connection, parts: Layout, person_id: int) -> bool:
    for table, column in _person_links(parts):
        if table.name == "identity":
            continue
        if conn.execute(select(column).where(column == person_id).limit(1)).first() is not None:
            return True
    return False


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
