"""The parts of a typed date (a day, a weekday, a time, a range's end), each taken out of the
text as it is found, so that what is left over is known exactly: either a place, or words
that were not understood and must not be ignored silently."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

from bot.domain import date_words as w

AMBIGUOUS_HOURS = range(1, 8)
"""Hours typed without am/pm that a meeting could mean in the morning or the afternoon."""


class Problem(Enum):
    NOT_UNDERSTOOD = "not_understood"
    NO_TIME = "no_time"
    PAST = "past"
    TOO_FAR = "too_far"
    NONEXISTENT = "nonexistent"
    TOO_LONG = "too_long"
    NO_DAY = "no_day"
    """A month or a week without the day: `wall` is its first day, `vague` says which."""
    NO_SUCH_DAY = "no_such_day"
    BAD_RANGE = "bad_range"
    """The end of a range is not after its start."""
    UNSURE = "unsure"
    """Readable, but `doubts` leave a choice: `wall` (and `end`) is the best reading."""


class Doubt(Enum):
    WEEKDAY = "weekday"  # the typed weekday is not the date's; `other` has that weekday
    DAYS_DISAGREE = "days_disagree"  # "morgen, 15.3." names two days
    DAY_MISSING = "day_missing"  # a time alone
    AM_PM = "am_pm"  # "um 3", "halb drei": morning or afternoon
    NEXT_WEEKDAY = "next_weekday"  # "nächsten Dienstag" said early in the week
    FAR_NO_YEAR = "far_no_year"  # "10.1." typed on 11 January
    DAY_FIRST = "day_first"  # "3/12/2027" in English: read day first
    FOUR_DIGITS = "four_digits"  # "1030" read as 10:30


@dataclass
class Parts:
    day: date | None = None
    explicit: bool = False
    """A calendar day was typed (not "morgen", not a weekday)."""
    year_typed: bool = False
    relative: date | None = None
    weekday: int | None = None
    next: bool = False
    week_monday: date | None = None
    month: date | None = None
    vague: str = ""
    hour: int | None = None
    minute: int = 0
    end: tuple[int, int] | None = None
    meridiem: str = ""
    doubts: list[Doubt] = field(default_factory=list)
    other: date | None = None
    problem: Problem | None = None


def _lower(text: str) -> str:
    """Lower case of the same length; digits other than ASCII become '#' (never a number)."""
    out = []
    for ch in text:
        low = ch.lower()
        if ch.isdigit() and not ch.isascii():
            low = "#"
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


class Scan:
    """The typed text with the parts found so far blanked out."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = _lower(original)
        self.taken = [False] * len(original)
        self.end = 0
        """Where the last date or time part ends: a place may follow."""

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]
        for index in range(start, end):
            self.taken[index] = True

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.text)
        if match is not None:
            self.blank(match.start(), match.end())
            self.end = max(self.end, match.end())
        return match

    def take_link(self) -> str:
        """A video link, or the tool's name ("Zoom", "online"), from anywhere in the text."""
        url = w.URL.search(self.text)
        if url is not None:
            self.blank(url.start(), url.end())
            found = self.original[url.start() : url.end()]
        else:
            found = ""
        tool = w.ONLINE.search(self.text)
        if tool is not None:
            self.blank(tool.start(), tool.end())
            found = found or self.original[tool.start("tool") : tool.end("tool")]
        return found

    def original_rest(self, start: int) -> str:
        kept = "".join(
            ch if not taken else " "
            for ch, taken in zip(self.original[start:], self.taken[start:], strict=True)
        )
        return " ".join(kept.split())

    def unread(self, upto: int) -> str:
        """The words before `upto` that no part used, filler words aside."""
        low = w.FILLER.sub(lambda m: " " * len(m[0]), self.text[:upto])
        return " ".join(
            "".join(
                o if c != " " else " " for o, c in zip(self.original, low, strict=False)
            ).split()
        )


