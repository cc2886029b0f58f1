"""Messages too large for one Matrix event, on the real homeserver: an agenda of 300 long
items (73,838 bytes at 120 items made Synapse refuse it with M_TOO_LARGE, and the room's
later announcements waited behind it forever) arrives whole, in parts that each fit, and
the room goes on."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable

from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from tests.matrix.helpers import BotUnderTest, Person, Seen

ITEMS = 300
FILLER = "Gemeinsame Beschaffung von Lastenrädern für die Bauhöfe, mit Förderantrag & <Zeitplan> "


async def _room_with_bot(anna: Person, bot: BotUnderTest, encrypted: bool = False) -> str:
    room_id = await anna.create_room("Klima-Allianz", encrypted=encrypted)
    await anna.client.room_invite(room_id, bot.user_id)
    await anna.joined(room_id, bot.user_id)
    await bot.in_room(room_id)
    return room_id


async def _long_agenda(anna: Person, bot: BotUnderTest, room_id: str) -> None:
    """/setup, then 300 real /tagesordnung neu commands: all but the last handed to the
    app directly with their answers left out (300 chat round trips would only cost time),
    the last one written in the room like the others would be."""
    await anna.ask(room_id, bot.user_id, "!setup Lange Liste")
    assert bot.runtime is not None
    app = bot.runtime.app
    sender = Sender(Identity("matrix", anna.user_id), "Anna", is_room_admin=True)
    for n in range(1, ITEMS):
        text = f"!tagesordnung neu P{n:03d} {FILLER * 2}".strip()
        await app.handle(MessageEvent(RoomRef("matrix", room_id), sender, text), deliver=False)
    last = await anna.ask(room_id, bot.user_id, f"!tagesordnung neu P{ITEMS:03d} {FILLER}")
    assert f"P{ITEMS:03d}" in last.body


def _parts(anna: Person, bot: BotUnderTest, room_id: str, after: int) -> list[Seen]:
    return [
        s
        for s in anna.from_user(room_id, bot.user_id, "notice")[after:]
        if re.search(r"P\d{3} ", s.body)
    ]


async def _agenda_arrives_whole(anna: Person, bot: BotUnderTest, room_id: str) -> list[Seen]:
    before = len(anna.from_user(room_id, bot.user_id, "notice"))
    asked = await anna.say(room_id, "!tagesordnung")
    await anna.wait_for(room_id, bot.user_id, f"{ITEMS}. P{ITEMS:03d}", after=before)
    parts = _parts(anna, bot, room_id, before)
    assert len(parts) >= 2
    # the first part answers the command; every part fits (measured as sent, escaped)
    assert parts[0].content["m.relates_to"]["m.in_reply_to"]["event_id"] == asked
    for part in parts:
        assert len(json.dumps(part.content).encode()) < 65_536
    # whole, in order, numbered on across the parts, each item in one piece
    body = "\n".join(part.body for part in parts)
    numbered = re.findall(r"^(\d+)\. P(\d{3}) ", body, re.M)
    assert [(int(a), int(b)) for a, b in numbered] == [(n, n) for n in range(1, ITEMS + 1)]
    assert body.count("&lt;Zeitplan&gt;") == 0 and body.count("<Zeitplan>") == 2 * ITEMS - 1
    return parts


async def test_a_300_item_agenda_arrives_whole_in_parts_and_the_room_goes_on(
    bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    await bot.start()
    room_id = await _room_with_bot(anna, bot)
    await _long_agenda(anna, bot, room_id)

    parts = await _agenda_arrives_whole(anna, bot, room_id)

    # the room's next announcement still arrives, after the agenda
    await anna.say(room_id, "!mitglied neu Kleve")
    kleve = await anna.wait_for(room_id, bot.user_id, "Kleve ist jetzt Mitglied")
    notices = anna.from_user(room_id, bot.user_id, "notice")
    assert notices.index(kleve) > notices.index(parts[-1])
    assert bot.runtime is not None
    for _ in range(100):  # seen by anna a moment before the bot records it as sent
        async with bot.runtime.database.uow() as uow:
            pending, parked = await uow.outbox.pending(), await uow.outbox.parked()
        if not pending:
            break
        await asyncio.sleep(0.05)
    assert pending == [] and parked == []


async def test_in_an_encrypted_room_the_parts_fit_once_encrypted(
    bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    await bot.start()
    room_id = await _room_with_bot(anna, bot, encrypted=True)
    await _long_agenda(anna, bot, room_id)
    await _agenda_arrives_whole(anna, bot, room_id)
