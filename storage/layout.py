"""How the tables fall into a partnership's own, people, and this instance's.

Read off `storage.models` instead of a hand-kept list, so a table added later is covered by
moving a partnership (`storage.transfer`) and by a person's data (`storage.personal_data`)
without touching either:

- a table is *owned* by a partnership when it has a `partnership_id` column, or a foreign
  key to an owned table (a contact belongs to a member, presence to a room);
- *people* are the `person` table and tables that only point at it (identities); they are
  shared between partnerships and merged by identity on import;
- everything else must be named in `INSTANCE_WIDE`, with the reason; a test fails otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Column, Table, or_, select
from sqlalchemy.engine import Connection

from storage import (
    models_poll_messages,  # noqa: F401  (its table is one of the instance's)
    models_polls,  # noqa: F401  (the date poll tables, part of the schema)
)
from storage.models import Base

ROOT = "partnership"
PERSON = "person"

INSTANCE_WIDE: dict[str, str] = {
    "adapter_state": "connection state of this instance (sync tokens, pending confirmations)",
    "outbox": "messages queued for this instance's connections; sent ones are history only",
    "link_code": "one-time codes valid for 24 hours; a moved partnership makes new ones",
    "link_attempt": "failed /link redemptions of the last day, to throttle guessing codes",
    "handled_event": "ids of this instance's recent platform events, against replays",
    "poll_message": "where this instance's connections posted polls (platform ids per room)",
}


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


def _dump_value(value: Any) -> Any:
    """JSON-ready: datetimes and dates (an action item's due day) as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def _order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


def table_rows(conn: Connection, table: Table, where: Any) -> list[dict[str, Any]]:
    result = conn.execute(select(table).where(where).order_by(*_order(table)))
    return [{k: _dump_value(v) for k, v in row._mapping.items()} for row in result]


def partnership_rows(
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
        picked[table.name] = table_rows(conn, table, where)
    return picked


def referenced_persons(parts: Layout, rows: dict[str, list[dict[str, Any]]]) -> set[int]:
    ids: set[int] = set()
    for table in parts.owned:
        for fk in table.foreign_keys:
            if fk.column.table.name == PERSON:
                ids |= {
                    r[fk.parent.name] for r in rows[table.name] if r[fk.parent.name] is not None
                }
    return ids
