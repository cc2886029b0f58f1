"""Meeting dates typed by people, in German or English: every typed part is used and agrees.

Read by a small grammar of our own (date_words.py) instead of a general date parser, because
a general parser drops silently what it does not know ("Dienstag" beside a Sunday's date,
the "30" of "14 Uhr 30"). Here a part that is not understood is a problem, and parts that
disagree or leave a choice (morning or afternoon, which Tuesday) are doubts carrying the best
reading, for the user to confirm with one tap. Every date is range-checked here, before any
time-zone arithmetic, so no zone and no year can make the bot crash.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.text import MAX_NAME, clean
from bot.domain import date_words as w
from bot.domain.date_parts import Doubt, Parts, Problem, Scan, add_months, read_parts

MAX_DATE_TEXT = 200
MAX_AHEAD = timedelta(days=3 * 366)
FAR_WITHOUT_YEAR = timedelta(days=300)
"""A date without a year that lands this far ahead was perhaps meant in the past: asked."""
_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class DateReading:
    """What a date text was read as: `at` is set exactly when it can be used.

    `wall` is the local wall-clock time that was understood (also for problems, where it is
    known), so a refusal or a question can say what the bot made of the text; for a time
    skipped by a daylight-saving change it keeps the fields as typed."""

    at: datetime | None
    wall: datetime | None = None
    problem: Problem | None = None
    end: datetime | None = None
    """The end of a range ("10–12 Uhr"), on the same day."""
    doubts: tuple[Doubt, ...] = ()
    other: datetime | None = None
    """A second plausible reading: the typed weekday's day nearest the typed date."""
    weekday: int | None = None
    """The weekday typed (0 = Monday), if any."""
    unread: str = ""
    """The words that were not understood."""
    vague: str = ""
    """For NO_DAY: "month" or "week"."""

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class WhenWhere:
    """`/termin` arguments: the date, the place (may be empty) and an online link or the
    name of the video tool ("https://…", "Zoom", "online"; empty if none)."""

    reading: DateReading
    place: str
    link: str


def typed(wall: datetime, end: datetime | None = None) -> str:
    """The reading written so that it reads back exactly, for a confirmation to run."""
    text = f"{wall.day:02d}.{wall.month:02d}.{wall.year:04d} {wall.hour:02d}:{wall.minute:02d}"
    return text + (f"-{end.hour:02d}:{end.minute:02d}" if end is not None else "")


def read_date(
    text: str,
    now: datetime,
    timezone: str,
    *,
    language: str = "de",
    default_time: time | None = None,
) -> DateReading:
    """One date with time, in the future, in the zone `timezone`; every word must be read.
    `default_time` stands in for a missing time (a reminder on a day means 09:00)."""
    if len(text) > MAX_DATE_TEXT:
        return DateReading(None, problem=Problem.TOO_LONG)
    scan = Scan(clean(text))
    reading = _reading(scan, now, ZoneInfo(timezone), language, default_time)
    unread = scan.unread(len(scan.text))
    if unread:
        return _not_understood(reading, unread)
    return reading


def read_date_and_place(
    text: str, now: datetime, timezone: str, *, language: str = "de"
) -> WhenWhere:
    """`<when> [in|im|at|bei] [<place>]` or `<when> | <place>`, with "online", "per Zoom" or
    a link anywhere. The place is what follows the date; a place without a preposition is
    fine, a place that looks like a date part is not understood."""
    text = clean(text)
    if len(text) > MAX_DATE_TEXT + 2 * MAX_NAME:
        return WhenWhere(DateReading(None, problem=Problem.TOO_LONG), "", "")
    scan = Scan(text)
    link = scan.take_link()
    if "|" in scan.text:
        cut = scan.text.index("|")
        place = scan.original_rest(cut + 1)
        scan.blank(cut, len(scan.text))
        if len(scan.original_rest(0)) > MAX_DATE_TEXT:
            return WhenWhere(DateReading(None, problem=Problem.TOO_LONG), place, link)
        reading = _reading(scan, now, ZoneInfo(timezone), language, None)
        unread = scan.unread(len(scan.text))
        return WhenWhere(_not_understood(reading, unread) if unread else reading, place, link)
    if len(scan.original_rest(0)) > MAX_DATE_TEXT + MAX_NAME:
        return WhenWhere(DateReading(None, problem=Problem.TOO_LONG), "", link)
    reading = _reading(scan, now, ZoneInfo(timezone), language, None)
    inside = scan.unread(scan.end)
    place = w.PLACE_TAIL.sub("", w.PLACE_LEAD.sub("", scan.original_rest(scan.end))).strip()
    if inside or w.DATEISH.search(place.lower()):
        return WhenWhere(
            _not_understood(reading, " ".join((inside + " " + place).split())), "", link
        )
    return WhenWhere(reading, place, link)


def _not_understood(reading: DateReading, unread: str) -> DateReading:
    """Words left over: not understood, naming what was; a refusal keeps its reason."""
    if reading.problem in (None, Problem.UNSURE) or reading.wall is None:
        return DateReading(None, reading.wall, Problem.NOT_UNDERSTOOD, reading.end, unread=unread)
    return replace(reading, unread=unread)


