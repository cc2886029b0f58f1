"""/mydata, /forgetme and /forget, through the whole bot, on every configured backend."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from storage.database import Database
from storage.models import Base
from tests.harness import ConsoleBot
from tests.snapshot import snapshot

SETUP = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@bernd: /ichbin Goch
@anna: /koordinator neu bernd
@bernd: /tagesordnung neu Bericht von Bernd zum Radverkehr
@carla: /ichbin Kleve
@anna: /termin morgen 10 Uhr
:time 2026-11-24 10:05
@anna: /sitzungsbeginn
@anna: /info bernd berichtet vom Förderaufruf
@anna: /aufgabe Goch bernd holt Angebote ein bis 15.12.
@anna: /sitzungsende
:room andere
:admin dora
@dora: /setup Andere Allianz
@dora: /mitglied neu Xanten
@bernd: /ichbin Xanten
:room main
"""
PLACEHOLDER = "[entfernte Person]"


async def founded(database: Database) -> ConsoleBot:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    return bot


def _readable(value: Any) -> str:
    """The value as text, with the files of a stored message decoded (they are base64)."""
    text = str(value)
    if isinstance(value, str) and value.startswith('{"blocks"'):
        files = json.loads(value)["attachments"]
        text += " ".join(base64.b64decode(f["data"]).decode("utf-8", "replace") for f in files)
    return text


async def rows_naming(database: Database, name: str) -> dict[str, list[Any]]:
    """Every row anywhere with `name` in one of its values (case ignored), the files
    attached to stored messages included."""
    found: dict[str, list[Any]] = {}
    for table, rows in (await snapshot(database, replies=True)).items():
        hits = [r for r in rows if any(name in _readable(v).casefold() for v in r)]
        if hits:
            found[table] = hits
    return found


async def _replies_naming(database: Database, name: str, partnership: int) -> list[Any]:
    return [
        r
        for r in (await rows_naming(database, name)).get("outbox", [])
        if r[2] == partnership and "reply" in r
    ]


async def column(database: Database, table: str, name: str) -> list[Any]:
    t = Base.metadata.tables[table]
    async with database.engine.connect() as conn:
        return list((await conn.execute(select(t.c[name]))).scalars())


async def test_mydata_holds_this_partnerships_part_only(database: Database) -> None:
    bot = await founded(database)
    sender = Sender(Identity("console", "bernd"), "bernd")
    reply = await bot.app.handle(MessageEvent(RoomRef("console", "main"), sender, "/meinedaten"))
    assert reply is not None and len(reply.attachments) == 1
    attachment = reply.attachments[0]
    assert (attachment.filename, attachment.mimetype) == ("meine-daten.json", "application/json")
    document = json.loads(attachment.data)
    tables = document["tables"]
    assert document["partnership"] == "Klima-Allianz Niederrhein"
    assert [p["display_name"] for p in tables["person"]] == ["bernd"]
    assert [(i["platform"], i["user_id"]) for i in tables["identity"]] == [("console", "bernd")]
    assert len(tables["contact"]) == 1, "Goch here; Xanten belongs to another partnership"
    assert len(tables["coordinator"]) == 1
    assert tables["agenda_item"][0]["text"] == "Bericht von Bernd zum Radverkehr"
    assert any("bernd" in json.dumps(r) for r in tables["audit"])
    assert (
        "Andere Allianz" not in attachment.data.decode()
        and "Xanten" not in attachment.data.decode()
    )
    assert {
        r["partnership_id"] for rows in tables.values() for r in rows if "partnership_id" in r
    } == {1}


