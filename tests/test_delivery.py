"""The outbox sender: retries what failed for now, gives up on rooms that are gone, and
tells the coordinators in the partnership's other rooms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from bot.adapters.console.adapter import ConsoleMessenger
from bot.bootstrap import bootstrap
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError, Messenger
from bot.core.render import render_plain
from bot.core.reply import Reply
from bot.delivery import backoff
from storage.database import Database
from tests.harness import ConsoleBot, heads


class FlakyRoom:
    """A console messenger for which one room fails, temporarily or for good."""

    platform = "console"

    def __init__(self, inner: Messenger, room: str, permanent: bool, failures: int) -> None:
        self.inner = inner
        self.room = room
        self.permanent = permanent
        self.failures = failures
        self.attempts: list[str] = []

    def fail(self, failures: int) -> None:
        """From now on: fail this many times; attempts are counted afresh."""
        self.failures = failures
        self.attempts.clear()

    async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
        self.attempts.append(room.room_id)
        if room.room_id == self.room and self.failures > 0:
            self.failures -= 1
            raise DeliveryError("gone" if self.permanent else "timeout", permanent=self.permanent)
        await self.inner.send(room, reply, txn_id)


async def _started(
    database: Database, kind: type[FlakyRoom], permanent: bool
) -> tuple[ConsoleBot, FlakyRoom]:
    """A console bot whose deliveries to room "zwei" fail once told to."""
    made: list[FlakyRoom] = []

    def senders(messengers: Mapping[str, Messenger]) -> dict[str, Messenger]:
        made.append(kind(messengers["console"], "zwei", permanent=permanent, failures=0))
        return {"console": made[0]}

    bot = await ConsoleBot.start(database, senders=senders)
    return bot, made[0]


async def _two_rooms(bot: ConsoleBot) -> None:
    await bot.say(":admin anna\n@anna: /setup Klima-Allianz")
    code = re.search(r"Code: (\w{8})", (await bot.say("@anna: /link"))[0])
    assert code
    await bot.say(f":room zwei\n:admin anna\n@anna: /link {code.group(1)}\n:room main")


async def test_temporary_failures_are_retried_with_backoff(sqlite_database: Database) -> None:
    bot, flaky = await _started(sqlite_database, FlakyRoom, permanent=False)
    await _two_rooms(bot)
    flaky.fail(2)
    out = heads(await bot.say("@anna: /member add Kleve"))
    assert out == ["[main] bot: Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von anna)."]
    async with sqlite_database.uow() as uow:
        (pending,) = await uow.outbox.pending()
    assert pending.room.room_id == "zwei" and pending.attempts == 1
    assert pending.next_attempt_at == bot.clock.now() + backoff(0)
    # Not yet due: nothing is sent again.
    assert await bot.delivery.deliver_due() == 0
    bot.clock.set(bot.clock.now() + timedelta(seconds=1))
    assert await bot.delivery.deliver_due() == 0  # second failure, now 2 s backoff
    bot.clock.set(bot.clock.now() + timedelta(seconds=2))
    assert await bot.delivery.deliver_due() == 1
    assert (
        heads(bot.output)[-1]
        == "[zwei] bot: Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von anna)."
    )
    assert flaky.attempts.count("zwei") == 3 and flaky.attempts.count("main") == 1
    async with sqlite_database.uow() as uow:
        assert await uow.outbox.pending() == []


async def test_a_room_that_is_gone_is_marked_and_coordinators_told(
    sqlite_database: Database,
) -> None:
    bot, flaky = await _started(sqlite_database, FlakyRoom, permanent=True)
    await _two_rooms(bot)
    flaky.fail(99)
    out = heads(await bot.say("@anna: /member add Kleve"))
    assert out == [
        "[main] bot: Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von anna).",
        "[main] bot: Der Raum zwei (Konsole) ist für mich nicht mehr erreichbar – wurde ich "
        "entfernt? Nachrichten dorthin ruhen. Koordination (anna): bitte laden Sie mich wieder "
        "ein oder trennen Sie den Raum mit /trennen.",
    ]
    async with sqlite_database.uow() as uow:
        (failed,) = await uow.outbox.failed()
        rooms = {r.ref.room_id: r.active for r in await uow.rooms.of_partnership(1)}
    assert failed.room.room_id == "zwei" and rooms == {"main": True, "zwei": False}
    # Later announcements skip the inactive room; /rooms shows it as unreachable.
    out = await bot.say("@anna: /member add Goch\n@anna: /rooms")
    assert len(out) == 2 and "zwei (Konsole, seit 23.11.2026, nicht erreichbar)" in out[1]
    assert flaky.attempts.count("zwei") == 1


async def test_outbox_survives_a_restart_of_the_sender(sqlite_database: Database) -> None:
    """Messages written while no sender runs are delivered once by the next one."""
    bot = await ConsoleBot.start(sqlite_database, senders=lambda _messengers: {})
    await bot.say(":admin anna\n@anna: /setup Klima-Allianz")
    sent: list[str] = []
    await bot.say("@anna: /member add Kleve")
    assert await bot.delivery.deliver_due() == 0
    restarted = await bootstrap(
        sqlite_database, bot.clock, {"console": ConsoleMessenger(sent.append)}
    )
    fresh = restarted.delivery
    assert await fresh.deliver_due() == 2  # the reply to /setup, then the announcement
    assert await fresh.deliver_due() == 0
    assert heads(sent)[1:] == [
        "[main] bot: Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von anna)."
    ]
    assert "Klima-Allianz" in sent[0]


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in range(4)] == [1, 2, 4, 8]
    assert backoff(50) == timedelta(hours=1)


def test_outbox_command_lists_pending(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path / 'o.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade", "--db", db],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "outbox", "--db", db],
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout.startswith("pending: 0, failed: 0")
    assert render_plain(Reply.of()) == ""


async def test_a_lost_room_that_speaks_again_is_reachable_again(sqlite_database: Database) -> None:
    bot, flaky = await _started(sqlite_database, FlakyRoom, permanent=True)
    await _two_rooms(bot)
    flaky.fail(1)
    await bot.say("@anna: /member add Kleve")
    out = await bot.say(":room zwei\n@anna: /rooms")
    assert "nicht erreichbar" not in out[0]
    out = await bot.say("@anna: /member add Goch")
    assert [m.split(" bot:")[0] for m in out] == ["[main]", "[zwei]"]


class BrokenRoom(FlakyRoom):
    """A messenger with a bug for one room: it raises something that is no DeliveryError."""

    async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
        self.attempts.append(room.room_id)
        if room.room_id == self.room and self.failures > 0:
            self.failures -= 1
            raise RuntimeError("bug")
        await self.inner.send(room, reply, txn_id)


async def test_a_messenger_bug_in_one_room_costs_the_other_rooms_nothing(
    sqlite_database: Database,
) -> None:
    """Rooms are sent side by side: the sound room's message is recorded as sent (not sent
    again), the broken room's is retried later like a temporary failure."""
    bot, broken = await _started(sqlite_database, BrokenRoom, permanent=False)
    await _two_rooms(bot)
    broken.fail(1)
    await bot.say("@anna: /member add Kleve")
    async with sqlite_database.uow() as uow:
        (pending,) = await uow.outbox.pending()
    assert pending.room.room_id == "zwei" and pending.last_error == "RuntimeError"
    bot.clock.set(bot.clock.now() + backoff(0))
    assert await bot.delivery.deliver_due() == 1
    assert broken.attempts.count("main") == 1 and broken.attempts.count("zwei") == 2
