"""Date polls through the whole bot (console rooms and platform votes through
`App.handle(PollVote)`), on SQLite and PostgreSQL: the poll in every room, votes merged by
person and member, closing, deciding, and what is refused."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from sqlalchemy import func, select

from bot.core.events import Identity, PollVote, RoomRef, Sender
from bot.core.messenger import Messenger
from bot.core.reply import Poll, Reply
from storage.database import Database
from storage.models_polls import DatePollRow, DatePollVoteRow
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


def deadline_of(message: str) -> str:
    """The deadline as the start message says it ("Bitte geben Sie bis <when> an")."""
    return message.split("Bitte geben Sie bis ")[1].split(" an,")[0]


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
    # Element and Telegram show only the native poll: the question names host and deadline
    assert polls[0][1].question.startswith("Wann können Sie zum nächsten Treffen (Gastgeber: ")
    assert polls[0][1].question.endswith("? Antworten bis " + deadline_of(said[0]) + ".")
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
    # a vote taken back on the platform: as if never answered
    assert await bot.app.handle(vote("dora", "1", eid="$d1")) is None
    assert "Alle Mitglieder haben geantwortet." in await bot.text("@anna: /terminumfrage")
    assert await bot.app.handle(vote("dora", eid="$d2")) is None
    assert "Noch keine Antwort von: Gemeinde Uedem." in await bot.text("@anna: /terminumfrage")
    # the same platform event delivered again after a crash changes nothing
    again = vote("carla", "1", room="second", eid="$e2")
    again = PollVote(again.room, again.sender, again.poll_key, again.answer_keys, "$e2", True)
    assert await bot.app.handle(again) is None
    assert "2 von 3 Mitgliedern können: Stadt Goch, Stadt Kleve" in await bot.text(
        "@anna: /terminumfrage"
    )


async def two_rooms(database: Database, **options: str) -> tuple[ConsoleBot, Recorder]:
    bot, recorder = await started(database, **options)
    await bot.say(SETUP + "@anna: /verbinden")
    code = bot.output[-1].split("Ihr Code: ")[1].split()[0]
    await bot.say(f":room second\n:admin anna\n@anna: /verbinden {code}\n:room main")
    return bot, recorder


async def test_closing_ends_the_polls_everywhere_and_deciding_schedules_the_meeting(
    database: Database,
) -> None:
    bot, recorder = await two_rooms(database)
    await bot.say(START)
    await bot.app.handle(vote("bernd", "2", room="second", eid="$b"))
    await bot.say("@carla: /abstimmen 2 3")
    closing = await bot.say("@anna: /terminumfrage schliessen")
    assert [m.split(" bot:")[0] for m in closing] == ["[main]", "[second]"]
    assert "Vorschlag: **" not in closing[0]
    assert (
        "Vorschlag: Do., 03.12.2026, 10:00 bis 12:00 – da können 2 von 3 Mitgliedern." in closing[0]
    )
    ended = [(room, p.key) for room, p in recorder.polls() if p.closed]
    assert ended == [("main", "datepoll:1"), ("second", "datepoll:1")]
    decide = [r.buttons for room, r in recorder.sent if r.poll is not None and r.poll.closed]
    assert decide[0][0].command == "/terminumfrage festlegen 2"
    # a vote that arrives after closing (the platform poll was still open) does not count
    late = await bot.app.handle(vote("dora", "1", room="second", eid="$late"))
    assert late is not None
    assert await count(database, DatePollVoteRow) == 2
    await bot.delivery.deliver_due()
    assert "Die Terminumfrage ist schon geschlossen" in bot.output[-1]
    assert bot.output[-1].startswith("[second]")
    # the button's command, as dora (the host's contact person) presses it
    announced = await bot.say("@dora: /terminumfrage festlegen 2")
    assert [m.split(" bot:")[0] for m in announced] == ["[main]", "[second]"]
    assert all("Neues Treffen: Do., 03.12.2026, 10:00 bis 12:00" in m for m in announced)
    assert all("[file: treffen-2026-12-03.ics" in m for m in announced)
    # nothing fires at the old deadline; the result stays readable
    later = await bot.say(":time 2026-11-29 09:00")
    assert later and not any("Terminumfrage" in m for m in later)  # the meeting's own do
    state = await bot.text("@bernd: /terminumfrage")
    assert "Festgelegt wurde: **Do., 03.12.2026, 10:00 bis 12:00**." not in state
    assert "Festgelegt wurde: Do., 03.12.2026, 10:00 bis 12:00." in state


async def test_a_vote_only_ever_reaches_the_poll_of_its_own_partnership(database: Database) -> None:
    bot, _ = await started(database)
    await bot.say(SETUP + START)
    await bot.say(
        ":room other\n:admin olga\n@olga: /gruenden Andere Allianz\n@olga: /mitglied neu Xanten\n@olga: /ichbin Xanten"
    )
    # olga's room belongs to another partnership: the key of this one's poll is refused
    answer = await bot.app.handle(vote("olga", "1", room="other", eid="$x"))
    assert answer is not None
    assert await count(database, DatePollVoteRow) == 0
    # another kind of poll nobody registered, and a room of no partnership: ignored
    assert await bot.app.handle(vote("carla", "1", poll="invitation:1", eid="$y")) is None
    assert await bot.app.handle(vote("carla", "1", room="nowhere", eid="$z")) is None
    assert await count(database, DatePollVoteRow) == 0


async def test_votes_survive_a_restart_and_a_person_who_left_no_longer_counts(
    database: Database,
) -> None:
    bot, _ = await started(database)
    await bot.say(SETUP + START + "\n@bernd: /abstimmen 1\n@carla: /abstimmen 1 2")
    again = await ConsoleBot.start(database, now="2026-11-24 10:00")
    state = await again.text("@anna: /terminumfrage")
    assert (
        "1. Di., 01.12.2026, 14:00 – 2 von 3 Mitgliedern können: Stadt Goch, Stadt Kleve" in state
    )
    await again.say(":admin anna\n@anna: /kontakt entfernen Stadt Goch bernd")
    state = await again.text("@anna: /terminumfrage")
    assert (
        "1. Di., 01.12.2026, 14:00 – 1 von 3 Mitgliedern kann: Stadt Kleve (außerdem ohne Mitglied: bernd)"
        in state
    )
    assert "Noch keine Antwort von diesen 2 Mitgliedern: Gemeinde Uedem, Stadt Goch." in state
    # the reminders were planned in the database: the restarted bot sends them
    reminded = await again.say(":time 2026-11-26 19:00")
    assert len(reminded) == 1
    assert reminded[0].startswith(
        "[main] bot: Die Terminumfrage läuft noch bis Sa., 28.11.2026, 18:00, und von 2 Mitgliedern fehlt noch eine Antwort: Gemeinde Uedem, Stadt Goch."
    )
    assert reminded[0].endswith("An: dora")


BAD = [
    (
        "@bernd: /terminumfrage 1.12. 14 Uhr; 3.12. 10 Uhr",
        "Eine Terminumfrage starten die Koordination und die Ansprechpartner*innen von Gemeinde Uedem",
    ),
    (
        "@dora: /terminumfrage 1.12. 14 Uhr",
        "Ich habe nur eine Zeit erkannt; eine Terminumfrage braucht 2 bis 10 Zeiten",
    ),
    (
        "@dora: /terminumfrage " + "; ".join(f"{d}.12. 14 Uhr" for d in range(1, 12)),
        "Ich habe 11 Zeiten erkannt; eine Terminumfrage braucht 2 bis 10 Zeiten",
    ),
    (
        "@dora: /terminumfrage 1.12. 14 Uhr; 1.12. 14:00",
        "Die Zeit Di., 01.12.2026, 14:00 steht zweimal in der Liste",
    ),
    (
        "@dora: /terminumfrage 20.11.2026 14 Uhr; 3.12. 10 Uhr",
        "Ich habe Fr., 20.11.2026, 14:00 verstanden – das liegt in der Vergangenheit.",
    ),
    (
        "@dora: /terminumfrage 1.12. 14 Uhr; 3.12. 10 Uhr; bis 5.12.",
        "Die Frist (Sa., 05.12.2026, 18:00) muss vor der ersten Zeit",
    ),
    (
        "@dora: /terminumfrage 1.12. 14 Uhr; 3.12. 10 Uhr; bis 22.11.2026",
        "Ich habe So., 22.11.2026, 18:00 verstanden – das liegt in der Vergangenheit.",
    ),
    (
        "@dora: /terminumfrage 1.12. 14 Uhr; 3.12. 10 Uhr; bis 26.11.; bis 27.11.",
        "Bitte nennen Sie nur eine Frist",
    ),
    (
        "@dora: /terminumfrage 24.11. 9 Uhr; 3.12. 10 Uhr",
        "Die erste Zeit (Di., 24.11.2026, 09:00) ist zu bald für eine Umfrage",
    ),
    ("@dora: /abstimmen 1", "Es gibt noch keine Terminumfrage."),
    ("@dora: /terminumfrage schliessen", "Es gibt noch keine Terminumfrage."),
]


@pytest.mark.parametrize(("line", "answer"), BAD, ids=range(len(BAD)))
async def test_bad_input_gets_a_clear_answer_and_stores_nothing(
    sqlite_database: Database, line: str, answer: str
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    said = await bot.say(line)
    assert len(said) == 1 and answer in said[0]
    assert "\n" not in said[0]
    assert await count(sqlite_database, DatePollRow) == 0


async def test_votes_after_closing_a_second_poll_and_unknown_numbers(database: Database) -> None:
    bot, _ = await started(database)
    await bot.say(SETUP + START)
    assert (
        "Es läuft schon eine Terminumfrage (Antworten bis Sa., 28.11.2026, 18:00)."
        in await bot.text(START)
    )
    assert (
        (await bot.text("@carla: /abstimmen 1 7")).split("bot: ")[1]
        == "Eine Zeit Nr. 7 gibt es in der Umfrage nicht; die Zeiten haben die Nummern 1 bis 3. Beispiel: /abstimmen 1 3"
    )
    await bot.say("@anna: /terminumfrage schliessen")
    assert (
        "Die Terminumfrage ist schon geschlossen; Antworten zählen nicht mehr."
        in await bot.text("@carla: /abstimmen 1")
    )
    assert await count(database, DatePollVoteRow) == 0
    assert await count(database, DatePollRow) == 1


async def test_in_english(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Alliance\n@anna: /member add Kleve\n@anna: /member add Goch\n"
        "@bernd: /iam Goch\n@carla: /iam Kleve"
    )
    said = await bot.text(
        "@bernd: /datepoll Tuesday 1 Dec 2pm\n  Thursday 3 Dec 10am–12pm\n  until 27 Nov"
    )
    assert said.startswith(
        "[main] bot: bernd started a date poll for the next meeting (host: Goch). Please say by Fri, 27 Nov 2026, 18:00 which times you can attend"
    )
    assert "/vote 1 2; /vote none means none of the times" in said
    assert (
        "Thank you, carla! Noted for Kleve: 2. Thu, 3 Dec 2026, 10:00 to 12:00."
        in await bot.text("@carla: /vote 2")
    )
    assert "Thank you, bernd! Noted for Goch: none of the times suits." in await bot.text(
        "@bernd: /vote none"
    )
    closed = await bot.text("@bernd: /datepoll close")
    assert "Proposal: Thu, 3 Dec 2026, 10:00 to 12:00 – 1 of 2 members can attend." in closed
    assert "New meeting: Thu, 3 Dec 2026, 10:00 to 12:00" in await bot.text(
        "@bernd: /datepoll decide"
    )


async def test_while_a_poll_runs_the_nudge_to_schedule_waits(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    assert "den nächsten Termin zu planen" in await bot.text("@anna: /erinnerungen")
    await bot.say(START)
    planned = await bot.text("@anna: /erinnerungen")
    assert "den nächsten Termin zu planen" not in planned
    assert "Do., 26.11.2026, 18:00 – an die Terminumfrage (Mitglieder ohne Antwort)" in planned
    assert "Sa., 28.11.2026, 18:00 – an das Ende der Terminumfrage" in planned
    await bot.say("@anna: /terminumfrage schliessen")
    assert "den nächsten Termin zu planen" in await bot.text("@anna: /erinnerungen")


async def test_a_person_who_is_forgotten_takes_their_answers_along(database: Database) -> None:
    bot, recorder = await started(database)
    await bot.say(SETUP + START + "\n@bernd: /abstimmen 1\n@carla: /abstimmen 1")
    await bot.say("@bernd: /meinedaten")
    data = recorder.sent[-1][1].attachments[0].data.decode()
    assert '"date_poll_vote"' in data and '"numbers": "1"' in data
    await bot.say("@bernd: /vergissmich\n@bernd: /ja")
    assert await count(database, DatePollVoteRow) == 1
    state = await bot.text("@anna: /terminumfrage")
    assert "1. Di., 01.12.2026, 14:00 – 1 von 3 Mitgliedern kann: Stadt Kleve" in state
    assert "bernd" not in state


async def test_after_the_deadline_the_nudge_to_schedule_comes_back(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + START)
    closed = await bot.say(":time 2026-11-28 18:01")
    assert any("Die Frist der Terminumfrage ist abgelaufen" in m for m in closed)
    assert "den nächsten Termin zu planen" in await bot.text("@carla: /erinnerungen")
