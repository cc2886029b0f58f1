"""The meeting use cases called directly, without chat: no Context, no handler, no router.

What the chat rooms get is the chat channel's rendering of the events the use cases raise;
it must be exactly what the chat commands /termin, /verschieben and /absagen produce, the
calendar file and the host line included."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.adapters.console.adapter import PLATFORM
from bot.channels.chat import ChatChannel
from bot.channels.notifier import Notifier
from bot.core.clock import Clock
from bot.core.events import Identity, RoomRef, Sender
from bot.core.permissions import Who
from bot.core.render import render_plain
from bot.core.reply import Reply
from bot.i18n import Catalog
from bot.i18n.texts import Texts
from bot.usecases import meetings
from bot.usecases.base import Actor, Call, NotAllowed, use_case
from bot.usecases.partnership import of_room
from bot.usecases.people import identify
from storage.database import Database
from storage.models import MeetingRow, OutboxRow
from storage.reply_codec import reply_from_json
from tests.conftest import make_database
from tests.harness import ConsoleBot
from tests.snapshot import snapshot

ZONE = ZoneInfo("Europe/Berlin")
SETUP = """
:admin anna
@anna: /setup Klima-Allianz
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@bernd: /ichbin Kleve
"""
SCHEDULED = datetime(2027, 3, 15, 10, 0, tzinfo=ZONE)
MOVED = datetime(2027, 3, 16, 14, 0, tzinfo=ZONE)
COMMANDS = """
@anna: /termin 15.3.2027 10:00 in Rathaus Kleve
@anna: /verschieben 16.3.2027 14:00
@anna: /absagen Grippewelle
@anna: /ja
"""

Row = tuple[str, str, str, Reply]
"""An outbox row: platform, room, the reply as plain text, the reply itself."""


async def set_up(database: Database) -> ConsoleBot:
    """The partnership, its members, a contact person of Kleve and a second room."""
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    code = (await bot.say("@anna: /link"))[0].split("Ihr Code: ")[1][:8]
    await bot.say(f":room other\n:admin anna\n@anna: /link {code}\n:room main")
    return bot


async def call_as(database: Database, clock: Clock, user: str, coordinator: bool) -> Call:
    """A call from the main room, as `user`, in a fresh unit of work (the caller commits)."""
    uow = database.uow()
    room, partnership = await of_room(uow, RoomRef(PLATFORM, "main"))
    person = await identify(uow, Sender(Identity(PLATFORM, user), user))
    return Call(uow, clock, Actor(person, is_coordinator=coordinator), partnership, room)


async def last_outbox_id(database: Database) -> int:
    async with database.engine.connect() as connection:
        ids = (await connection.execute(select(OutboxRow.id))).scalars().all()
    return max(ids, default=0)


async def outbox_since(database: Database, after: int) -> list[Row]:
    """The announcements written after row `after`, in order; each meeting's UID (random) is
    replaced by its place in the meetings table, so two databases compare."""
    async with database.engine.connect() as connection:
        uids = (await connection.execute(select(MeetingRow.uid).order_by(MeetingRow.id))).all()
        rows = (
            await connection.execute(
                # what the rooms are told; the answers to the commands are rows too
                select(OutboxRow)
                .where(OutboxRow.id > after, OutboxRow.kind != "reply")
                .order_by(OutboxRow.id)
            )
        ).all()
    found: list[Row] = []
    for row in rows:
        reply = reply_from_json(row.payload)
        attachments = []
        for attachment in reply.attachments:
            data = attachment.data
            for index, (uid,) in enumerate(uids):
                data = data.replace(uid.encode(), f"meeting-{index}".encode())
            attachments.append(replace(attachment, data=data))
        reply = replace(reply, attachments=tuple(attachments))
        found.append((row.platform, row.external_id, render_plain(reply), reply))
    return found


async def test_use_cases_tell_the_rooms_what_the_chat_commands_do(
    sqlite_database: Database, tmp_path: Path
) -> None:
    direct_database = sqlite_database
    (tmp_path / "chat").mkdir()
    chat_database, _ = await make_database("sqlite", tmp_path / "chat")
    try:
        direct = await set_up(direct_database)
        chat = await set_up(chat_database)
        catalog = Catalog.load()
        notifier = Notifier([ChatChannel(catalog)])

        async def run(step: Callable[[Call], Awaitable[object]]) -> None:
            """One use case in its own unit of work, as the app runs a command."""
            call = await call_as(direct_database, direct.clock, "anna", coordinator=True)
            async with call.uow:
                await step(call)
                assert len(call.events) == 1
                await notifier.publish(call.uow, call.events, call.now)
                await call.uow.commit()

        before = await last_outbox_id(direct_database)
        await run(
            lambda c: meetings.schedule(c, meetings.ScheduleMeeting(SCHEDULED, "Rathaus Kleve"))
        )
        await run(lambda c: meetings.move(c, meetings.MoveMeeting(MOVED)))
        await run(lambda c: meetings.cancel(c, meetings.CancelMeeting("Grippewelle")))
        told = await outbox_since(direct_database, before)

        # the same through the chat commands
        before = await last_outbox_id(chat_database)
        await chat.say(COMMANDS)
        expected = await outbox_since(chat_database, before)

        assert [row[:3] for row in told] == [row[:3] for row in expected]
        assert told == expected

        # what both must contain: every room hears of each change, with the calendar file
        # and the host
        assert [(platform, room) for platform, room, _, _ in told] == [
            (PLATFORM, "main"),
            (PLATFORM, "other"),
        ] * 3
        texts = Texts(catalog, "de", "Europe/Berlin")
        host = render_plain(texts.say("meeting.host", host="Goch"))
        still = render_plain(texts.say("cancel.still_next", host="Goch"))
        for index, (_, _, text, reply) in enumerate(told):
            assert [a.mimetype for a in reply.attachments] == ["text/calendar"]
            data = reply.attachments[0].data
            assert b"UID:meeting-0@partnerbot" in data
            if index < 4:
                assert host in text.splitlines()
                assert b"LOCATION:Rathaus Kleve" in data
            else:
                assert b"STATUS:CANCELLED" in data
                assert "Grippewelle" in text
                assert still in text.splitlines()
        assert told[0][2].startswith("Neues Treffen")
        assert "Mo., 15.03.2027, 10:00" in told[0][2]
        assert "Di., 16.03.2027, 14:00" in told[2][2]
    finally:
        await chat_database.close()


async def test_a_contact_of_another_member_may_not_move_the_meeting(
    sqlite_database: Database,
) -> None:
    bot = await set_up(sqlite_database)
    await bot.say("@anna: /termin 15.3.2027 10:00")
    before = await snapshot(sqlite_database, skip=("presence",))
    call = await call_as(sqlite_database, bot.clock, "bernd", coordinator=False)
    async with call.uow:
        with pytest.raises(NotAllowed) as refused:
            await meetings.move(call, meetings.MoveMeeting(MOVED))
        assert refused.value.key == "move.not_allowed"
        assert refused.value.params == {"host": "Goch"}
        assert call.events == []
        await call.uow.commit()
    assert await snapshot(sqlite_database, skip=("presence",)) == before


@use_case("test.undecided", Who.HOST)
async def undecided(call: Call) -> None:
    """Depends on the host, but never asks: a bug the decorator catches."""


async def test_a_use_case_that_never_decides_its_permission_fails(
    sqlite_database: Database,
) -> None:
    bot = await set_up(sqlite_database)
    call = await call_as(sqlite_database, bot.clock, "anna", coordinator=True)
    async with call.uow:
        with pytest.raises(AssertionError, match=re.escape("test.undecided")):
            await undecided(call)
