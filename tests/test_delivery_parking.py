"""The outbox sender's rules for messages that cannot go out as they are, pinned: who is told
about a parked message and in which words (the quote cut at 80 characters), a notice that
is parked itself tells nobody, what does and does not count towards parking (an unreachable
platform, a flood wait), and a message too large for its platform sent as a file in the
partnership's language. Driven through `Delivery.deliver_due` and `Delivery.run` on a real
database, with recording messengers; no internals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock, SystemClock
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError, TooLarge
from bot.core.model import OutboxMessage
from bot.core.reply import Attachment, Paragraph, Reply
from bot.delivery import Delivery, backoff
from storage.database import Database
from tests.test_delivery_pinned import ELSEWHERE, LOST, NOW, QUIET, SOUND, Recorder, _partnerships

UNKNOWN = RoomRef("matrix", "!unknown:example.org")
COORDINATORS = "Koordination (Anna Acker, Bernd Bach)"


@dataclass
class Keeper(Recorder):
    """A recorder that keeps the replies themselves (their attachments)."""

    replies: list[Reply] = field(default_factory=list)
    answered: list[str | None] = field(default_factory=list)

    async def send(self, room: RoomRef, reply: Reply, txn_id: str, **kw: Any) -> None:
        self.replies.append(reply)
        self.answered.append(kw.get("answers"))
        await super().send(room, reply, txn_id, **kw)


@dataclass
class World:
    database: Database
    clock: ManualClock
    matrix: Keeper
    delivery: Delivery

    async def post(
        self, room: RoomRef, reply: Reply | str, partnership_id: int | None = 1, kind: str = ""
    ) -> str:
        body = Reply.of(Paragraph.of(reply)) if isinstance(reply, str) else reply
        async with self.database.uow() as uow:
            extra = {"kind": kind} if kind else {}
            uid = await uow.outbox.add(partnership_id, room, body, self.clock.now(), **extra)
            await uow.commit()
        return uid

    async def pending(self) -> list[OutboxMessage]:
        async with self.database.uow() as uow:
            return await uow.outbox.pending()

    async def parked(self) -> list[OutboxMessage]:
        async with self.database.uow() as uow:
            return await uow.outbox.parked()

    def later(self, seconds: float) -> None:
        self.clock.set(self.clock.now() + timedelta(seconds=seconds))


@pytest.fixture
async def world(database: Database) -> AsyncIterator[World]:
    await _partnerships(database)
    clock = ManualClock(NOW)
    matrix = Keeper("matrix")
    runtime = await bootstrap(database, clock, {"matrix": matrix})
    yield World(database, clock, matrix, runtime.delivery)


def parked_notice(room: str, attempts: int, start: str, error: str) -> str:
    return (
        f"Eine Nachricht an den Raum {room} (Matrix) ließ sich nach "
        + ("einem Versuch" if attempts == 1 else f"{attempts} Versuchen")
        + " nicht "
        f"zustellen und ist zurückgestellt; die folgenden Nachrichten gehen weiter hinaus. Sie "
        f"begann: „{start}“ (Fehler: {error}). {COORDINATORS}: der Betrieb sieht sie mit "
        "„partnerbot outbox“."
    )


async def test_a_direct_reply_goes_to_its_room_quoting_the_message_it_answers(
    world: World,
) -> None:
    async with world.database.uow() as uow:
        uid = await uow.outbox.add(
            1, SOUND, Reply.of(Paragraph.of("Erledigt.")), NOW, answers="$ask:x.org", kind="reply"
        )
        await uow.commit()
    await world.post(SOUND, "Ankündigung")
    assert await world.delivery.deliver_due() == 2
    assert world.matrix.attempts[0] == (SOUND.room_id, uid, "Erledigt.")
    assert world.matrix.answered == ["$ask:x.org", None]


async def test_a_sent_message_records_when_it_was_sent(world: World) -> None:
    """For the operator who asks when a message went out (SQL on the outbox table)."""
    await world.post(SOUND, "eins")
    world.later(5)
    assert await world.delivery.deliver_due() == 1
    async with world.database.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT status, sent_at FROM outbox"))).all()
    assert [(status, str(sent)[:19]) for status, sent in rows] == [("sent", "2026-11-23 09:00:05")]


async def test_a_direct_reply_keeps_no_text_once_sent_an_announcement_does(world: World) -> None:
    """A reply may name people; nothing needs it afterwards (a forgotten name must not stay)."""
    async with world.database.uow() as uow:
        await uow.outbox.add(1, SOUND, Reply.of(Paragraph.of("Hallo Anna")), NOW, kind="reply")
        await uow.commit()
    await world.post(LOST, "Treffen am Dienstag")
    assert await world.delivery.deliver_due() == 2
    async with world.database.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT kind, payload FROM outbox"))).all()
    kept = {kind: str(payload) for kind, payload in rows}
    assert "Hallo Anna" not in kept["reply"] and "Treffen am Dienstag" in kept["message"]


async def test_a_parked_message_is_reported_in_every_active_room_of_its_partnership(
    world: World,
) -> None:
    """Its own room too (it still works), the inactive room and the other partnership not;
    the quote is the message's start, white space folded, cut at 80 characters."""
    words = "Bitte   bringen Sie\n" + "x" * 90
    await world.post(SOUND, words)
    world.matrix.failures[SOUND.room_id] = [DeliveryError("E" * 100, rejected=True)]
    assert await world.delivery.deliver_due() == 2  # the two notices, in the same call
    (parked,) = await world.parked()
    assert (parked.room, parked.last_error, parked.attempts) == (SOUND, "E" * 100, 1)
    start = ("Bitte bringen Sie " + "x" * 90)[:80] + "…"
    notice = parked_notice("Orga", 1, start, "E" * 80)
    assert world.matrix.texts(SOUND)[1:] == [notice]
    assert world.matrix.texts(LOST) == [notice]
    assert world.matrix.texts(ELSEWHERE) == [] and world.matrix.texts(QUIET) == []


