"""When the Matrix adapter saves its sync position (no homeserver needed: the room worker and
the position against the real app and database).

A replay caught after a restart must move the saved position at once: the record that caught
it is pruned after a week, and a position left before the event would deliver it a fourth
time after a later restart, when nothing remembers it any more (seen in the SIGKILL test
against Synapse, which moves the clock a week at a time: an agenda item added twice)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.adapters.matrix.position import SyncPosition
from bot.adapters.matrix.rooms import RoomWorker
from bot.app import App, AppConfig
from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock
from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from storage.database import Database

ROOM = RoomRef("matrix", "!klima:example.org")
ANNA = Sender(Identity("matrix", "@anna:example.org"), "Anna", is_room_admin=True)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def _app(database: Database, clock: ManualClock) -> App:
    runtime = await bootstrap(database, clock, {}, AppConfig(default_language="de"))
    await runtime.app.handle(MessageEvent(ROOM, ANNA, "/setup Klima-Allianz", "", "$setup"))
    return runtime.app


async def _saved_after(app: App, event: MessageEvent, token: str) -> str | None:
    """Hand `event` to a room worker as one sync's only event and let the position decide."""
    position = SyncPosition(app.uow_factory, "@bot:example.org")
    worker = RoomWorker(app, ROOM.room_id)
    try:
        position.after([worker.submit(event, event.event_id)], token)
        assert position._checkpoint is not None
        await position._checkpoint
        return await position.load()
    finally:
        for task in worker.cancel():
            task.cancel()
        await asyncio.gather(*worker.tasks, return_exceptions=True)


async def _agenda(database: Database) -> list[str]:
    async with database.uow() as uow:
        room = await uow.rooms.find(ROOM)
        assert room is not None
        return [i.text for i in await uow.agenda.of_partnership(room.partnership_id)]


async def test_a_caught_replay_saves_the_position_at_once(database: Database) -> None:
    clock = ManualClock(NOW)
    app = await _app(database, clock)
    add = MessageEvent(ROOM, ANNA, "/tagesordnung neu Radwege", "", "$radwege")
    assert await _saved_after(app, add, "s1") == "s1"  # a change: saved at once

    # A read-only command leaves the position for later (harmless to replay) ...
    read = MessageEvent(ROOM, ANNA, "/naechstes", "", "$next")
    assert await _saved_after(app, read, "s2") == "s1"
    # ... but the change delivered again after a restart, caught, moves it at once.
    replay = MessageEvent(ROOM, ANNA, add.text, "", "$radwege", maybe_replayed=True)
    assert await _saved_after(app, replay, "s3") == "s3"
    assert await _agenda(database) == ["Radwege"]

    # Why: a week later the record that caught the replay is pruned; had the position stayed
    # before the event, the next restart would apply it again.
    clock.set(NOW + timedelta(days=8))
    other = MessageEvent(ROOM, ANNA, "/tagesordnung neu Windkraft", "", "$wind")
    await app.handle(other)
    async with database.uow() as uow:
        assert await uow.handled_events.find("matrix", "$radwege") is None
