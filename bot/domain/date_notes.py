"""What a careful colleague points out about a meeting's day: a weekend, a public holiday
of the partnership's Bundesland, Christmas or New Year's Eve, a night hour. Pointed out,
never refused: a partnership may well meet on a Saturday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import holidays

STATES: tuple[str, ...] = tuple(
    s for s in holidays.country_holidays("DE").subdivisions if len(s) == 2
)
"""The Bundesländer by their two-letter code (NW, BY, ...)."""
NIGHT_FROM, NIGHT_UNTIL = 22, 6


class Note(Enum):
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    EVE = "eve"
    NIGHT = "night"


@dataclass(frozen=True)
class DateNote:
    note: Note
    name: str = ""
    """The holiday's name in the partnership's language."""


def notes_for(wall: datetime, state: str, language: str) -> tuple[DateNote, ...]:
    """The notes on a local wall-clock time; `state` "" means the nation-wide holidays."""
    found: list[DateNote] = []
    if wall.weekday() >= 5:
        found.append(DateNote(Note.WEEKEND))
    calendar = holidays.country_holidays(
        "DE",
        subdiv=state if state in STATES else None,
        years=wall.year,
        language="de" if language == "de" else "en_US",
    )
    name = calendar.get(wall.date())
    if name:
        found.append(DateNote(Note.HOLIDAY, str(name)))
    if (wall.month, wall.day) in ((12, 24), (12, 31)):
        found.append(DateNote(Note.EVE))
    if wall.hour >= NIGHT_FROM or wall.hour < NIGHT_UNTIL:
        found.append(DateNote(Note.NIGHT))
    return tuple(found)
