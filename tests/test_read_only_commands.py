"""A command that changes nothing counts as no change and runs no change hooks; its reply
alone is committed (an outbox row) and wakes the sender. A command that changes something
does all of it (the Matrix adapter relies on `App.changes` to know whether replaying an
event could matter)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import AppConfig
from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock
from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from bot.core.model import Partnership
from bot.usecases.ports import UnitOfWork
from storage.database import Database

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


async def test_unit_of_work_knows_whether_it_wrote(database: Database) -> None:
    async with database.uow() as uow:
        await uow.partnerships.get(1)
        await uow.state.get("nothing")
        assert not uow.changed
        await uow.state.put("position", "a")
        assert uow.changed
        await uow.commit()
        assert not uow.changed
    async with database.uow() as uow:
        await uow.state.put("position", "b")
        await uow.rollback()
        assert not uow.changed
        partnership = await uow.partnerships.add("Bund", "de", "Europe/Berlin", NOW)
        await uow.commit()
    async with database.uow() as uow:
        partnership.language = "en"
        await uow.partnerships.save(partnership)  # an UPDATE statement, no flush
        assert uow.changed


async def test_read_only_commands_leave_no_trace(database: Database) -> None:
    hooked: list[str] = []

    async def hook(uow: UnitOfWork, partnership: Partnership) -> None:
        hooked.append(partnership.name)

    runtime = await bootstrap(database, ManualClock(NOW), {}, AppConfig(), change_hooks=[hook])
    app = runtime.app
    room = RoomRef("console", "main")
    anna = Sender(Identity("console", "anna"), "Anna", is_room_admin=True)

    async def say(text: str) -> None:
        await app.handle(MessageEvent(room, anna, text, "Main"))

    await say("/setup Klima-Bund")
    assert (app.changes, app.outbox_changed.is_set(), hooked) == (1, True, ["Klima-Bund"])
    app.outbox_changed.clear()
    for text in ("/next", "/members", "/rules", "/help", "/nonsense"):
        await say(text)
    assert (app.changes, app.outbox_changed.is_set(), hooked) == (1, True, ["Klima-Bund"])
    async with database.uow() as uow:
        pending = await uow.outbox.pending()
    assert [m.kind for m in pending][-5:] == ["reply"] * 5
    await say("/member add Aachen")
    assert (app.changes, app.outbox_changed.is_set()) == (2, True)
    assert hooked == ["Klima-Bund", "Klima-Bund"]
