"""The outbox sender's order, retry and parking behaviour, pinned where mutation testing
(issue #16) found a change no other test noticed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError
from bot.core.poll_messages import PollFit, PollMessage, PostedPoll
from bot.core.render import render_plain
from bot.core.reply import Paragraph, Poll, PollAnswer, Reply
from bot.delivery import Delivery, backoff
from bot.i18n import Catalog
from storage.database import Database
from tests.test_delivery_pinned import (
    ELSEWHERE,
    LOST,
    NOW,
    QUIET,
    SOUND,
    Recorder,
    _partnerships,
)

MAILBOX = RoomRef("email", "anna@example.org")


def test_the_first_retry_waits_a_few_seconds() -> None:
    assert backoff(1).total_seconds() > 0


async def test_a_parked_email_is_reported_in_the_words_for_an_email(database: Database) -> None:
    """The coordinators are told to check the address (the platform's own text), not the
    chat platforms' general words."""
    await _partnerships(database)
    async with database.uow() as uow:
        await uow.outbox.add(1, MAILBOX, Reply.of(Paragraph.of("Protokoll")), NOW, kind="email")
        await uow.commit()
    matrix, email = Recorder("matrix"), Recorder("email")
    email.failures[MAILBOX.room_id] = [DeliveryError("550 no such user", rejected=True)]
    messengers: dict[str, Any] = {"matrix": matrix, "email": email}
    runtime = await bootstrap(database, ManualClock(NOW), messengers)
    assert runtime.mail_delivery is not None
    assert await runtime.mail_delivery.deliver_due() == 0
    assert await runtime.delivery.deliver_due() == 2
    notice = (
        "Eine E-Mail an anna@example.org ließ sich nicht zustellen und ist zurückgestellt "
        "(Versuche: 1): „Protokoll“ (Antwort des Mailservers: 550 no such user). Koordination "
        "(Anna Acker, Bernd Bach): Bitte prüfen Sie die Adresse mit /email und tragen Sie sie "
        "notfalls neu ein."
    )
    assert matrix.texts(SOUND) == [notice] and matrix.texts(LOST) == [notice]


@dataclass
class Polling(Recorder):
    """A messenger with native polls (as Matrix and Telegram): records the polls it posts
    and the answers (reply-to) of its messages; a poll keyed "...:text" does not fit it."""

    polls: list[tuple[str, str, str, str]] = field(default_factory=list)
    answered: list[str | None] = field(default_factory=list)

    def poll_fit(self, poll: Poll) -> PollFit:
        return "none" if poll.key.endswith(":text") else "whole"

    async def start_poll(
        self, room: RoomRef, poll: Poll, fallback: Reply, txn_id: str
    ) -> PostedPoll:
        self.polls.append((room.room_id, poll.key, txn_id, render_plain(fallback)))
        return PostedPoll(f"poll-{len(self.polls)}", f"$msg-{len(self.polls)}")

    async def end_poll(
        self, room: RoomRef, posted: PollMessage, fallback: Reply, txn_id: str
    ) -> None:
        raise AssertionError("no poll is ended here")

    async def send(self, room: RoomRef, reply: Reply, txn_id: str, **kw: Any) -> None:
        self.answered.append(kw.get("answers"))
        await super().send(room, reply, txn_id, **kw)


def _poll(key: str) -> Reply:
    answers = (PollAnswer("1", "Di., 16.3."), PollAnswer("2", "Mi., 17.3."))
    return Reply((Paragraph.of("Wann passt es?"),), poll=Poll(key, "Wann passt es?", answers))


async def test_a_poll_goes_out_as_the_platforms_own_poll_other_messages_as_text(
    database: Database,
) -> None:
    """A platform with native polls gets the poll as one (in its room, with the row's txn
    id); a plain message to the same platform goes out as a message; a poll it cannot show
    goes out as its text, still in reply to what it answers; a platform without native
    polls gets the text."""
    await _partnerships(database)
    matrix, telegram = Polling("matrix"), Recorder("telegram")
    async with database.uow() as uow:
        poll = await uow.outbox.add(1, SOUND, _poll("datepoll:1"), NOW)
        plain = await uow.outbox.add(1, SOUND, Reply.of(Paragraph.of("Danke")), NOW)
        text = await uow.outbox.add(1, LOST, _poll("datepoll:1:text"), NOW, answers="$ask")
        await uow.outbox.add(1, QUIET, _poll("datepoll:2"), NOW)
        await uow.commit()
    messengers: dict[str, Any] = {"matrix": matrix, "telegram": telegram}
    runtime = await bootstrap(database, ManualClock(NOW), messengers)
    assert await runtime.delivery.deliver_due() == 4
    assert matrix.polls == [(SOUND.room_id, "datepoll:1", poll, "Wann passt es?")]
    assert matrix.attempts == [
        (SOUND.room_id, plain, "Danke"),
        (LOST.room_id, text, "Wann passt es?"),
    ] or matrix.attempts == [
        (LOST.room_id, text, "Wann passt es?"),
        (SOUND.room_id, plain, "Danke"),
    ]
    answered = dict(zip((a[0] for a in matrix.attempts), matrix.answered, strict=True))
    assert answered == {SOUND.room_id: None, LOST.room_id: "$ask"}
    assert telegram.texts(QUIET) == ["Wann passt es?"]


@pytest.mark.parametrize(("options", "expected"), [({}, 1), ({"mark_each": True}, 3)])
async def test_a_chat_platforms_sends_answered_together_are_recorded_in_one_commit(
    database: Database, options: dict[str, Any], expected: int
) -> None:
    """Rooms go out side by side; what they came to is marked in one transaction, not one
    per room; e-mail alone (`mark_each`) marks each the moment it went out (docs/email.md)."""
    await _partnerships(database)
    async with database.uow() as uow:
        for room in (LOST, SOUND, ELSEWHERE):
            await uow.outbox.add(1, room, Reply.of(Paragraph.of("Hallo")), NOW)
        await uow.commit()
    commits: list[int] = []

    @contextlib.asynccontextmanager
    async def counting() -> AsyncIterator[Any]:
        async with database.uow() as uow:
            commit = uow.commit

            async def counted() -> None:
                commits.append(1)
                await commit()

            uow.commit = counted  # type: ignore[method-assign]
            yield uow

    matrix = Recorder("matrix")
    messengers: dict[str, Any] = {"matrix": matrix}
    factory: Any = counting  # a UnitOfWorkFactory whose units count their commits
    delivery = Delivery(factory, ManualClock(NOW), messengers, Catalog.load(), **options)
    assert await delivery.deliver_due() == 3
    assert len(matrix.attempts) == 3 and len(commits) == expected


@dataclass
class Slow(Recorder):
    """A messenger whose sends take a moment, counting how many are under way at once."""

    under_way: int = 0
    most: int = 0

    async def send(self, room: RoomRef, reply: Reply, txn_id: str, **kw: Any) -> None:
        self.under_way += 1
        self.most = max(self.most, self.under_way)
        await asyncio.sleep(0.01)
        self.under_way -= 1
        await super().send(room, reply, txn_id, **kw)


async def test_at_most_a_batch_of_rooms_is_sent_to_at_once(database: Database) -> None:
    """The batch bounds the sends under way side by side (e-mail keeps it small: a crash
    in between sends them again); every room is still served in the same call."""
    await _partnerships(database)
    rooms = [RoomRef("matrix", f"!room{i}:example.org") for i in range(5)]
    async with database.uow() as uow:
        for room in rooms:
            await uow.outbox.add(1, room, Reply.of(Paragraph.of("Hallo")), NOW)
        await uow.commit()
    slow = Slow("matrix")
    messengers: dict[str, Any] = {"matrix": slow}
    delivery = Delivery(database.uow, ManualClock(NOW), messengers, Catalog.load(), batch=2)
    assert await delivery.deliver_due() == 5
    assert slow.most == 2


async def test_rows_of_another_delivery_do_not_take_up_the_batch(database: Database) -> None:
    """E-mails due before a chat message do not hold it back in the chat delivery."""
    await _partnerships(database)
    async with database.uow() as uow:
        for address in ("a@example.org", "b@example.org"):
            mail = RoomRef("email", address)
            await uow.outbox.add(1, mail, Reply.of(Paragraph.of("Protokoll")), NOW, kind="email")
        await uow.outbox.add(1, SOUND, Reply.of(Paragraph.of("Hallo")), NOW)
        await uow.commit()
    matrix = Recorder("matrix")
    messengers: dict[str, Any] = {"matrix": matrix}
    delivery = Delivery(database.uow, ManualClock(NOW), messengers, Catalog.load(), batch=2)
    assert await delivery.deliver_due() == 1
    assert matrix.texts(SOUND) == ["Hallo"]


@dataclass
class Holding(Recorder):
    """A messenger whose send to `held` waits until `until` rooms have had their messages;
    `on_hold` runs first (it may write a new message)."""

    held: str = ""
    until: tuple[str, ...] = ()
    on_hold: Any = None
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, room: RoomRef, reply: Reply, txn_id: str, **kw: Any) -> None:
        if room.room_id == self.held:
            if self.on_hold is not None:
                await self.on_hold()
            await self.released.wait()
        await super().send(room, reply, txn_id, **kw)
        if all(self.texts(RoomRef(self.platform, r)) for r in self.until):
            self.released.set()