def _reading(
    scan: Scan, now: datetime, zone: ZoneInfo, language: str, default_time: time | None
) -> DateReading:
    base = now.astimezone(zone).replace(tzinfo=None)
    parts = read_parts(scan, base.date(), language)
    if parts.problem is not None:
        return DateReading(None, problem=parts.problem)
    if parts.hour is None and default_time is not None:
        parts.hour, parts.minute = default_time.hour, default_time.minute
    day, problem = _day(parts, base)
    clock = _clock(parts)
    if problem is not None or day is None:
        wall = _aware(datetime.combine(day, clock or time()), zone) if day is not None else None
        return DateReading(None, wall, problem or Problem.NOT_UNDERSTOOD, vague=parts.vague)
    if clock is None:
        wall = _aware(datetime.combine(day, time()), zone)
        return DateReading(None, wall, Problem.NO_TIME)
    wall = datetime.combine(day, clock)
    end = datetime.combine(day, time(*parts.end)) if parts.end is not None else None
    if end is not None and end <= wall:
        return DateReading(None, _aware(wall, zone), Problem.BAD_RANGE, _aware(end, zone))
    checked = check(wall, base, now, zone)
    aware_end = _aware(end, zone) if end is not None else None
    if checked is not None:
        return DateReading(None, _aware(wall, zone), checked, aware_end)
    at = _aware(wall, zone)
    if not parts.year_typed and parts.explicit and at - now > FAR_WITHOUT_YEAR:
        parts.doubts.append(Doubt.FAR_NO_YEAR)
    if parts.doubts:
        other = datetime.combine(parts.other, clock) if parts.other is not None else None
        return DateReading(
            None,
            at,
            Problem.UNSURE,
            aware_end,
            tuple(dict.fromkeys(parts.doubts)),
            _aware(other, zone)
            if other is not None and check(other, base, now, zone) is None
            else None,
            parts.weekday,
        )
    return DateReading(at, at, None, aware_end)


def check(wall: datetime, base: datetime, now: datetime, zone: ZoneInfo) -> Problem | None:
    """The one range check: naive `wall` against the naive local `base` first, so that no
    time-zone arithmetic runs on a year near 1 or 9999; then exactly, in the zone."""
    if wall - base > MAX_AHEAD + _MARGIN:
        return Problem.TOO_FAR
    if base - wall > _MARGIN:
        return Problem.PAST
    at = wall.replace(tzinfo=zone)
    if at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        return Problem.NONEXISTENT
    if at <= now:
        return Problem.PAST
    if at - now > MAX_AHEAD:
        return Problem.TOO_FAR
    return None


def _aware(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone)


def _clock(parts: Parts) -> time | None:
    if parts.hour is None:
        return None
    return time(parts.hour, parts.minute)


def _day(parts: Parts, base: datetime) -> tuple[date | None, Problem | None]:
    """The day every typed part agrees on, or the best one with a doubt."""
    today = base.date()
    day = parts.day
    if parts.relative is not None:
        if day is not None and day != parts.relative:
            parts.doubts.append(Doubt.DAYS_DISAGREE)
        day = day or parts.relative
    if parts.week_monday is not None:
        if parts.weekday is None and day is not None:
            if not 0 <= (day - parts.week_monday).days < 7:
                parts.doubts.append(Doubt.DAYS_DISAGREE)
        elif parts.weekday is None:
            parts.vague = "week"
            return parts.week_monday, Problem.NO_DAY
        else:
            in_week = parts.week_monday + timedelta(days=parts.weekday)
            if day is not None and day != in_week:
                parts.doubts.append(Doubt.DAYS_DISAGREE)
            day = day or in_week
    elif parts.weekday is not None:
        if day is not None and day.weekday() != parts.weekday:
            parts.doubts.append(Doubt.WEEKDAY)
            parts.other = _nearest_weekday(day, parts.weekday)
        elif day is None:
            day = _coming_weekday(parts, today)
    if day is None and parts.month is not None:
        parts.vague = "month"
        return parts.month, Problem.NO_DAY
    if day is None and parts.hour is not None:
        parts.doubts.append(Doubt.DAY_MISSING)
        clock = _clock(parts)
        assert clock is not None
        day = today if datetime.combine(today, clock) > base else today + timedelta(days=1)
    return day, None


def _coming_weekday(parts: Parts, today: date) -> date:
    assert parts.weekday is not None
    ahead = (parts.weekday - today.weekday()) % 7 or 7
    day = today + timedelta(days=ahead)
    if parts.next and parts.weekday > today.weekday():
        # "nächsten Dienstag" on a Monday: most mean next week's; asked
        parts.doubts.append(Doubt.NEXT_WEEKDAY)
        day += timedelta(days=7)
    return day


def _nearest_weekday(day: date, weekday: int) -> date:
    shift = (weekday - day.weekday()) % 7
    return day + timedelta(days=shift if shift <= 3 else shift - 7)


__all__ = [
    "MAX_AHEAD",
    "MAX_DATE_TEXT",
    "DateReading",
    "Doubt",
    "Problem",
    "WhenWhere",
    "add_months",
    "check",
    "read_date",
    "read_date_and_place",
    "typed",
]
