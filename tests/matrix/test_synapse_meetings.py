"""A meeting through a real Synapse: scheduled with its .ics as a file, an agenda, a reminder
at its time, the meeting held in meeting mode, and the minutes posted as files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nio import DownloadResponse

from bot.core.clock import ManualClock
from tests.matrix.helpers import BotUnderTest, Person, Seen

BERLIN = ZoneInfo("Europe/Berlin")


async def _download(person: Person, seen: Seen) -> bytes:
    answer = await person.client.download(mxc=seen.content["url"])
    assert isinstance(answer, DownloadResponse), answer
    return bytes(answer.body)


def _files(person: Person, room_id: str, bot: BotUnderTest, suffix: str) -> list[Seen]:
    return [s for s in person.from_user(room_id, bot.user_id, "file") if s.body.endswith(suffix)]


async def test_a_meeting_from_schedule_to_minutes(
    bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    start = datetime.now(UTC)
    clock = bot.clock = ManualClock(start)
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    service = await bot.start()
    assert bot.runtime is not None
    app = bot.runtime.app
    room_id = await anna.create_room("Klima-Allianz Rhein", invite=(bot.user_id,))
    await anna.joined(room_id, bot.user_id)
    await bot.in_room(room_id)
    await anna.bring_in(room_id, bernd)

    await anna.ask(room_id, bot.user_id, "!setup Klima-Allianz Rhein")
    await anna.say(room_id, "!mitglied neu Goch")
    await anna.wait_for(room_id, bot.user_id, "Goch ist jetzt Mitglied")
    await anna.say(room_id, "!mitglied neu Kleve")
    await anna.wait_for(room_id, bot.user_id, "Kleve ist jetzt Mitglied")
    await anna.say(room_id, "!ichbin Goch")
    await anna.wait_for(room_id, bot.user_id, "Goch")
    await bernd.say(room_id, "!ichbin Kleve")
    await bernd.wait_for(room_id, bot.user_id, "Kleve")

    # Scheduled: the announcement carries the calendar entry as an m.file.
    day = (start.astimezone(BERLIN) + timedelta(days=10)).date()
    await anna.say(room_id, f"!termin {day:%d.%m.%Y} 10:00 im Rathaus Goch")
    ics = (await anna.wait_until(lambda: _files(anna, room_id, bot, ".ics")))[0]
    assert ics.content["info"]["mimetype"].startswith("text/calendar")
    calendar = (await _download(anna, ics)).decode()
    assert "BEGIN:VCALENDAR" in calendar and "Rathaus Goch" in calendar
    assert f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T100000" in calendar

    # The agenda; a direct reply names the command it answers.
    await bernd.say(room_id, "!tagesordnung neu Radverkehrskonzept abstimmen #mobilität")
    await bernd.wait_for(room_id, bot.user_id, "Radverkehrskonzept abstimmen")
    asked = await anna.say(room_id, "!tagesordnung")
    agenda = await anna.wait_until(
        lambda: [
            s
            for s in anna.from_user(room_id, bot.user_id, "notice")
            if s.content.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id") == asked
        ]
    )
    assert "1. Radverkehrskonzept abstimmen" in agenda[0].body

    # A reminder goes out when its time has come, not before.
    await anna.say(room_id, f"!erinnern {day - timedelta(days=2):%d.%m.%Y} 09:00 Unterlagen lesen")
    await anna.wait_for(room_id, bot.user_id, "Unterlagen lesen")
    await app.fire_timers()
    assert not [s for s in anna.from_user(room_id, bot.user_id) if "Erinnerung von" in s.body]
    clock.set(
        datetime.combine(day - timedelta(days=2), datetime.min.time(), BERLIN).replace(hour=9)
    )
    await app.fire_timers()
    reminder = await bernd.wait_for(room_id, bot.user_id, "Erinnerung von")
    assert "Unterlagen lesen" in reminder.body

    # The meeting's day: meeting mode, then the minutes as Markdown and HTML files.
    clock.set(datetime.combine(day, datetime.min.time(), BERLIN).replace(hour=9, minute=55))
    await anna.say(room_id, "!sitzungsbeginn")
    await anna.wait_for(room_id, bot.user_id, "Sitzung begonnen")
    for line, echo in (
        ("!anwesend", "Goch ist anwesend"),
        ("!anwesend Kleve", "Kleve ist anwesend"),
        ("!thema 1", "Radverkehrskonzept"),
        ("!beschluss Gemeinsames Konzept <b>beauftragen</b>", "Beschluss notiert"),
        ("!aufgabe Kleve Angebote einholen", "Aufgabe für Kleve"),
    ):
        await anna.say(room_id, line)
        await anna.wait_for(room_id, bot.user_id, echo)
    await anna.say(room_id, "!sitzungsende")
    await anna.wait_for(room_id, bot.user_id, "Sitzung beendet")
    markdown = (await anna.wait_until(lambda: _files(anna, room_id, bot, ".md")))[0]
    html = (await anna.wait_until(lambda: _files(anna, room_id, bot, ".html")))[0]
    assert markdown.body == f"Protokoll-{day:%Y-%m-%d}.md"
    minutes = (await _download(anna, markdown)).decode()
    assert "Gemeinsames Konzept" in minutes and "Angebote einholen" in minutes
    page = (await _download(anna, html)).decode()
    assert "&lt;b&gt;beauftragen&lt;/b&gt;" in page and "<b>beauftragen</b>" not in page
    assert service.connected()