@pytest.mark.parametrize(("length", "mark"), [(80, ""), (81, "…")])
async def test_the_quote_is_marked_as_cut_only_when_it_is(
    world: World, length: int, mark: str
) -> None:
    await world.post(SOUND, "y" * length)
    world.matrix.failures[SOUND.room_id] = [DeliveryError("kaputt", rejected=True)]
    await world.delivery.deliver_due()
    assert world.matrix.texts(LOST) == [parked_notice("Orga", 1, "y" * 80 + mark, "kaputt")]


async def test_a_message_that_keeps_failing_is_parked_at_its_last_attempt(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.delivery.max_attempts = 4
    uid = await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("timeout")] * 4
    for attempt in range(3):
        await world.delivery.deliver_due()
        (waiting,) = await world.pending()
        assert waiting.attempts == attempt + 1 and await world.parked() == []
        world.later(backoff(attempt).total_seconds())
    assert await world.delivery.deliver_due() == 2
    (parked,) = await world.parked()
    assert parked.last_error == "timeout"
    assert world.matrix.texts(LOST) == [parked_notice("Orga", 4, "eins", "timeout")]
    room = "RoomRef(platform='matrix', room_id='!sound:example.org')"
    parking = [r.getMessage() for r in caplog.records if r.getMessage().startswith("parking")]
    assert parking == [f"parking {uid} to {room}: timeout"]


async def test_a_parked_notice_tells_nobody_again(world: World) -> None:
    """The lost room's notice, refused in the last room left, is parked without a word."""
    await world.post(LOST, "eins")
    world.matrix.failures[LOST.room_id] = [DeliveryError("gone", permanent=True)]
    world.matrix.failures[SOUND.room_id] = [DeliveryError("refused", rejected=True)]
    assert await world.delivery.deliver_due() == 0
    (parked,) = await world.parked()
    assert (parked.room, parked.kind) == (SOUND, "notice")
    assert await world.pending() == []
    assert await world.delivery.deliver_due() == 0


