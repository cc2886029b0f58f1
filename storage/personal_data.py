"""Everything stored about one person, and forgetting them, read off the table layout
(`storage.layout`): every column that points at a person and every text that names them."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, String, Table, Text, delete, or_, select, true, update
from sqlalchemy.engine import Connection

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
    return referenced_persons(parts, partnership_rows(conn, parts, partnership_id))


def person_record(
    conn: Connection, person_id: int, partnership_id: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about one person: their row, every row that points at them, and
    every text that names them, table by table; with a partnership, only its part."""
    record = _whole_record(conn, person_id)
    if partnership_id is None:
        return record
    parts = layout()
    scope = partnership_rows(conn, parts, partnership_id)
    return {
        name: rows if name in (PERSON, "identity") else [r for r in rows if r in scope[name]]
        for name, rows in record.items()
        if name in (PERSON, "identity") or name in scope
    }


def _whole_record(conn: Connection, person_id: int) -> dict[str, list[dict[str, Any]]]:
    parts = layout()
    person = Base.metadata.tables[PERSON]
    record: dict[str, list[dict[str, Any]]] = {
        PERSON: table_rows(conn, person, person.c.id == person_id)
    }
    if not record[PERSON]:
        return record
    for table, column in _person_links(parts):
        rows = table_rows(conn, table, column == person_id)
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
        for row in table_rows(conn, table, _any_text_like(table, names)):
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
    scope = partnership_rows(conn, parts, partnership_id) if partnership_id is not None else None
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
"""Tables outside a partnership's own rows that a scoped forget scrubs too. The outbox (the
direct replies included) names its partnership. The week-long record of events against
replays names none, so it is scrubbed everywhere."""


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


REPLY_COLUMNS = {("outbox", "payload")}
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
