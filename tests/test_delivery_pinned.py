"""The outbox sender pinned by what it must never stop doing: each row reaches the messenger
with its own stable transaction id (a resend carries the same one, so Matrix drops the
duplicate), a server's `retry_after` wins over the backoff, and a lost room is reported in
the partnership's other active rooms only. Driven through `Delivery.deliver_due` and
`Delivery.run` on a real database, with recording messengers; no internals."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock, SystemClock
from bot.core.events import Identity, RoomRef
from bot.core.messenger import DeliveryError
from bot.core.render import render_plain
from bot.core.reply import Paragraph, Reply
from bot.delivery import Delivery, backoff
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LOST = RoomRef("matrix", "!lost:example.org")
SOUND = RoomRef("matrix", "!sound:example.org")
QUIET = RoomRef("telegram", "-100200")
ELSEWHERE = RoomRef("matrix", "!other-partnership:example.org")
CONSOLE = RoomRef("console", "main")


@dataclass
class Recorder:
    """A messenger that records every attempt and fails as it is told, per room."""

    platform: str
    attempts: list[tuple[str, str, str]] = field(default_factory=list)
    failures: dict[str, list[Exception]] = field(default_factory=dict)

    async def send(self, room: RoomRef, reply: Reply, txn_id: str, **_: Any) -> None:
        self.attempts.append((room.room_id, txn_id, render_plain(reply)))
        queued = self.failures.get(room.room_id)
        if queued:
            raise queued.pop(0)

    def texts(self, room: RoomRef) -> list[str]:
        return [text for room_id, _, text in self.attempts if room_id == room.room_id]


@dataclass
class World:
    database: Database
    clock: ManualClock
    matrix: Recorder
    telegram: Recorder
    delivery: Delivery

    async def post(self, room: RoomRef, text: str, partnership_id: int = 1) -> str:
        async with self.database.uow() as uow:
            uid = await uow.outbox.add(
                partnership_id, room, Reply.of(Paragraph.of(text)), self.clock.now()
            )
            await uow.commit()
        return uid

    async def pending(self) -> list[tuple[str, datetime, int]]:
        async with self.database.uow() as uow:
            return [
                (m.room.room_id, m.next_attempt_at, m.attempts) for m in await uow.outbox.pending()
            ]

    def later(self, **delta: float) -> None:
        self.clock.set(self.clock.now() + timedelta(**delta))


async def _partnerships(database: Database) -> None:
    """Partnership 1 with three rooms (one already inactive) and two coordinators, and a
    second partnership with a room of its own."""
    async with database.uow() as uow:
        first = await uow.partnerships.add("Klima-Allianz", "de", "Europe/Berlin", NOW)
        await uow.rooms.add(first.id, LOST, "Plenum", NOW)
        await uow.rooms.add(first.id, SOUND, "Orga", NOW)
        quiet = await uow.rooms.add(first.id, QUIET, "Alt", NOW)
        await uow.rooms.set_active(quiet.id, False)
        for name in ("Anna Acker", "Bernd Bach"):
            person = await uow.persons.add(name, Identity("matrix", f"@{name[:4]}:x.org"))
            await uow.coordinators.add(first.id, person.id, NOW)
        other = await uow.partnerships.add("Andere Allianz", "de", "Europe/Berlin", NOW)
        await uow.rooms.add(other.id, ELSEWHERE, "Fremd", NOW)
        await uow.commit()


@pytest.fixture
async def world(database: Database) -> AsyncIterator[World]:
    await _partnerships(database)
    clock = ManualClock(NOW)
    matrix, telegram = Recorder("matrix"), Recorder("telegram")
    runtime = await bootstrap(database, clock, {"matrix": matrix, "telegram": telegram})
    yield World(database, clock, matrix, telegram, runtime.delivery)


async def test_each_row_reaches_the_messenger_with_its_own_uid_as_txn_id(world: World) -> None:
    first = await world.post(SOUND, "eins")
    second = await world.post(SOUND, "zwei")
    assert first != second and first and second
    assert await world.delivery.deliver_due() == 2
    assert world.matrix.attempts == [
        ("!sound:example.org", first, "eins"),
        ("!sound:example.org", second, "zwei"),
    ]
    assert await world.pending() == []


async def test_a_resend_after_a_failure_carries_the_same_txn_id(world: World) -> None:
    uid = await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("timeout"), DeliveryError("timeout")]
    assert await world.delivery.deliver_due() == 0
    world.later(seconds=1)
    assert await world.delivery.deliver_due() == 0
    world.later(seconds=2)
    assert await world.delivery.deliver_due() == 1
    assert [txn for _, txn, _ in world.matrix.attempts] == [uid, uid, uid]


async def test_temporary_failures_back_off_by_the_number_of_attempts(world: World) -> None:
    await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("timeout")] * 4
    expected = []
    for attempt in range(4):
        await world.delivery.deliver_due()
        expected.append(("!sound:example.org", world.clock.now() + backoff(attempt), attempt + 1))
        assert await world.pending() == expected[-1:]
        world.later(seconds=backoff(attempt).total_seconds() - 0.5)
        assert await world.delivery.deliver_due() == 0  # not due yet: not even tried
        world.later(seconds=0.5)
    assert await world.delivery.deliver_due() == 1
    assert len(world.matrix.attempts) == 5


async def test_the_servers_retry_after_wins_over_the_backoff(world: World) -> None:
    await world.post(SOUND, "eins")
    await world.post(SOUND, "zwei")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("flood", retry_after=30)]
    assert await world.delivery.deliver_due() == 0
    assert await world.pending() == [
        ("!sound:example.org", NOW + timedelta(seconds=30), 1),
        ("!sound:example.org", NOW, 0),
    ]
    world.later(seconds=29)
    assert await world.delivery.deliver_due() == 0  # the room waits, its order kept
    assert len(world.matrix.attempts) == 1
    world.later(seconds=1)
    assert await world.delivery.deliver_due() == 2
    assert world.matrix.texts(SOUND) == ["eins", "eins", "zwei"]


async def test_a_short_retry_after_is_honoured_too(world: World) -> None:
    """Shorter than the backoff would be: the server knows best, in either direction."""
    await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("x")] * 5 + [
        DeliveryError("flood", retry_after=0.25)
    ]
    for attempt in range(5):
        await world.delivery.deliver_due()
        world.later(seconds=backoff(attempt).total_seconds())
    await world.delivery.deliver_due()
    assert await world.pending() == [
        ("!sound:example.org", world.clock.now() + timedelta(seconds=0.25), 6)
    ]


async def test_the_lost_room_notice_goes_to_the_other_active_rooms_only(world: World) -> None:
    await world.post(LOST, "eins")
    await world.post(LOST, "zwei")
    world.matrix.failures[LOST.room_id] = [DeliveryError("forbidden", permanent=True)] * 9
    assert await world.delivery.deliver_due() == 1  # the notice, in the same call
    async with world.database.uow() as uow:
        failed = [(m.room, m.last_error) for m in await uow.outbox.failed()]
        rooms = {r.name: r.active for r in await uow.rooms.of_partnership(1)}
    assert failed[0] == (LOST, "forbidden")
    assert rooms == {"Plenum": False, "Orga": True, "Alt": False}
    notice = (
        "Der Raum Plenum (Matrix) ist für mich nicht mehr erreichbar – wurde ich entfernt? "
        "Nachrichten dorthin ruhen. Koordination (Anna Acker, Bernd Bach): bitte laden Sie "
        "mich wieder ein oder trennen Sie den Raum mit /trennen."
    )
    assert world.matrix.texts(SOUND) == [notice]
    assert notice not in world.matrix.texts(LOST)
    assert world.matrix.texts(ELSEWHERE) == [] and world.telegram.attempts == []
    assert await world.delivery.deliver_due() == 0


async def test_a_room_lost_twice_is_reported_once(world: World) -> None:
    await world.post(LOST, "eins")
    world.matrix.failures[LOST.room_id] = [DeliveryError("gone", permanent=True)] * 2
    await world.delivery.deliver_due()
    await world.post(LOST, "zwei")
    await world.delivery.deliver_due()
    assert len(world.matrix.texts(SOUND)) == 1


async def test_a_lost_room_without_coordinators_says_so(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("Klima-Allianz", "en", "Europe/Berlin", NOW)
        await uow.rooms.add(p.id, CONSOLE, "Plenum", NOW)
        await uow.rooms.add(p.id, QUIET, "Orga", NOW)
        await uow.commit()
    console, telegram = Recorder("console"), Recorder("telegram")
    console.failures[CONSOLE.room_id] = [DeliveryError("gone", permanent=True)]
    telegram.failures[QUIET.room_id] = [DeliveryError("timeout")]
    clock = ManualClock(NOW)
    runtime = await bootstrap(database, clock, {"console": console, "telegram": telegram})
    async with database.uow() as uow:
        await uow.outbox.add(p.id, CONSOLE, Reply.of(Paragraph.of("eins")), NOW)
        await uow.commit()
    assert await runtime.delivery.deliver_due() == 0
    async with database.uow() as uow:
        (notice,) = await uow.outbox.pending()
    assert (notice.partnership_id, notice.room) == (p.id, QUIET)  # it belongs to the partnership
    clock.set(NOW + backoff(0))
    assert await runtime.delivery.deliver_due() == 1
    assert telegram.texts(QUIET)[1:] == [
        "The room Plenum (console) can no longer be reached – was I removed? Messages to it are "
        "on hold. Coordinators (-): please invite me again or unlink the room with /unlink."
    ]


async def test_failures_are_logged_with_the_message_and_the_room(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """What an operator greps for: the outbox uid, the room and the reason."""
    uid = await world.post(SOUND, "eins")
    world.matrix.failures[SOUND.room_id] = [DeliveryError("timeout")]
    await world.delivery.deliver_due()
    world.later(seconds=1)
    world.matrix.failures[SOUND.room_id] = [RuntimeError("bug")]
    await world.delivery.deliver_due()
    room = "RoomRef(platform='matrix', room_id='!sound:example.org')"
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.delivery"]
    assert messages[:2] == [
        f"delivery of {uid} to {room} failed: timeout",
        f"delivery of {uid} to {room} failed unexpectedly",
    ]
    assert await world.pending() == [("!sound:example.org", world.clock.now() + backoff(1), 2)]


async def test_other_rooms_go_out_side_by_side_with_a_failing_one(world: World) -> None:
    await world.post(LOST, "eins")
    await world.post(SOUND, "zwei")
    await world.post(ELSEWHERE, "drei", partnership_id=2)
    world.matrix.failures[LOST.room_id] = [DeliveryError("timeout")]
    assert await world.delivery.deliver_due() == 2
    assert sorted(room for room, _, _ in world.matrix.attempts) == sorted(
        r.room_id for r in (LOST, SOUND, ELSEWHERE)
    )


async def test_more_than_a_batch_goes_out_in_one_call(world: World) -> None:
    for n in range(60):
        await world.post(SOUND if n % 2 else ELSEWHERE, f"n{n}", partnership_id=1 + n % 2)
    assert await world.delivery.deliver_due() == 60
    assert world.matrix.texts(SOUND) == [f"n{n}" for n in range(1, 60, 2)]


async def test_a_platform_without_messenger_keeps_its_messages(world: World) -> None:
    await world.post(RoomRef("console", "main"), "eins")
    assert await world.delivery.deliver_due() == 0
    assert await world.pending() == [("main", NOW, 0)]


async def test_the_run_loop_sends_on_wake_and_when_a_retry_falls_due(database: Database) -> None:
    """The retry comes without a wake: the loop sleeps only until the next due message."""
    await _partnerships(database)
    clock, matrix = SystemClock(), Recorder("matrix")
    runtime = await bootstrap(database, clock, {"matrix": matrix})
    matrix.failures[SOUND.room_id] = [DeliveryError("flood", retry_after=0.2)]
    wake = asyncio.Event()
    loop = asyncio.create_task(runtime.delivery.run(wake))
    try:
        await asyncio.sleep(0.1)
        async with database.uow() as uow:
            uid = await uow.outbox.add(1, SOUND, Reply.of(Paragraph.of("eins")), clock.now())
            await uow.commit()
        wake.set()
        for _ in range(200):  # the bound only stops a broken test
            if len(matrix.attempts) >= 2:
                break
            await asyncio.sleep(0.05)
        assert [(txn, text) for _, txn, text in matrix.attempts] == [(uid, "eins")] * 2
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
