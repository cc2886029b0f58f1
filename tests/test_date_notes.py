"""What the bot points out about a meeting's day: weekends, the Bundesland's holidays,
Christmas and New Year's Eve, night hours; nothing on an ordinary working day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.date_notes import STATES, DateNote, Note, notes_for

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("when", "state", "language", "notes"),
    [
        (at("2027-03-16"), "NW", "de", ()),
        (at("2027-03-13"), "NW", "de", (DateNote(Note.WEEKEND),)),
        (at("2027-03-14"), "", "de", (DateNote(Note.WEEKEND),)),
        (at("2027-11-01"), "NW", "de", (DateNote(Note.HOLIDAY, "Allerheiligen"),)),
        (at("2027-11-01"), "NW", "en", (DateNote(Note.HOLIDAY, "All Saints' Day"),)),
        (at("2027-11-01"), "HH", "de", ()),
        (at("2027-11-01"), "", "de", ()),
        (at("2027-11-01"), "XX", "de", ()),
        (
            at("2027-10-03"),
            "",
            "de",
            (DateNote(Note.WEEKEND), DateNote(Note.HOLIDAY, "Tag der Deutschen Einheit")),
        ),
        (at("2027-12-24"), "NW", "de", (DateNote(Note.EVE),)),
        (at("2027-12-31"), "BY", "de", (DateNote(Note.EVE),)),
        (at("2027-12-23"), "BY", "de", ()),
        (at("2027-03-16", 3), "NW", "de", (DateNote(Note.NIGHT),)),
        (at("2027-03-16", 5), "NW", "de", (DateNote(Note.NIGHT),)),
        (at("2027-03-16", 6), "NW", "de", ()),
        (at("2027-03-16", 21), "NW", "de", ()),
        (at("2027-03-16", 22), "NW", "de", (DateNote(Note.NIGHT),)),
        (at("2027-03-12"), "NW", "de", ()),
        (at("2027-03-26"), "NW", "de", (DateNote(Note.HOLIDAY, "Karfreitag"),)),
    ],
)
def test_notes(when: datetime, state: str, language: str, notes: tuple[DateNote, ...]) -> None:
    assert notes_for(when, state, language) == notes


def test_the_states_are_the_sixteen_laender() -> None:
    assert len(STATES) == 16 and "NW" in STATES and "BY" in STATES


def test_holidays_are_named_in_english_for_an_english_partnership() -> None:
    assert notes_for(at("2026-12-25"), "NW", "en") == (DateNote(Note.HOLIDAY, "Christmas Day"),)
    assert notes_for(at("2026-10-03"), "", "en")[1] == DateNote(Note.HOLIDAY, "German Unity Day")