async def test_a_room_held_back_by_its_platform_holds_back_no_other_room(
    database: Database,
) -> None:
    """The slow room's send is still under way when the others' go out, beyond the batch."""
    await _partnerships(database)
    rooms = [RoomRef("matrix", f"!room{i}:example.org") for i in range(4)]
    async with database.uow() as uow:
        for room in rooms:
            await uow.outbox.add(1, room, Reply.of(Paragraph.of(room.room_id)), NOW)
        await uow.commit()
    holding = Holding("matrix", held=rooms[0].room_id, until=(rooms[2].room_id, rooms[3].room_id))
    messengers: dict[str, Any] = {"matrix": holding}
    delivery = Delivery(database.uow, ManualClock(NOW), messengers, Catalog.load(), batch=2)
    assert await asyncio.wait_for(delivery.deliver_due(), 10) == 4
    assert [room_id for room_id, _, _ in holding.attempts][-1] == rooms[0].room_id


async def test_a_message_written_while_a_send_is_under_way_goes_out_in_the_same_call(
    database: Database,
) -> None:
    """A quiet room's new message does not wait for the slow send to end."""
    await _partnerships(database)
    async with database.uow() as uow:
        await uow.outbox.add(1, LOST, Reply.of(Paragraph.of("lang")), NOW)
        await uow.commit()

    async def write() -> None:
        async with database.uow() as uow:
            await uow.outbox.add(1, SOUND, Reply.of(Paragraph.of("neu")), NOW)
            await uow.commit()

    holding = Holding("matrix", held=LOST.room_id, until=(SOUND.room_id,), on_hold=write)
    messengers: dict[str, Any] = {"matrix": holding}
    delivery = Delivery(database.uow, ManualClock(NOW), messengers, Catalog.load())
    assert await asyncio.wait_for(delivery.deliver_due(), 10) == 2
    assert holding.texts(SOUND) == ["neu"] and holding.texts(LOST) == ["lang"]
