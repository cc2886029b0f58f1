"""Delivery that never blocks: replies cut into parts between paragraphs and list items, a
reply too large even for that sent as a file, and a message that keeps failing parked
without holding up its room."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

import pytest

from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError, Messenger, TooLarge
from bot.core.parts import split_reply
from bot.core.render import render_plain
from bot.core.reply import Attachment, BulletList, Button, Paragraph, Reply, Text
from storage.database import Database
from storage.reply_codec import reply_from_json, reply_to_json
from tests.harness import ConsoleBot


def _size(reply: Reply) -> int:
    return len(render_plain(reply))


def _agenda(items: int) -> Reply:
    return Reply.of(
        Paragraph.of("Tagesordnung"),
        BulletList(tuple((Text(f"Punkt {n:03d}"),) for n in range(1, items + 1)), ordered=True),
        Paragraph.of("Ende"),
        attachments=(Attachment("a.ics", "text/calendar", b"x"),),
        buttons=(Button("Ja", "/ja"),),
    )


def test_a_reply_that_fits_is_one_part_unchanged() -> None:
    reply = _agenda(3)
    assert split_reply(reply, _size, 1000) == [reply]


def test_parts_are_cut_between_items_and_keep_counting() -> None:
    reply = _agenda(100)
    parts = split_reply(reply, _size, 300)
    assert len(parts) > 2 and all(_size(p) <= 300 for p in parts)
    text = "\n".join(render_plain(p) for p in parts)
    assert text == render_plain(reply)  # nothing lost, nothing doubled, numbered on
    assert re.findall(r"^(\d+)\. Punkt (\d+)$", text, re.M) == [
        (str(n), f"{n:03d}") for n in range(1, 101)
    ]
    assert all(not p.attachments and not p.buttons for p in parts[:-1])
    assert parts[-1].attachments == reply.attachments and parts[-1].buttons == reply.buttons
    # a part's list survives storage with its numbering
    assert reply_from_json(reply_to_json(parts[1])) == parts[1]


def test_too_many_parts_is_too_large() -> None:
    with pytest.raises(TooLarge):
        split_reply(_agenda(1000), _size, 300, max_parts=10)


def test_a_paragraph_over_the_limit_is_a_part_of_its_own() -> None:
    reply = Reply.of(Paragraph.of("kurz"), Paragraph.of("x" * 500), Paragraph.of("auch kurz"))
    parts = split_reply(reply, _size, 100)
    assert [render_plain(p) for p in parts] == ["kurz", "x" * 500, "auch kurz"]


class Limited:
    """A console that takes at most `limit` characters a message and three parts, the way
    the platforms' messengers cut (and refuse what would need more parts)."""

    platform = "console"

    def __init__(self, inner: Messenger, limit: int) -> None:
        self.inner, self.limit = inner, limit
        self.txn_ids: list[str] = []

    async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
        self.txn_ids.append(txn_id)
        parts = split_reply(Reply(reply.blocks), _size, self.limit, max_parts=3)
        for part in parts:
            await self.inner.send(room, part, txn_id)
        if reply.attachments:
            await self.inner.send(room, Reply((), reply.attachments), txn_id)


async def _limited(database: Database, limit: int) -> tuple[ConsoleBot, Limited]:
    made: list[Limited] = []

    def senders(messengers: Mapping[str, Messenger]) -> dict[str, Messenger]:
        made.append(Limited(messengers["console"], limit))
        return {"console": made[0]}

    bot = await ConsoleBot.start(database, senders=senders)
    await bot.say(":admin anna\n@anna: /setup Klima-Allianz")
    return bot, made[0]


async def test_a_reply_in_a_few_parts_arrives_in_order(sqlite_database: Database) -> None:
    bot, _ = await _limited(sqlite_database, 500)
    # names no near duplicates of each other ("Ort1", "Ort10" would be asked about first)
    out = await bot.say("\n".join(f"@anna: /mitglied neu Ort {chr(65 + n)}" for n in range(12)))
    out = await bot.say("@anna: /mitglieder")
    assert 2 <= len(out) <= 3
    assert "\n".join(out).count("Ort ") == 12


async def test_a_reply_too_large_for_a_few_parts_comes_as_a_file(
    sqlite_database: Database,
) -> None:
    bot, limited = await _limited(sqlite_database, 60)
    await bot.say("\n".join(f"@anna: /mitglied neu Ort{n}" for n in range(30)))
    out = await bot.say("@anna: /mitglieder")
    assert out[0].startswith("[main] bot: Mitglieder der Partnerschaft")  # its head
    assert "angehängten Datei" in "\n".join(out)
    assert re.search(r"\[file: nachricht\.txt, \d+ bytes\]", "\n".join(out))
    assert limited.txn_ids[-1] == limited.txn_ids[-2] + ".file"


class Failing:
    """A console that refuses the first message starting with `word`, every time it comes
    (temporarily or as it is)."""

    platform = "console"

    def __init__(self, inner: Messenger, word: str, rejected: bool) -> None:
        self.inner, self.word, self.rejected = inner, word, rejected
        self.refused: str | None = None

    async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
        if self.refused is None and render_plain(reply).startswith(self.word):
            self.refused = txn_id
        if txn_id == self.refused:
            raise DeliveryError("HTTP 500", rejected=self.rejected)
        await self.inner.send(room, reply, txn_id)


async def _failing(database: Database, word: str, rejected: bool) -> ConsoleBot:
    def senders(messengers: Mapping[str, Messenger]) -> dict[str, Messenger]:
        return {"console": Failing(messengers["console"], word, rejected)}

    bot = await ConsoleBot.start(database, senders=senders)
    await bot.say(":admin anna\n@anna: /setup Klima-Allianz")
    return bot


async def test_a_message_that_keeps_failing_is_parked_and_its_room_goes_on(
    sqlite_database: Database,
) -> None:
    bot = await _failing(sqlite_database, "Kleve", rejected=False)
    bot.delivery.max_attempts = 3
    assert await bot.say("@anna: /mitglied neu Kleve") == []
    # waiting behind it, in order: the next message of the room
    assert await bot.say("@anna: /mitglied neu Goch") == []
    for wait in (1, 2):
        bot.clock.set(bot.clock.now() + timedelta(seconds=wait))
        sent = await bot.delivery.deliver_due()
    assert sent == 2  # the message behind the parked one, then the notice
    out = bot.output[-2:]
    assert "Goch ist jetzt Mitglied" in out[0]
    assert "nach 3 Versuchen nicht zustellen" in out[1] and "Koordination (anna)" in out[1]
    async with sqlite_database.uow() as uow:
        (parked,) = await uow.outbox.parked()
        assert await uow.outbox.pending() == []
    assert "Kleve" in render_plain(parked.reply) and parked.attempts == 3


async def test_a_message_the_platform_refuses_as_it_is_is_parked_at_once(
    sqlite_database: Database,
) -> None:
    bot = await _failing(sqlite_database, "Kleve", rejected=True)
    out = await bot.say("@anna: /mitglied neu Kleve\n@anna: /mitglied neu Goch")
    assert "nach einem Versuch" in out[0] and "Goch ist jetzt Mitglied" in out[1]
