"""Meeting mode without the chat: the use cases called directly with a `Call`, their events
published through the notifier, give every room the same messages (texts and minutes files)
as /sitzungsbeginn … /sitzungsende typed into a console bot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.adapters.console.adapter import PLATFORM
from bot.channels.chat import ChatChannel
from bot.channels.notifier import Notifier
from bot.core.events import Identity, RoomRef
from bot.core.render import render_plain
from bot.i18n import Catalog
from bot.usecases import minutes
from bot.usecases.base import Actor, Call
from bot.usecases.partnership import of_room
from storage.database import Database
from storage.models import OutboxRow
from storage.reply_codec import reply_from_json
from tests.conftest import make_database
from tests.harness import ConsoleBot

SETUP = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@bernd: /ichbin Goch
@dora: /ichbin Kleve
@anna: /termin 10.12. 10:00 im Rathaus Goch
@bernd: /tagesordnung neu Radverkehrskonzept #mobilität
@dora: /tagesordnung neu Ladesäulen
:time 2026-12-10 10:05
"""

MEETING = """
@anna: /sitzungsbeginn
@anna: /thema 1
@anna: /info Kleve plant 12 km Radweg
@anna: /beschluss Konzept wird bis März abgestimmt
@anna: /aufgabe Kleve Entwurf schicken bis 15.12.
@anna: /anwesend Kleve
@anna: /anwesend Goch
@anna: /sitzungsende
"""

Outbox = list[tuple[str, str, list[tuple[str, str, bytes]]]]


async def _outbox_after(database: Database, last: int) -> Outbox:
    """Room, plain text and attachments (name, type, bytes) of each announcement after
    `last` (the answers to the commands are outbox rows too)."""
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            select(OutboxRow.external_id, OutboxRow.payload)
            .where(OutboxRow.id > last, OutboxRow.kind != "reply")
            .order_by(OutboxRow.id)
        )
        found: Outbox = []
        for room, payload in rows:
            reply = reply_from_json(payload)
            files = [(a.filename, a.mimetype, a.data) for a in reply.attachments]
            found.append((room, render_plain(reply), files))
        return found


async def _last_row(database: Database) -> int:
    async with database.engine.connect() as connection:
        return int((await connection.execute(select(func.max(OutboxRow.id)))).scalar() or 0)


async def _run(
    database: Database,
    bot: ConsoleBot,
    use_case: Callable[..., Awaitable[Any]],
    *args: Any,
) -> Any:
    """One use case in one unit of work, as anna (a coordinator) from the console room;
    its events go through the chat channel, then it is committed."""
    catalog = Catalog.load()
    notifier = Notifier([ChatChannel(catalog)])
    async with database.uow() as uow:
        room, partnership = await of_room(uow, RoomRef(PLATFORM, "main"))
        anna = await uow.persons.by_identity(Identity(PLATFORM, "anna"))
        assert anna is not None and partnership is not None
        call = Call(uow, bot.clock, Actor(anna, is_coordinator=True), partnership, room)
        result = await use_case(call, *args)
        await notifier.publish(uow, call.events, call.now)
        await uow.commit()
    return result


async def test_use_cases_post_what_the_chat_commands_post(
    sqlite_database: Database, tmp_path: Path
) -> None:
    chat = await ConsoleBot.start(sqlite_database)
    await chat.say(SETUP)
    before = await _last_row(sqlite_database)
    await chat.say(MEETING)
    expected = await _outbox_after(sqlite_database, before)

    (tmp_path / "direct").mkdir()
    other, _ = await make_database("sqlite", tmp_path / "direct")
    try:
        direct = await ConsoleBot.start(other)
        await direct.say(SETUP)
        start = await _last_row(other)
        started = await _run(other, direct, minutes.start)
        assert isinstance(started, minutes.MeetingStarted)
        topic = await _run(other, direct, minutes.topic, "1")
        assert topic == minutes.TopicNoted("Radverkehrskonzept", 1)
        await _run(other, direct, minutes.info, "Kleve plant 12 km Radweg")
        await _run(other, direct, minutes.decision, "Konzept wird bis März abgestimmt")
        noted = await _run(other, direct, minutes.action, "Kleve Entwurf schicken bis 15.12.")
        assert noted.owner == "Kleve"
        await _run(other, direct, minutes.present, "Kleve")
        await _run(other, direct, minutes.present, "Goch")
        written = await _run(other, direct, minutes.end)
        assert isinstance(written, minutes.MinutesWritten)
        got = await _outbox_after(other, start)
    finally:
        await other.close()

    assert got == expected
    # the start with the agenda, then the summary with the minutes as files
    assert len(got) == 2
    assert got[0][1].startswith("Sitzung begonnen")
    assert "Radverkehrskonzept" in got[0][1]
    summary, files = got[1][1], got[1][2]
    assert "Konzept wird bis März abgestimmt" in summary
    assert [(name.rsplit(".", 1)[1], kind) for name, kind, _ in files] == [
        ("md", "text/markdown"),
        ("html", "text/html"),
    ]
    assert b"Kleve plant 12 km Radweg" in files[0][2]
    assert b"Kleve plant 12 km Radweg" in files[1][2]
