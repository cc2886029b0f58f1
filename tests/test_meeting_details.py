"""What a meeting needs: an end, an address apart from the host's name and an online link,
in the announcement, in /naechstes and in the calendar file (DTEND, LOCATION, URL,
CONFERENCE)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from bot.channels.chat_meetings import moved, scheduled
from bot.core.render import render_plain
from bot.i18n import Catalog
from bot.i18n.meetings import meeting_file
from bot.i18n.texts import Texts
from bot.usecases import meetings
from storage.database import Database
from tests.harness import ConsoleBot
from tests.test_calendar import _calendar, _events
from tests.test_meetings_identity import _world

BERLIN = ZoneInfo("Europe/Berlin")
SETUP = """
:admin anna
@anna: /setup Klima-Allianz
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
"""
LINK = "https://meet.example.org/klima-allianz"


async def test_address_and_link_are_shown_and_in_the_calendar(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    out = await bot.text(f"@anna: /termin 28.3.2027 14 Uhr in Rathaus Goch, Markt 2 {LINK}")
    assert "Neues Treffen: So., 28.03.2027, 14:00 im Rathaus Goch, Markt 2" in out, out
    assert f"Online: {LINK}" in out
    shown = await bot.text("@anna: /naechstes")
    assert "im Rathaus Goch, Markt 2." in shown and f"Online: {LINK}" in shown, shown
    listed = await bot.text("@anna: /treffen")
    assert "1. So., 28.03.2027, 14:00 — Rathaus Goch, Markt 2 — Gastgeber: Goch" in listed
    (event,) = _events(await _calendar(bot))
    assert str(event["LOCATION"]) == "Rathaus Goch, Markt 2"
    assert str(event["URL"]) == LINK and str(event["CONFERENCE"]) == LINK
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=2)
    # a new link alone is a change too; time, place and address stay
    new_link = LINK + "-2"
    out = await bot.text(f"@anna: /verschieben 28.3.2027 14 Uhr {new_link}")
    assert "im Rathaus Goch, Markt 2" in out and f"Online: {new_link}" in out, out


async def test_a_meeting_with_an_end_keeps_its_length_when_moved() -> None:
    world = await _world()
    call = world.call()
    start = datetime(2027, 3, 12, 10, 0, tzinfo=BERLIN)
    details = meetings.Details(start + timedelta(hours=1, minutes=30), "Markt 2", LINK)
    event = await meetings.schedule(call, meetings.ScheduleMeeting(start, "Rathaus", details))
    assert isinstance(event, meetings.MeetingScheduled)
    texts = Texts(Catalog.load(), "de", "Europe/Berlin")
    told = render_plain(scheduled(texts, event, call.now))
    assert "Fr., 12.03.2027, 10:00 bis 11:30 im Rathaus, Markt 2" in told, told
    data = meeting_file(texts, call.partnership, event.meeting, event.host, call.now).data
    (ics,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert ics.decoded("DTEND") == datetime(2027, 3, 12, 11, 30, tzinfo=BERLIN)
    later = start + timedelta(days=7)
    again = await meetings.move(call, meetings.MoveMeeting(later))
    assert isinstance(again, meetings.MeetingMoved)
    assert again.meeting.ends_at == later + timedelta(hours=1, minutes=30)
    assert (again.meeting.address, again.meeting.online_url) == ("Markt 2", LINK)
    assert "Fr., 19.03.2027, 10:00 bis 11:30" in render_plain(moved(texts, again, call.now))


async def test_reminders_name_the_address_link_and_minute_taker(
    sqlite_database: Database,
) -> None:
    """The reminders say what the announcements say: where, the link, who writes."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@carla: /ichbin Kleve\n@bernd: /ichbin Goch")
    await bot.say(f"@anna: /termin 10.12. 14 Uhr in Rathaus Goch, Markt 2 {LINK}")
    await bot.say("@anna: /protokollant carla")
    (event,) = _events(await _calendar(bot))
    assert "Gastgeber: Goch. Protokoll: carla." in str(event["DESCRIPTION"])
    out = await bot.text(":time 2026-11-26 14:00")
    assert "Do., 10.12.2026, 14:00, Rathaus Goch, Markt 2." in out, out
    assert "Gastgeber: Goch. Protokoll: carla." in out and f"Online: {LINK}" in out, out
    out = await bot.say(":time 2026-12-14 12:00")
    (due,) = [m for m in out if "Das Protokoll des Treffens" in m]
    assert "carla schreibt es (Gastgeber war Goch)" in due and due.endswith("An: carla"), due
    attached = await bot.text("@carla: /protokoll neu Anwesend: Goch, Kleve")
    assert "Protokoll angehängt" in attached, attached  # the minute-taker may attach them