class _NoSuchTime(ValueError):
    """ "25 Uhr", "13 pm": a time no clock shows."""


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def read_parts(scan: Scan, today: date, language: str) -> Parts:
    parts = Parts()
    try:
        _days(scan, parts, today, language)
    except ValueError:
        parts.problem = Problem.NO_SUCH_DAY
    except OverflowError:
        parts.problem = Problem.TOO_FAR
    try:
        _times(scan, parts)
    except ValueError:
        parts.problem = parts.problem or Problem.NOT_UNDERSTOOD
    return parts


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _calendar_day(parts: Parts, today: date, day: int, month: int, year: int | None) -> None:
    parts.explicit = True
    if year is not None:
        parts.year_typed = True
        parts.day = date(year, month, day)
        return
    date(2000, month, day)  # no such day in any year: ValueError
    for candidate_year in range(today.year, today.year + 5):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            parts.day = candidate
            return


def _days(scan: Scan, parts: Parts, today: date, language: str) -> None:
    # the weekday first: a short one ("Di 16.3.") is known by the date after it
    if (m := scan.take(w.WEEKDAY)) is not None:
        parts.weekday = w.WEEKDAYS[m["weekday"]]
        parts.next = bool(m["which"]) and m["which"].startswith("n")  # nächste, next
    if (m := scan.take(w.ISO)) is not None:
        _calendar_day(parts, today, int(m["day"]), int(m["month"]), int(m["year"]))
    elif (m := scan.take(w.DOTTED)) is not None:
        year = _year(m["year"] or m["spaced"])
        _calendar_day(parts, today, int(m["day"]), int(m["month"]), year)
    elif (m := scan.take(w.SLASHED)) is not None:
        first, second = int(m["first"]), int(m["second"])
        if second > 12 >= first:
            first, second = second, first
        elif language == "en" and first != second and first <= 12:
            parts.doubts.append(Doubt.DAY_FIRST)
        _calendar_day(parts, today, first, second, _year(m["year"]))
    elif (m := scan.take(w.DAY_MONTH) or scan.take(w.MONTH_DAY)) is not None:
        month = w.MONTHS[m["month"]]
        _calendar_day(parts, today, int(m["day"]), month, _year(m["year"]))
    elif (m := scan.take(w.DOTTED_OPEN)) is not None:
        _calendar_day(parts, today, int(m["day"]), int(m["month"]), None)
    _relative_days(scan, parts, today)
    if (m := scan.take(w.WEEK)) is not None:
        weeks = 2 if m["which"].startswith(("ü", "ue", "the")) else 1
        parts.week_monday = today + timedelta(days=7 * weeks - today.weekday())
    if parts.day is None and parts.relative is None:
        if scan.take(w.NEXT_MONTH) is not None:
            parts.month = add_months(today.replace(day=1), 1)
        elif (m := scan.take(w.MONTH_ONLY)) is not None:
            month, year = w.MONTHS[m["month"]], _year(m["year"])
            start = date(year or today.year, month, 1)
            if year is None and month < today.month:
                start = start.replace(year=today.year + 1)
            parts.month = start


def _relative_days(scan: Scan, parts: Parts, today: date) -> None:
    if scan.take(w.DAY_AFTER_TOMORROW) is not None:
        parts.relative = today + timedelta(days=2)
    elif (m := scan.take(w.TODAY)) is not None:
        parts.relative = today
        parts.meridiem = "p" if m[0] == "tonight" else ""
    elif scan.take(w.TOMORROW) is not None:
        parts.relative = today + timedelta(days=1)
    elif (m := scan.take(w.YESTERDAY)) is not None:
        parts.relative = today - timedelta(days=2 if m["before"] else 1)
    elif (m := scan.take(w.IN_UNITS)) is not None:
        count = w.number(m["count"] or m["count2"])
        unit = m["unit"] or m["unit2"]
        if unit.startswith("mon"):
            parts.relative = add_months(today, count)
        else:
            parts.relative = today + timedelta(days=count * (7 if unit[0] == "w" else 1))


