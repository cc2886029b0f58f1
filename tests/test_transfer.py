"""Moving a partnership between databases, and backing up the SQLite file while it is in use.

The round trip goes SQLite -> every configured backend (PostgreSQL too when
PARTNERBOT_TEST_POSTGRES is set) -> export again, and compares the two exports with the
database ids replaced by each row's position, since the target gives new ids.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, func, select

from bot.cli import main
from storage.backup import BackupNotPossible, backup_sqlite
from storage.database import Database
from storage.layout import INSTANCE_WIDE, layout
from storage.models import Base
from storage.transfer import TransferError, export_from, import_into
from tests.harness import ConsoleBot

BUILD = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Emmerich am Rhein
@anna: /mitglied neu Kalkar
@bernd: /ichbin Goch
@carla: /ichbin Kleve
@anna: /koordinator neu bernd
@anna: /regeln setzen Wir treffen uns reihum.
@anna: /termin am 2. März um 10 in Rathaus Emmerich
:time 2027-03-02 12:00
@anna: /gastgeber ueberspringen Goch Stadthalle belegt
@anna: /mitglied entfernen Kleve Austritt zum 30.6.
@anna: /ja
:room telegram-gruppe
:admin dora
@dora: /setup Andere Allianz
@dora: /mitglied neu Xanten
@dora: /ichbin Xanten
"""


async def build(database: Database) -> ConsoleBot:
    bot = await ConsoleBot.start(database)
    await bot.say(BUILD)
    return bot


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The export with every surrogate id replaced by the row's position in its table."""
    positions: dict[str, dict[Any, int]] = {}
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    result: dict[str, list[dict[str, Any]]] = {}
    for name, rows in data["tables"].items():
        keys = list(tables[name].primary_key.columns)
        own = keys[0].name if len(keys) == 1 and not keys[0].foreign_keys else None
        if own and isinstance(keys[0].type, Integer):
            positions[name] = {row[own]: i for i, row in enumerate(rows)}
    for name, rows in data["tables"].items():
        table = tables[name]
        converted = []
        for row in rows:
            new = dict(row)
            for column in table.c:
                if name in positions and column.primary_key:
                    new[column.name] = positions[name][row[column.name]]
                for fk in column.foreign_keys:
                    parent = fk.column.table.name
                    if row.get(column.name) is not None and parent in positions:
                        new[column.name] = positions[parent][row[column.name]]
            converted.append(new)
        result[name] = sorted(converted, key=lambda r: json.dumps(r, sort_keys=True))
    return {"partnership": data["partnership"], "tables": result}


def test_every_table_is_exported_or_named_instance_wide() -> None:
    parts = layout()
    assert parts.unclassified == ()
    owned = {t.name for t in parts.owned}
    assert {"partnership", "room", "member", "contact", "presence", "audit", "meeting"} <= owned
    assert {"person", "identity"} == {t.name for t in parts.people}
    assert set(INSTANCE_WIDE) & owned == set()


def test_a_table_nobody_classified_is_reported() -> None:
    metadata = MetaData()
    Table("partnership", metadata, Column("id", Integer, primary_key=True))
    Table("person", metadata, Column("id", Integer, primary_key=True))
    Table("notes", metadata, Column("id", Integer, primary_key=True), Column("text", String(9)))
    Table(
        "minutes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("meeting_id", ForeignKey("meeting.id")),
    )
    Table(
        "meeting",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("partnership_id", ForeignKey("partnership.id")),
    )
    parts = layout(metadata)
    assert parts.unclassified == ("notes",)
    assert {t.name for t in parts.owned} == {"partnership", "meeting", "minutes"}


