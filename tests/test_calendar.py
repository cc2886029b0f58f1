"""The .ics file: re-parsed with icalendar, it gives the right local times, stable UIDs,
a raised SEQUENCE after every change, a VTIMEZONE and STATUS:CANCELLED."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from bot.core.reply import Reply
from bot.domain.calendar import CalendarEvent, build_ics
from storage.database import Database
from tests.harness import ConsoleBot

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_local_times_survive_both_daylight_saving_changes() -> None:
    spring = datetime(2027, 3, 28, 14, 0, tzinfo=BERLIN)  # first day of summer time
    autumn = datetime(2027, 10, 31, 14, 0, tzinfo=BERLIN)  # first day of winter time
    data = build_ics(
        "Klima-Allianz",
        "Europe/Berlin",
        [
            CalendarEvent("a1", spring, "Treffen", "Kleve", "", 0, False, NOW),
            CalendarEvent("b2", autumn, "Treffen", "", "", 3, True, NOW),
        ],
        NOW,
    )
    calendar = icalendar.Calendar.from_ical(data)
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/Berlin"]
    first, second = _events(data)
    start = first.decoded("DTSTART")
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (14, 0, 7200)
    assert start.astimezone(UTC) == datetime(2027, 3, 28, 12, 0, tzinfo=UTC)
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert first.decoded("DTEND") - start == spring.replace(hour=16) - spring
    end = second.decoded("DTSTART")
    assert end.astimezone(UTC) == datetime(2027, 10, 31, 13, 0, tzinfo=UTC)
    assert str(first["UID"]) == "a1@partnerbot"
    assert (str(first["STATUS"]), int(first["SEQUENCE"])) == ("CONFIRMED", 0)
    assert (str(second["STATUS"]), int(second["SEQUENCE"])) == ("CANCELLED", 3)
    assert str(first["LOCATION"]) == "Kleve"
    assert "LOCATION" not in second


async def _calendar(bot: ConsoleBot) -> bytes:
    sender = Sender(Identity("console", "anna"), "anna", is_room_admin=True)
    event = MessageEvent(RoomRef("console", "main"), sender, "/kalender", "main")
    reply = await bot.app.handle(event)
    assert isinstance(reply, Reply)
    (attachment,) = reply.attachments
    assert (attachment.filename, attachment.mimetype) == ("treffen.ics", "text/calendar")
    return attachment.data


async def test_changes_keep_the_uid_and_raise_the_sequence(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    out = await bot.say(
        """
:admin anna
@anna: /setup Klima-Allianz
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /termin 28.3.2027 14 Uhr im Rathaus
"""
    )
    assert re.search(r"\n  \[file: treffen-2027-03-28\.ics, \d+ bytes\]$", out[-1])
    (first,) = _events(await _calendar(bot))
    assert first.decoded("DTSTART") == datetime(2027, 3, 28, 14, 0, tzinfo=BERLIN)
    assert int(first["SEQUENCE"]) == 0
    assert "Goch" in str(first["SUMMARY"])

    await bot.say("@anna: /verschieben 31.10.2027 um 10 Uhr")
    (moved,) = _events(await _calendar(bot))
    assert moved["UID"] == first["UID"]
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART").astimezone(UTC) == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)
    assert str(moved["LOCATION"]) == "Rathaus"

    await bot.say("@anna: /gastgeber ueberspringen")  # a planned meeting keeps its host
    (skipped,) = _events(await _calendar(bot))
    assert int(skipped["SEQUENCE"]) == 1
    assert "Goch" in str(skipped["SUMMARY"])

    await bot.say("@anna: /absagen Hochwasser\n@anna: /ja")
    (cancelled,) = _events(await _calendar(bot))
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 2)
    assert cancelled["UID"] == first["UID"]