def _times(scan: Scan, parts: Parts) -> None:
    if scan.take(w.MORNING) is not None:
        parts.meridiem = "a"
    if scan.take(w.AFTERNOON) is not None:
        parts.meridiem = parts.meridiem or "p"  # "morgens" wins over "abends"
    if scan.take(w.NIGHT) is not None:
        parts.meridiem = parts.meridiem or "n"
    noon = scan.take(w.NOON) is not None
    if noon:
        parts.meridiem = parts.meridiem or "p"
    m = scan.take(w.HALF)
    if m is not None:
        _half(parts, m)
        return
    m = scan.take(w.RANGE)
    if m is not None:
        _range(parts, m)
        return
    m = scan.take(w.WORD_UHR)
    if m is not None:
        _set_time(parts, str(w.number(m["hour"])), None, None)
        return
    for pattern in (w.HOUR_UHR_MINUTES, w.WITH_MERIDIEM, w.WITH_UHR, w.AFTER_WORD, w.COLON):
        m = scan.take(pattern)
        if m is not None:
            _set_time(parts, m["hour"], m["minute"], m.groupdict().get("meridiem"))
            return
    for pattern in (w.DOTTED_TIME, w.FOUR_DIGITS):
        m = scan.take(pattern)
        if m is not None:
            if pattern is w.FOUR_DIGITS:
                parts.doubts.append(Doubt.FOUR_DIGITS)
            _set_time(parts, m["hour"], m["minute"], None)
            return
    if noon:
        parts.hour = 12
    elif scan.take(w.MIDNIGHT) is not None:
        parts.hour = 0


def _hour(hour: int, meridiem: str) -> int:
    """The 24-hour clock's hour of `hour` in the morning ("a"), the afternoon or evening
    ("p") or at night ("n": 6 to 11 in the evening, 12 at midnight, 1 to 5 in the morning)."""
    if (meridiem == "p" and hour < 12) or (meridiem == "n" and 6 <= hour < 12):
        return hour + 12
    if meridiem in ("a", "n") and hour == 12:
        return 0
    return hour


def _set_time(parts: Parts, hour_text: str, minute_text: str | None, meridiem: str | None) -> None:
    hour, minute = int(hour_text), int(minute_text or 0)
    if meridiem:
        parts.meridiem = meridiem
    elif not parts.meridiem and hour in AMBIGUOUS_HOURS and minute_text is None:
        # "um 3", "3 Uhr", "halb drei"; typed minutes ("3:00", "03:30") are the 24-hour clock
        parts.doubts.append(Doubt.AM_PM)
        parts.meridiem = "p"
    if hour > 23 or minute > 59 or (parts.meridiem and hour > 12 and meridiem):
        raise _NoSuchTime(hour)
    parts.hour, parts.minute = _hour(hour, parts.meridiem), minute


def _half(parts: Parts, m: re.Match[str]) -> None:
    hour = w.number(m["hour"])
    if m["half"] or m["to"] or m["to_en"]:
        hour -= 1
    minute = 30 if m["half"] or m["half_en"] else 15 if m["past"] or m["past_en"] else 45
    _set_time(parts, str(hour or 12), None, None)
    parts.minute = minute


def _range(parts: Parts, m: re.Match[str]) -> None:
    start, end = int(m["hour"]), int(m["end_hour"])
    end_meridiem = m["end_meridiem"] or ""
    meridiem = m["meridiem"] or ""
    if end_meridiem and not meridiem and start <= end:
        meridiem = end_meridiem
    _set_time(parts, m["hour"], m["minute"] or m["uhr_minute"], meridiem or None)
    assert parts.hour is not None
    # an end without am/pm before the start is the afternoon's ("11 bis 1", "14-4"), unless
    # that is still not after the start: "20-6 Uhr" is refused as typed, not as "20-18 Uhr"
    end_hour = _hour(end, end_meridiem)
    if end_hour < parts.hour and end_hour + 12 > parts.hour and end_hour < 12:
        end_hour += 12
    end_minute = int(m["end_minute"] or 0)
    if end_hour > 23 or end_minute > 59:
        raise _NoSuchTime(end_hour)
    parts.end = (end_hour, end_minute)