async def test_round_trip_sqlite_to_every_backend(tmp_path: Path, database: Database) -> None:
    source = Database(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    await source.upgrade()
    try:
        await build(source)
        first = await export_from(source, "klima-allianz niederrhein")
    finally:
        await source.close()
    assert first["partnership"] == "Klima-Allianz Niederrhein"
    names = {p["display_name"] for p in first["tables"]["person"]}
    assert names == {"anna", "bernd", "carla"}, "the other partnership's people stay behind"
    assert len(first["tables"]["meeting"]) == 1
    assert any(r["left_at"] for r in first["tables"]["member"])

    first = json.loads(json.dumps(first))  # what a file holds
    new_id = await import_into(database, first)
    second = await export_from(database, f"#{new_id}")
    assert canonical(second) == canonical(first)

    bot = await ConsoleBot.start(database, now="2027-03-03 10:00")
    members = (await bot.say("@bernd: /mitglieder"))[0]
    assert (
        "Mitglieder der Partnerschaft Klima-Allianz Niederrhein in Gastgeber-Reihenfolge (3)"
        in members
    )
    assert "Goch" in members and "bernd" in members


async def test_people_known_by_an_account_are_reused(tmp_path: Path, database: Database) -> None:
    source = Database(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    await source.upgrade()
    try:
        await build(source)
        data = json.loads(json.dumps(await export_from(source, "Klima-Allianz Niederrhein")))
    finally:
        await source.close()
    bot = await ConsoleBot.start(database)
    await bot.say(":room elsewhere\n:admin bernd\n@bernd: /setup Dritte Allianz")
    await import_into(database, data)
    async with database.engine.connect() as conn:
        people = (
            await conn.execute(select(func.count()).select_from(Base.metadata.tables["person"]))
        ).scalar_one()
    assert people == 3, "bernd exists once, in both partnerships"


async def test_importing_twice_changes_nothing_the_second_time(
    tmp_path: Path, sqlite_database: Database
) -> None:
    await build(sqlite_database)
    data = json.loads(json.dumps(await export_from(sqlite_database, "Klima-Allianz Niederrhein")))
    partnerships = Base.metadata.tables["partnership"]

    async def count() -> int:
        async with sqlite_database.engine.connect() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(partnerships))).scalar_one()
            )

    before = await count()
    with pytest.raises(TransferError, match="already holds"):
        await import_into(sqlite_database, data)
    assert await count() == before


async def test_export_names_unknown_and_ambiguous_partnerships(sqlite_database: Database) -> None:
    await build(sqlite_database)
    with pytest.raises(TransferError, match="no partnership called 'Nirgendwo'; known: Klima"):
        await export_from(sqlite_database, "Nirgendwo")
    with pytest.raises(TransferError, match="format"):
        await import_into(sqlite_database, {"format": "something else"})


def test_cli_export_import_and_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source_url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    target_url = f"sqlite:///{tmp_path / 'b.sqlite3'}"

    async def prepare() -> None:
        database = Database(source_url)
        await database.upgrade()
        try:
            await build(database)
        finally:
            await database.close()

    asyncio.run(prepare())
    out = tmp_path / "niederrhein.json"
    assert (
        main(
            [
                "export",
                "--db",
                source_url,
                "--partnership",
                "Klima-Allianz Niederrhein",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["import", str(out), "--db", target_url]) == 0
    assert "imported 'Klima-Allianz Niederrhein' as partnership #1" in capsys.readouterr().out
    assert main(["export", "--db", source_url, "--partnership", "Niemand"]) == 1
    assert "no partnership called 'Niemand'" in capsys.readouterr().err

    copy = tmp_path / "backup" / "copy.sqlite3"
    assert main(["backup", str(copy), "--db", source_url]) == 0
    with sqlite3.connect(copy) as conn:
        members = {row[0] for row in conn.execute("SELECT name FROM member")}
    assert {"Kleve", "Goch", "Xanten"} <= members
    assert main(["backup", str(copy), "--db", source_url]) == 1, "never overwrites"


async def test_backup_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    """The copy holds what was committed, not what a running transaction has half-written."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    database = Database(url)
    await database.upgrade()
    try:
        await build(database)
        async with database.uow() as uow:
            partnership = await uow.partnerships.add(
                "Halb geschrieben",
                "de",
                "Europe/Berlin",
                (await ConsoleBot.start(database)).clock.now(),
            )
            await uow.members.add(
                partnership.id, "Unfertig", (await ConsoleBot.start(database)).clock.now()
            )
            size = await asyncio.to_thread(backup_sqlite, url, tmp_path / "copy.sqlite3")
            await uow.commit()
    finally:
        await database.close()
    assert size > 0
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM partnership")}
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert names == {"Klima-Allianz Niederrhein", "Andere Allianz"}


def test_backup_of_postgresql_gives_pg_dump_advice(tmp_path: Path) -> None:
    with pytest.raises(BackupNotPossible) as raised:
        backup_sqlite("postgresql://bot:geheim@db.example.org/partnerbot", tmp_path / "x")
    advice = str(raised.value)
    assert "pg_dump --format=custom" in advice and "pg_restore" in advice
    assert "geheim" not in advice
