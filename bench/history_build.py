"""Build years of partnership history fast, in the shape the bot itself writes.

One year of a partnership (four quarterly meetings with agendas, meeting mode, decisions,
action items and minutes, a fifth meeting planned with its agenda) is recorded once by
driving the real bot through the console adapter (`record_year`). `Cloner` then copies
those rows as often as needed with bulk inserts through storage's own models: every id
remapped, every time shifted by whole 52-week years (weekdays stay), unique values made
unique. A partnership with N years gets the year's rows N times, the oldest years without
what was still open at the end (the next meeting, its agenda, pending reminders), their
action items done; so the history reads as if the bot had run for N years.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Table, create_engine, insert, select, text

from storage.database import Database
from storage.models import Base, UTCDateTime

ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2025, 11, 1, 10, 0, tzinfo=ZONE)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZONE)
"""When the recorded year ends: every benchmarked command runs at this moment."""
SETUP_END = datetime(2025, 11, 2, 0, 0, tzinfo=ZONE)
"""Rows written before this belong to the partnership's founding, copied once."""
YEAR = timedelta(weeks=52)
CONTACTS = [
    ("bernd", "Emmerich am Rhein"),
    ("carla", "Goch"),
    ("dora", "Kleve"),
    ("emil", "Kalkar"),
]
PROPOSALS = [
    "Wärmeplanung: Stand der Kommunen #wärme",
    "Radverkehrskonzept abstimmen #mobilität",
    "Gemeinsame Beschaffung von Ladesäulen #beschaffung",
    "Stadtradeln in allen Kommunen #mobilität",
]
FIRST_MEETING = datetime(2025, 12, 10, 10, 0, tzinfo=ZONE)

PARTNERSHIP_TABLES = (
    "partnership",
    "room",
    "member",
    "person",
    "identity",
    "contact",
    "coordinator",
    "presence",
    "reminder_setting",
)
YEAR_TABLES = (
    "meeting",
    "rotation_override",
    "agenda_item",
    "minutes",
    "minute_entry",
    "action_item",
    "reminder",
    "outbox",
    "audit",
)
REMINDER_KEY_OWNER = {
    "meeting_ahead": "meeting",
    "agenda_posted": "meeting",
    "agenda_deadline": "meeting",
    "checkpoint": "meeting",
    "action_due": "action_item",
    "schedule_next": "member",
}
PAYLOAD_OWNER = {"meeting": "meeting", "action": "action_item", "member": "member"}


def year_script() -> list[str]:
    """The console script of the recorded year: every member hosts once, in turn."""
    lines = [":admin anna", "@anna: /setup Klima-Allianz Niederrhein"]
    lines += [f"@anna: /mitglied neu {member}" for _, member in CONTACTS]
    lines += [f"@{user}: /ichbin {member}" for user, member in CONTACTS]
    for quarter in range(5):
        day = FIRST_MEETING + timedelta(weeks=13 * quarter)
        lines.append(f":time {day - timedelta(days=30):%Y-%m-%d %H:%M}")
        lines.append(f"@anna: /termin {day:%d.%m.%Y} 10:00")
        for (user, _), proposal in zip(CONTACTS, PROPOSALS, strict=True):
            lines.append(f"@{user}: /tagesordnung neu {proposal}")
        lines.append("@anna: /tagesordnung")
        if quarter == 4:
            break
        lines.append(f":time {day - timedelta(minutes=5):%Y-%m-%d %H:%M}")
        lines.append("@anna: /sitzungsbeginn")
        lines += [f"@{user}: /anwesend" for user, _ in CONTACTS[:3]]
        for top in range(1, 5):
            lines.append(f"@anna: /thema {top}")
            lines.append(f"@anna: /info Sachstand zu Punkt {top} berichtet")
            lines.append(f"@anna: /beschluss Wir setzen Punkt {top} gemeinsam um")
            if top < 4:
                until = day + timedelta(days=40)
                lines.append(f"@anna: /aufgabe Goch Angebote zu Punkt {top} bis {until:%d.%m.%Y}")
        lines.append("@anna: /sitzungsende")
        lines.append(f":time {day + timedelta(days=2):%Y-%m-%d %H:%M}")
        lines += ["@anna: /protokoll", "@anna: /aufgaben"]
        lines.append(f":time {day + timedelta(days=20):%Y-%m-%d %H:%M}")
        lines += [f"@carla: /erledigt {3 * quarter + n}" for n in (1, 2, 3)]
    lines.append(f":time {NOW:%Y-%m-%d %H:%M}")
    return lines


async def record_year(path: str) -> list[str]:
    """Drive the real bot through the recorded year on a fresh SQLite file; its output."""
    from bot.adapters.console.adapter import PLATFORM, Console, ConsoleMessenger
    from bot.app import AppConfig
    from bot.bootstrap import bootstrap
    from bot.core.clock import ManualClock

    output: list[str] = []
    clock = ManualClock(START)
    runtime = await bootstrap(
        f"sqlite:///{path}",
        clock,
        {PLATFORM: ConsoleMessenger(output.append)},
        AppConfig(default_language="de", default_timezone="Europe/Berlin"),
    )
    console = Console(runtime.app, runtime.delivery, clock, "Europe/Berlin", output.append)
    await console.run(year_script())
    await runtime.close()
    return output


def load_year(path: str) -> dict[str, list[dict[str, Any]]]:
    """The recorded rows, table by table (with aware datetimes, through the models)."""
    engine = create_engine(f"sqlite:///{path}")
    rows: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in PARTNERSHIP_TABLES or table.name in YEAR_TABLES:
                result = connection.execute(select(table).order_by(*table.primary_key.columns))
                rows[table.name] = [dict(r._mapping) for r in result]
    engine.dispose()
    return rows