async def test_the_notice_about_a_parked_message_tells_nobody_when_parked_itself(
    world: World,
) -> None:
    """It belongs to the partnership (a notice, not a message of its own)."""
    await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("refused", rejected=True)]
    world.matrix.failures[LOST.room_id] = [DeliveryError("refused too", rejected=True)]
    assert await world.delivery.deliver_due() == 1  # the notice in the message's own room
    parked = sorted((m.room.room_id, m.partnership_id, m.kind) for m in await world.parked())
    assert parked == [(LOST.room_id, 1, "notice"), (SOUND.room_id, 1, "message")]
    assert await world.pending() == []


async def test_the_parked_notice_speaks_the_partnerships_language(world: World) -> None:
    room = RoomRef("matrix", "!english:example.org")
    async with world.database.uow() as uow:
        english = await uow.partnerships.add("Climate Alliance", "en", "Europe/Berlin", NOW)
        await uow.rooms.add(english.id, room, "Plenary", NOW)
        await uow.commit()
    await world.post(room, "one", english.id)
    world.matrix.failures[room.room_id] = [DeliveryError("refused", rejected=True)]
    assert await world.delivery.deliver_due() == 1
    assert world.matrix.texts(room)[1:] == [
        "A message to the room Plenary (Matrix) could not be delivered after one attempt and "
        "was set aside; the messages after it still go out. It began: “one” (error: refused). "
        "Coordinators (-): the operators see it with “partnerbot outbox”."
    ]


async def test_a_parked_message_of_no_partnership_tells_nobody(world: World) -> None:
    await world.post(SOUND, "eins", partnership_id=None)
    world.matrix.failures[SOUND.room_id] = [DeliveryError("refused", rejected=True)]
    assert await world.delivery.deliver_due() == 0
    assert len(await world.parked()) == 1 and await world.pending() == []


async def test_a_parked_message_to_an_unknown_room_is_named_by_the_rooms_id(
    world: World,
) -> None:
    await world.post(UNKNOWN, "eins")
    world.matrix.failures[UNKNOWN.room_id] = [DeliveryError("refused", rejected=True)]
    assert await world.delivery.deliver_due() == 2
    assert world.matrix.texts(SOUND) == [
        parked_notice("!unknown:example.org", 1, "eins", "refused")
    ]


@pytest.mark.parametrize(
    "error",
    [DeliveryError("down", offline=True), DeliveryError("flood", retry_after=2)],
    ids=["offline", "flood"],
)
async def test_an_unreachable_platform_and_flood_waits_never_park(
    world: World, error: DeliveryError
) -> None:
    world.delivery.max_attempts = 2
    await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [error] * 6
    for _ in range(6):
        await world.delivery.deliver_due()
        world.later(60)
    assert await world.parked() == []
    assert await world.delivery.deliver_due() == 1
    assert world.matrix.texts(SOUND) == ["eins"] * 7


async def test_an_unreachable_platform_is_tried_again_within_a_minute(world: World) -> None:
    """The backoff as usual while it is short; never more than a minute, even when the
    platform asked for longer."""
    await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("down", offline=True)] * 8 + [
        DeliveryError("down", offline=True, retry_after=600)
    ]
    waits = []
    for _ in range(9):
        await world.delivery.deliver_due()
        (waiting,) = await world.pending()
        waits.append((waiting.next_attempt_at - world.clock.now()).total_seconds())
        world.clock.set(waiting.next_attempt_at)
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


# --- too large: as a file ------------------------------------------------------------------


async def _too_large(world: World, reply: Reply, partnership_id: int | None = 1) -> Reply:
    uid = await world.post(SOUND, reply, partnership_id)
    world.matrix.failures[SOUND.room_id] = [TooLarge("4 parts of 4000")]
    assert await world.delivery.deliver_due() == 1
    assert [txn for _, txn, _ in world.matrix.attempts] == [uid, uid + ".file"]
    return world.matrix.replies[-1]


