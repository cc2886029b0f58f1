"""Meeting dates typed by people, in German or English, read with dateparser.

dateparser does the real work; this module only smooths German phrases it misses ("14 Uhr",
"um 10", "nächsten Donnerstag", "am 2. März"), decides whether a time was really given,
and turns the wall-clock result into an aware datetime in the partnership's zone, refusing
times that a daylight-saving change skips.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import partial
from zoneinfo import ZoneInfo

import dateparser

from bot.core.text import clean

MAX_DATE_TEXT = 200
MAX_AHEAD = timedelta(days=3 * 366)


class Problem(Enum):
    NOT_UNDERSTOOD = "not_understood"
    NO_TIME = "no_time"
    PAST = "past"
    TOO_FAR = "too_far"
    NONEXISTENT = "nonexistent"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class DateReading:
    """What a date text was read as: `at` is set exactly when it can be used.

    `wall` is the local wall-clock time that was understood (also for problems), so a
    refusal can say what the bot made of the text; for a time skipped by a daylight-saving
    change it keeps the fields as typed."""

    at: datetime | None
    wall: datetime | None = None
    problem: Problem | None = None
    end: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


_WEEKDAYS = (
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_PREPROCESS: list[tuple[re.Pattern[str], str]] = [
    # "14 Uhr", "14.30 Uhr", "9:15 Uhr" -> "14:00", "14:30", "9:15"
    (re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*uhr\b", re.I), r"\1:\2"),
    # "um 10", "um 10.30" -> "10:00", "10:30"
    (re.compile(r"\bum\s+(\d{1,2})(?:[:.](\d{2}))?(?![\d:.])", re.I), r"\1:\2"),
    # "18.30", "9.45", "18.00": a dotted pair that cannot be a day and month is a time
    (re.compile(r"(?<![\d.:])([01]?\d|2[0-3])\.(00|1[3-9]|[2-5]\d)(?![\d.:])"), r"\1:\2"),
    # "10.12" (a day and month without the final dot) -> "10.12."
    (re.compile(r"(?<![\d.:])(\d{1,2})\.(\d{1,2})(?![\d.:])"), r"\1.\2."),
    # "14h" -> "14:00"
    (re.compile(r"\b(\d{1,2})h\b", re.I), r"\1:"),
    # English "at 10" (without am/pm or minutes) -> "10:00"
    (re.compile(r"\bat\s+(\d{1,2})(?![\d:.]|\s*[ap]\.?m\b)", re.I), r"\1:"),
    # "nächsten Donnerstag", "kommenden Montag", "diesen Freitag" -> the weekday
    (
        re.compile(
            r"\b(?:n(?:ä|ae)chste[nrs]?|kommende[nrs]?|diese[nmrs]?)\s+(" + _WEEKDAYS + r")\b",
            re.I,
        ),
        r"\1",
    ),
    # filler words dateparser stumbles over: "am 2. März", "den 15.3.", "ab 10:00"
    (re.compile(r"(?<!\d)(?<!\d\s)\b(?:am|den|ab|gegen|on)\b\s*", re.I), ""),
]
_MINUTES = re.compile(r"(\d{1,2}):(?=\D|$)")
_EXPLICIT_TIME = re.compile(r"\d{1,2}:\d{2}|\d\s*[ap]\.?m\b|\b(?:noon|midnight)\b", re.I)
_SETTINGS_BASE = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "future",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


_WEEKDAY_NUMBERS = {
    name: number % 7
    for number, names in enumerate(
        (
            ("montag", "monday"),
            ("dienstag", "tuesday"),
            ("mittwoch", "wednesday"),
            ("donnerstag", "thursday"),
            ("freitag", "friday"),
            ("samstag", "sonnabend", "saturday"),
            ("sonntag", "sunday"),
        )
    )
    for name in names
}
_NEXT_WEEK = r"(?:n(?:ä|ae)chste[nrs]?\s+woche|kommende[nrs]?\s+woche|next\s+week)"
_WEEKDAY_NEXT_WEEK = re.compile(
    rf"\b(?:{_NEXT_WEEK}\s+(?:am\s+|on\s+)?({_WEEKDAYS})|({_WEEKDAYS})\s+(?:in\s+der\s+)?{_NEXT_WEEK})\b",
    re.I,
)


def _weekday_of_next_week(text: str, base: datetime) -> str:
    """ "nächste Woche Dienstag" means the Tuesday of the coming calendar week; dateparser
    does not read it, so it is written out as a date."""

    def date_of(match: re.Match[str]) -> str:
        weekday = _WEEKDAY_NUMBERS[(match[1] or match[2]).casefold()]
        monday = base.date() + timedelta(days=7 - base.weekday())
        day = monday + timedelta(days=weekday)
        return f"{day.day}.{day.month}.{day.year}"

    return _WEEKDAY_NEXT_WEEK.sub(date_of, text)


def preprocess(text: str, base: datetime | None = None) -> str:
    """Rewrite German time phrases into forms dateparser knows."""
    result = clean(text)
    if base is not None:
        result = _weekday_of_next_week(result, base)
    for pattern, replacement in _PREPROCESS:
        result = pattern.sub(partial(_expand, replacement=replacement), result)
    return " ".join(result.split())


def _expand(match: re.Match[str], *, replacement: str) -> str:
    expanded = match.expand(replacement)
    # a time written without minutes ("14:" from "14 Uhr") gets ":00"
    return _MINUTES.sub(lambda m: f"{m[1]}:00", expanded) if ":" in expanded else expanded


def _parse(text: str, base: datetime) -> datetime | None:
    settings = {**_SETTINGS_BASE, "RELATIVE_BASE": base}
    try:
        return dateparser.parse(text, languages=["de", "en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None


def read_date(text: str, now: datetime, timezone: str) -> DateReading:
    """Read one date with time, in the future, in the zone `timezone`."""
    if len(text) > MAX_DATE_TEXT:
        return DateReading(None, problem=Problem.TOO_LONG)
    zone = ZoneInfo(timezone)
    # dateparser reads and returns naive wall-clock times; they stay inside these lines
    base = now.astimezone(zone).replace(tzinfo=None)
    prepared = preprocess(text, base)
    if not prepared:
        return DateReading(None, problem=Problem.NOT_UNDERSTOOD)
    parsed = _parse(prepared, base)
    if parsed is None:
        return DateReading(None, problem=Problem.NOT_UNDERSTOOD)
    wall = parsed.replace(tzinfo=zone, second=0, microsecond=0)
    if _EXPLICIT_TIME.search(prepared) is None:
        # dateparser fills a missing time from the base or with midnight: not a meeting time
        return DateReading(None, wall.replace(hour=0, minute=0), Problem.NO_TIME)
    at = wall
    if at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != parsed.replace(
        second=0, microsecond=0
    ):
        return DateReading(None, wall, Problem.NONEXISTENT)
    if at <= now:
        return DateReading(None, wall, Problem.PAST)
    if at - now > MAX_AHEAD:
        return DateReading(None, wall, Problem.TOO_FAR)
    return DateReading(at, wall)


_PLACE_SEPARATOR = re.compile(r"\s+(?:in|im|at|bei|auf)\s+", re.I)
_RANK = {
    None: 4,
    Problem.PAST: 3,
    Problem.TOO_FAR: 3,
    Problem.NONEXISTENT: 3,
    Problem.NO_TIME: 2,
    Problem.TOO_LONG: 1,
    Problem.NOT_UNDERSTOOD: 0,
}


def read_date_and_place(text: str, now: datetime, timezone: str) -> tuple[DateReading, str]:
    """`<when> [in|im|at|bei <place>]` or `<when> | <place>`.

    The date may itself contain "in" ("in drei Wochen") or "at" ("at 2pm"), so every split
    is tried, the longest date first, and the best reading wins."""
    text = clean(text)
    if "|" in text:
        when, _, place = text.partition("|")
        return read_date(when.strip(), now, timezone), place.strip()
    candidates = [(text, "")]
    for match in reversed(list(_PLACE_SEPARATOR.finditer(text))):
        candidates.append((text[: match.start()], text[match.end() :]))
    best: tuple[DateReading, str] | None = None
    for when, place in candidates:
        reading = read_date(when, now, timezone)
        if reading.ok:
            return reading, place
        if best is None or _RANK[reading.problem] > _RANK[best[0].problem]:
            best = (reading, place)
    assert best is not None
    return best