def _time_of(table: str, row: dict[str, Any]) -> datetime | None:
    for column in ("created_at", "at", "started_at"):
        value = row.get(column)
        if isinstance(value, datetime):
            return value
    return None


class Cloner:
    """Makes copies of the recorded partnership with fresh ids; collects rows to insert."""

    def __init__(self, year: dict[str, list[dict[str, Any]]]) -> None:
        self.year = year
        self.tables: dict[str, Table] = {t.name: t for t in Base.metadata.sorted_tables}
        self.next_id: dict[str, int] = defaultdict(lambda: 1)
        self.pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.count = 0
        self.carla = next(
            r["id"] for r in year["person"] if r["display_name"] == "carla"
        )  # who marks action items done
        self.most_position = max((r["position"] for r in year["agenda_item"]), default=0)
        self.most_number = max((r["number"] for r in year["action_item"]), default=0)

    def _new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def partnership(self, years: int, *, open_year: bool = True) -> tuple[int, str]:
        """A copy with `years` years of history (the newest one still open, unless told);
        returns its partnership id and its room's external id."""
        index = self.next_id["partnership"]
        ids: dict[str, dict[Any, Any]] = defaultdict(dict)
        room = f"hist-{index}"
        oldest = years - (0 if open_year else -1) - 1
        shifts = list(range(oldest, oldest - years, -1))
        for name in PARTNERSHIP_TABLES:
            for row in self.year[name]:
                self._copy(name, row, ids, shift=shifts[0], room=room, index=index)
        for position, shift in enumerate(shifts):
            for name in YEAR_TABLES:
                for row in self.year[name]:
                    when = _time_of(name, row)
                    founding = when is not None and when < SETUP_END
                    if founding and position > 0:
                        continue
                    if shift > 0 and not founding and self._still_open(name, row):
                        continue
                    self._copy(name, row, ids, shift=shift, room=room, index=position)
        return ids["partnership"][self.year["partnership"][0]["id"]], room

    @staticmethod
    def _still_open(name: str, row: dict[str, Any]) -> bool:
        """What an older year would long since have dealt with."""
        return (
            (name == "meeting" and row["status"] == "scheduled")
            or (name == "agenda_item" and row["status"] == "open")
            or (name == "reminder" and row["status"] == "pending")
            or (name == "minutes" and row["status"] == "open")
        )

    def _copy(
        self,
        name: str,
        row: dict[str, Any],
        ids: dict[str, dict[Any, Any]],
        *,
        shift: int,
        room: str,
        index: int,
    ) -> None:
        table = self.tables[name]
        delta = YEAR * shift
        new = dict(row)
        for column in table.columns:
            value = new.get(column.name)
            if value is None:
                continue
            if isinstance(column.type, UTCDateTime | Date) and isinstance(value, datetime | date):
                new[column.name] = value - delta
            for key in column.foreign_keys:
                target = key.column.table.name
                if target in ids and value in ids[target]:
                    new[column.name] = ids[target][value]
                elif column.name != "id":
                    new[column.name] = None  # points at something not copied
        if "id" in table.columns and table.columns["id"].primary_key:
            ids[name][row["id"]] = new["id"] = self._new_id(name)
        self._special(name, row, new, ids, shift, room, index)
        self.pending[name].append(new)
        self.count += 1

    def _special(
        self,
        name: str,
        row: dict[str, Any],
        new: dict[str, Any],
        ids: dict[str, dict[Any, Any]],
        shift: int,
        room: str,
        index: int,
    ) -> None:
        if name == "partnership":
            new["name"] = f"{row['name']} {new['id']}"
        elif name == "room":
            new["external_id"] = new["name"] = room
        elif name == "identity":
            new["user_id"] = f"{row['user_id']}.{room}"
        elif name in ("meeting", "outbox"):
            new["uid"] = uuid.uuid4().hex
            if name == "outbox":
                new["external_id"] = room
        elif name == "agenda_item":
            new["position"] = row["position"] - shift * self.most_position
        elif name == "action_item":
            new["number"] = row["number"] - shift * self.most_number
            if shift > 0 and new["done_at"] is None:
                new["done_at"] = new["created_at"] + timedelta(days=20)
                new["done_by"] = ids["person"][self.carla]
        elif name == "reminder":
            new["key"], new["payload"] = self._reminder(row, ids, shift)

    @staticmethod
    def _reminder(
        row: dict[str, Any], ids: dict[str, dict[Any, Any]], shift: int
    ) -> tuple[str, str]:
        payload = json.loads(row["payload"])
        for field, owner in PAYLOAD_OWNER.items():
            if isinstance(payload.get(field), int):
                payload[field] = ids[owner].get(payload[field], payload[field])
        key: str = row["key"]
        owner = REMINDER_KEY_OWNER.get(row["kind"])
        number = re.match(r"\d+", key)
        if owner is not None and number is not None:
            key = str(ids[owner].get(int(number[0]), number[0])) + key[number.end() :]
        if shift > 0:
            key = f"{key}~{shift}"
        return key, json.dumps(payload, ensure_ascii=False, sort_keys=True)

    async def flush(self, database: Database, batch: int = 5000) -> None:
        """Insert everything collected, parents first; PostgreSQL's sequences follow."""
        async with database.engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                rows = self.pending.pop(table.name, [])
                for start in range(0, len(rows), batch):
                    await connection.execute(insert(table), rows[start : start + batch])
            if not database.is_sqlite:
                for name in (*PARTNERSHIP_TABLES, *YEAR_TABLES):
                    if "id" in self.tables[name].columns and name in self.next_id:
                        await connection.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                f"{self.next_id[name]})"
                            )
                        )