async def test_forgetme_asks_then_forgets_everywhere(database: Database) -> None:
    bot = await founded(database)
    before = await snapshot(database)
    question = await bot.text("@bernd: /vergissmich")
    assert "Bitte bestätigen: Wirklich alles über Sie löschen" in question
    assert await snapshot(database, skip=("adapter_state",)) == {
        k: v for k, v in before.items() if k != "adapter_state"
    }, "nothing happens before the confirmation"

    done = await bot.text("@bernd: /ja")
    assert "Erledigt: Ihre Konten (1)" in done and PLACEHOLDER in done
    assert await rows_naming(database, "bernd") == {}, "no trace of bernd anywhere"
    texts = await column(database, "agenda_item", "text")
    assert "Bericht von [entfernte Person] zum Radverkehr" in texts
    assert any(PLACEHOLDER in detail for detail in await column(database, "audit", "detail"))
    assert "privacy.forgotten" in await column(database, "audit", "action")
    members = await bot.text("@anna: /mitglieder")
    assert "Goch" in members and "bernd" not in members
    assert len(await column(database, "contact", "id")) == 1, "only carla's entry is left"

    again = await bot.text("@bernd: /meinedaten")
    assert "meine-daten.json" in again, "writing again makes a new, empty acquaintance"


async def test_forget_by_a_coordinator_stays_in_its_partnership(database: Database) -> None:
    bot = await founded(database)
    dora = Sender(Identity("console", "dora"), "dora")
    changed = MessageEvent(
        RoomRef("console", "andere"), dora, "/tagesordnung neu Bericht von bernd", event_id="e1"
    )
    assert "Bericht von bernd" in str(await bot.app.handle(changed))
    assert await _replies_naming(database, "bericht von bernd", 2), "the reply is kept"
    await bot.say(":room andere\n:leave bernd")
    asked = await bot.text("@dora: /vergessen bernd")
    assert "Bitte bestätigen" in asked
    done = await bot.text("@dora: /ja")
    assert "bernd ist aus der Partnerschaft Andere Allianz entfernt" in done
    assert "in einer anderen Partnerschaft dieses Bots bekannt" in done
    assert ("console", "bernd") in [tuple(r[2:]) for r in (await snapshot(database))["identity"]], (
        "his accounts stay: Klima-Allianz Niederrhein still knows him"
    )
    assert not await _replies_naming(database, "bericht von bernd", 2), (
        "the partnership's earlier replies are scrubbed too"
    )
    await bot.say(":room main")
    assert "bernd" in (await bot.text("@anna: /mitglieder"))
    await bot.say(":room andere")
    assert "bernd" not in (await bot.text("@dora: /mitglieder"))

    await bot.say(":room main\n:leave carla")
    await bot.say("@anna: /vergessen carla")
    done = await bot.text("@anna: /ja")
    assert "in keiner anderen Partnerschaft bekannt war, sind auch die Konten gelöscht" in done
    assert await rows_naming(database, "carla") == {}


async def test_forget_refuses_others_and_oneself(database: Database) -> None:
    bot = await founded(database)
    before = await snapshot(database, skip=("presence",))
    refused = await bot.text("@carla: /vergessen bernd")
    assert "Das darf nur die Koordination: anna, bernd" in refused
    self_ = await bot.text("@anna: /vergessen anna")
    assert "Für sich selbst nutzen Sie /vergissmich." in self_
    unknown = await bot.text("@anna: /vergessen niemand")
    assert "Eine Person „niemand“ kenne ich in dieser Partnerschaft nicht" in unknown
    missing = await bot.text("@anna: /vergessen")
    assert "/vergessen Bernd Beispiel" in missing
    after = await snapshot(database, skip=("presence",))
    assert after == before


async def test_english(database: Database) -> None:
    bot = await ConsoleBot.start(database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve\n@bob: /iam Kleve"
    )
    assert "my-data.json" in await bot.text("@bob: /mydata")
    await bot.say("@bob: /forgetme")
    done = await bot.text("@bob: /yes")
    assert "Done: your accounts (1)" in done and "[removed person]" in done


def test_operator_hands_over_the_complete_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"

    async def prepare() -> None:
        database = Database(url)
        await database.upgrade()
        try:
            await founded(database)
        finally:
            await database.close()

    asyncio.run(prepare())
    assert main(["personal-data", "console:bernd", "--db", url]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["scope"] == "everything"
    assert len(record["tables"]["contact"]) == 2, "Goch and Xanten, both partnerships"
    assert main(["personal-data", "console:niemand", "--db", url]) == 1
    assert "nothing is stored about console:niemand" in capsys.readouterr().err
