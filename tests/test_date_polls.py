"""Date polls through the whole bot (console rooms and platform votes through
`App.handle(PollVote)`), on SQLite and PostgreSQL: the poll in every room, votes merged by
person and member, closing, deciding, and what is refused."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select

from bot.core.events import Identity, PollVote, RoomRef, Sender
from bot.core.messenger import Messenger
from bot.core.reply import Poll, Reply
from storage.database import Database
from storage.models_polls import DatePollVoteRow
from tests.harness import ConsoleBot

SETUP = """
:admin anna
@anna: /gruenden Klima-Allianz Test
@anna: /mitglied neu Stadt Kleve
@anna: /mitglied neu Stadt Goch
@anna: /mitglied neu Gemeinde Uedem
@bernd: /ichbin Stadt Goch
@carla: /ichbin Stadt Kleve
@dora: /ichbin Gemeinde Uedem
"""
START = "@dora: /terminumfrage Di 1.12. 14 Uhr; Do 3.12. 10–12 Uhr; Mo 7.12. 14 Uhr; bis 28.11."


def vote(
    user: str, *keys: str, room: str = "main", poll: str = "datepoll:1", eid: str = ""
) -> PollVote:
    return PollVote(
        RoomRef("console", room), Sender(Identity("console", user), user), poll, keys, eid
    )


class Recorder:
    """Sends through the console and keeps every reply with its room, for the native poll
    the adapters would send."""

    def __init__(self, inner: Messenger) -> None:
        self.inner, self.platform = inner, inner.platform
        self.sent: list[tuple[str, Reply]] = []

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        self.sent.append((room.room_id, reply))
        await self.inner.send(room, reply, txn_id, answers)

    def polls(self) -> list[tuple[str, Poll]]:
        return [(room, r.poll) for room, r in self.sent if r.poll is not None]


async def started(database: Database, **options: str) -> tuple[ConsoleBot, Recorder]:
    found: list[Recorder] = []

    def senders(messengers: Mapping[str, Messenger]) -> Mapping[str, Messenger]:
        found.append(Recorder(messengers["console"]))
        return {"console": found[0]}

    bot = await ConsoleBot.start(database, senders=senders, **options)
    return bot, found[0]


async def count(database: Database, table: type) -> int:
    async with database.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_poll_goes_to_every_room_and_platform_votes_count_by_member(
    database: Database,
) -> None:
    bot, recorder = await started(database)
    await bot.say(SETUP + "@anna: /verbinden")
    code = bot.output[-1].split("Ihr Code: ")[1].split()[0]
    await bot.say(f":room second\n:admin anna\n@anna: /verbinden {code}\n:room main")
    said = await bot.say(START)
    assert [m.split(" bot:")[0] for m in said] == ["[main]", "[second]"]
    assert "1. Di., 01.12.2026, 14:00\n" in said[0].replace("  ", "")
    polls = recorder.polls()
    assert [(room, p.key, p.multiple, p.closed) for room, p in polls] == [
        ("main", "datepoll:1", True, False),
        ("second", "datepoll:1", True, False),
    ]
    assert [a.text for a in polls[0][1].answers] == [
        "Di., 01.12.2026, 14:00",
        "Do., 03.12.2026, 10:00 bis 12:00",
        "Mo., 07.12.2026, 14:00",
    ]
    # carla votes natively in the second room, then changes her mind; bernd by command
    assert await bot.app.handle(vote("carla", "1", "3", room="second", eid="$e1")) is None
    assert await bot.app.handle(vote("carla", "3", room="second", eid="$e2")) is None
    await bot.say("@bernd: /abstimmen 2 3")
    state = await bot.text("@anna: /terminumfrage")
    assert "1. Di., 01.12.2026, 14:00 – noch kein Mitglied" in state
    assert (
        "3. Mo., 07.12.2026, 14:00 – 2 von 3 Mitgliedern können: Stadt Goch, Stadt Kleve" in state
    )
    assert "Noch keine Antwort von: Gemeinde Uedem." in state
    assert await count(database, DatePollVoteRow) == 2
    # the same platform event delivered again after a crash changes nothing
    again = vote("carla", "1", room="second", eid="$e2")
    again = PollVote(again.room, again.sender, again.poll_key, again.answer_keys, "$e2", True)
    assert await bot.app.handle(again) is None
    assert "2 von 3 Mitgliedern können: Stadt Goch, Stadt Kleve" in await bot.text(
        "@anna: /terminumfrage"
    )