async def test_a_message_too_large_goes_out_as_a_file_with_its_head(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.delivery")
    calendar = Attachment("treffen.ics", "text/calendar", b"BEGIN")
    reply = Reply.of(Paragraph.of("Mitglieder"), Paragraph.of("Goch"), attachments=(calendar,))
    sent = await _too_large(world, reply)
    assert sent == Reply.of(
        Paragraph.of("Mitglieder"),
        Paragraph.of(
            "Diese Nachricht ist zu lang für den Chat; sie steht vollständig in der "
            "angehängten Datei."
        ),
        attachments=(
            Attachment("nachricht.txt", "text/plain", b"Mitglieder\nGoch\n"),
            calendar,
        ),
    )
    assert await world.pending() == []
    uid = world.matrix.attempts[0][1]
    assert [r.getMessage() for r in caplog.records if r.name == "bot.delivery"] == [
        f"{uid} is too large (4 parts of 4000); sending it as a file"
    ]


async def test_a_message_of_attachments_only_goes_out_as_a_file_with_a_word(world: World) -> None:
    calendar = Attachment("treffen.ics", "text/calendar", b"BEGIN")
    sent = await _too_large(world, Reply.of(attachments=(calendar,)))
    assert sent.blocks == (
        Paragraph.of(
            "Diese Nachricht ist zu lang für den Chat; sie steht vollständig in der "
            "angehängten Datei."
        ),
    )
    assert [a.filename for a in sent.attachments] == ["nachricht.txt", "treffen.ics"]


@pytest.mark.parametrize(("length", "kept"), [(299, True), (300, False)])
async def test_a_head_of_300_characters_or_more_is_left_to_the_file(
    world: World, length: int, kept: bool
) -> None:
    head = Paragraph.of("k" * length)
    sent = await _too_large(world, Reply.of(head, Paragraph.of("Rest")))
    assert (sent.blocks[0] == head) is kept and len(sent.blocks) == 1 + kept


async def test_the_file_speaks_the_partnerships_language(world: World) -> None:
    async with world.database.uow() as uow:
        english = await uow.partnerships.add("Climate Alliance", "en", "Europe/Berlin", NOW)
        await uow.commit()
    sent = await _too_large(world, Reply.of(Paragraph.of("Members")), english.id)
    assert [a.filename for a in sent.attachments] == ["message.txt"]
    assert sent.blocks[1] == Paragraph.of(
        "This message is too long for the chat; it is in the attached file in full."
    )


async def test_a_file_of_no_partnership_is_in_the_instances_language(world: World) -> None:
    old = world.delivery
    world.delivery = Delivery(old.uow_factory, old.clock, old.messengers, old.catalog, "en")
    sent = await _too_large(world, Reply.of(Paragraph.of("Hello")), None)
    assert [a.filename for a in sent.attachments] == ["message.txt"]


# --- the run loop --------------------------------------------------------------------------


@dataclass
class Stumbling(Recorder):
    """A messenger whose readiness check fails once: the whole delivery pass fails."""

    stumbles: int = 1

    def ready(self) -> bool:
        if self.stumbles:
            self.stumbles -= 1
            raise RuntimeError("database gone")
        return True


async def test_a_failed_delivery_pass_is_logged_and_the_loop_goes_on(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _partnerships(database)
    clock, matrix = SystemClock(), Stumbling("matrix")
    runtime = await bootstrap(database, clock, {"matrix": matrix})
    async with database.uow() as uow:
        await uow.outbox.add(1, SOUND, Reply.of(Paragraph.of("eins")), clock.now())
        await uow.commit()
    wake = asyncio.Event()
    loop = asyncio.create_task(runtime.delivery.run(wake))
    try:
        for _ in range(100):  # the bound only stops a broken test
            async with database.uow() as uow:
                if not await uow.outbox.pending():
                    break
            await asyncio.sleep(0.05)
            wake.set()
        assert matrix.texts(SOUND) == ["eins"]
        await asyncio.sleep(0.1)  # the loop is idle again (cancelled mid-write, it may hang)
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
    failures = [r for r in caplog.records if r.name == "bot.delivery"]
    assert [(r.levelno, r.getMessage()) for r in failures] == [
        (logging.ERROR, "outbox delivery failed; trying again shortly")
    ]
    assert failures[0].exc_info is not None and "database gone" in str(failures[0].exc_info[1])
