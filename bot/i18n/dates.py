"""How the bot talks about a date it read: a refusal that names what was understood, a
question with the best reading, the notes on weekends, holidays and night hours.

Every time is formatted from its wall-clock fields, never converted between zones, so a
date near the year 9999 or 1 is told, not crashed on."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from bot.core.errors import UsageError
from bot.core.reply import Paragraph
from bot.domain.date_notes import DateNote
from bot.domain.dates import MAX_DATE_TEXT, DateReading, Doubt, Problem
from bot.i18n.texts import Texts

LOCALES = {"de": "de_DE", "en": "en_GB"}


def wall_text(texts: Texts, wall: datetime) -> str:
    """ "Di., 16.03.2027, 10:00" / "Tue, 16 Mar 2027, 10:00", from the fields as they are."""
    pattern = "EEE, dd.MM.yyyy, HH:mm" if texts.german else "EEE, d MMM yyyy, HH:mm"
    return str(format_datetime(wall.replace(tzinfo=None), pattern, locale=LOCALES[texts.lang]))


def reading_text(texts: Texts, reading: DateReading) -> str:
    """The wall time, and the range's end if any: "Di., 16.03.2027, 10:00–12:00"."""
    assert reading.wall is not None
    text = wall_text(texts, reading.wall)
    if reading.end is not None:
        text += f"–{reading.end.hour:02d}:{reading.end.minute:02d}"
    return text


def _day(texts: Texts, wall: datetime) -> str:
    pattern = "EEEE, d. MMMM yyyy" if texts.german else "EEEE, d MMMM yyyy"
    return str(format_date(wall.date(), pattern, locale=LOCALES[texts.lang]))


def _weekday(texts: Texts, number: int) -> str:
    # 5 January 1970 was a Monday
    return str(format_date(date(1970, 1, 5 + number), "EEEE", locale=LOCALES[texts.lang]))


def refusal(texts: Texts, reading: DateReading, text: str) -> UsageError:
    """A reason that says what was understood (and what not); the command's example
    follows."""
    error = _refusal(texts, reading, text)
    if reading.unread and error.key not in ("date.not_understood_part", "date.not_understood"):
        reason = texts.text(error.key, **error.params)
        return UsageError("date.with_unread", reason=reason, rest=reading.unread[:80])
    return error


def _refusal(texts: Texts, reading: DateReading, text: str) -> UsageError:
    problem, wall = reading.problem, reading.wall
    if problem is Problem.TOO_LONG:
        return UsageError("date.too_long", max=MAX_DATE_TEXT, length=len(text))
    if problem is Problem.NOT_UNDERSTOOD and wall is not None and reading.unread:
        return UsageError(
            "date.not_understood_part", when=reading_text(texts, reading), rest=reading.unread
        )
    if problem is Problem.NOT_UNDERSTOOD and reading.unread:
        return UsageError("date.not_understood", text=reading.unread[:80])
    if wall is None:
        key = "date.no_such_day" if problem is Problem.NO_SUCH_DAY else "date.not_understood"
        return UsageError(key, text=text[:80])
    if problem is Problem.NO_TIME:
        return UsageError("date.no_time", day=_day(texts, wall))
    if problem is Problem.NO_DAY:
        clock = f", {wall.hour:02d}:{wall.minute:02d}" if (wall.hour, wall.minute) != (0, 0) else ""
        month = format_date(wall.date(), "MMMM yyyy", locale=LOCALES[texts.lang])
        return UsageError(
            f"date.no_day_{reading.vague}", month=month + clock, day=_day(texts, wall) + clock
        )
    if problem is Problem.BAD_RANGE:
        return UsageError("date.bad_range", when=reading_text(texts, reading))
    if problem is Problem.NONEXISTENT:
        return UsageError(
            "date.nonexistent",
            day=format_date(wall.date(), format="medium", locale=LOCALES[texts.lang]),
            time=f"{wall.hour:02d}:{wall.minute:02d}",
        )
    key = "date.too_far" if problem is Problem.TOO_FAR else "date.past"
    return UsageError(key, when=wall_text(texts, wall))


def doubts(texts: Texts, reading: DateReading) -> list[str]:
    """Why the bot asks, one sentence per doubt."""
    assert reading.wall is not None
    said: list[str] = []
    for doubt in reading.doubts:
        params: dict[str, str] = {}
        if doubt in (Doubt.WEEKDAY, Doubt.NEXT_WEEKDAY) and reading.weekday is not None:
            params["typed"] = _weekday(texts, reading.weekday)
            params["day"] = _day(texts, reading.wall)
        said.append(texts.text(f"date.doubt.{doubt.value}", **params))
    return said


def question(texts: Texts, reading: DateReading, retyped: str) -> Paragraph:
    return texts.t(
        "date.unsure",
        reasons=" ".join(doubts(texts, reading)),
        when=reading_text(texts, reading),
        example=retyped,
    )


def notes_text(texts: Texts, wall: datetime, notes: tuple[DateNote, ...]) -> Paragraph | None:
    """ "Hinweis: …" for a weekend, a holiday, 24.12./31.12., a night hour; None if none."""
    if not notes:
        return None
    said = [
        texts.text(
            f"date.note.{note.note.value}",
            name=note.name,
            weekday=_weekday(texts, wall.weekday()),
            day=_day(texts, wall),
            time=f"{wall.hour:02d}:{wall.minute:02d}",
        )
        for note in notes
    ]
    return texts.t("date.notes", when=wall_text(texts, wall), notes=" ".join(said))
