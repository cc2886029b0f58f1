"""How meetings read in any language: periods, days, the host line, the calendar entry.

Shared by the chat commands' replies and by the channels that tell of meetings."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

from bot.core.model import Meeting, Member, Partnership
from bot.core.reply import Attachment, Paragraph
from bot.core.timefmt import local
from bot.domain.calendar import CalendarEvent, build_ics
from bot.domain.places import english_at, german_in
from bot.i18n.texts import Texts
from bot.usecases.plan import Period, default_place

LOCALES = {"de": "de_DE", "en": "en_GB"}
_CADENCES = {1: "monthly", 3: "quarterly", 6: "half-yearly", 12: "yearly"}


def period_text(texts: Texts, period: Period) -> str:
    """ "im 1. Quartal 2027" / "in Q1 2027": the period a turn is expected in."""
    month = format_date(
        date(period.year, period.first_month, 1), "MMMM", locale=LOCALES[texts.lang]
    )
    return texts.text(
        f"period.{_CADENCES[period.months]}", n=period.index + 1, year=period.year, month=month
    )


def day_text(texts: Texts, when: datetime) -> str:
    """ "Donnerstag, 12. März 2027" (the day alone, for "which time on that day?")."""
    pattern = "EEEE, d. MMMM yyyy" if texts.german else "EEEE, d MMMM yyyy"
    return str(format_date(when.date(), pattern, locale=LOCALES[texts.lang]))


def in_place(texts: Texts, place: str) -> str:
    """ "im Rathaus Kleve", "in der Stadthalle Kalkar" / "at Kleve town hall"."""
    return german_in(place) if texts.german else english_at(place)


def host_line(texts: Texts, host: Member | None) -> Paragraph:
    if host is None:
        return texts.t("meeting.host_unknown")
    return texts.t("meeting.host", host=host.name)


def calendar_event(
    texts: Texts, partnership: Partnership, meeting: Meeting, host: Member | None
) -> CalendarEvent:
    host_name = host.name if host else "-"
    return CalendarEvent(
        uid=meeting.uid,
        starts_at=meeting.starts_at,
        summary=texts.text("ics.summary", name=partnership.name, host=host_name),
        location=default_place(meeting, host),
        description=texts.text("ics.description", host=host_name),
        sequence=meeting.sequence,
        cancelled=meeting.cancelled,
        updated_at=meeting.updated_at,
    )


def meeting_file(
    texts: Texts, partnership: Partnership, meeting: Meeting, host: Member | None, now: datetime
) -> Attachment:
    """The meeting as an .ics file: a calendar takes it as new, moved or cancelled."""
    day = local(meeting.starts_at, partnership.timezone).strftime("%Y-%m-%d")
    name = texts.text("ics.filename", date=day)
    event = calendar_event(texts, partnership, meeting, host)
    data = build_ics(partnership.name, partnership.timezone, [event], now)
    return Attachment(name, "text/calendar", data)
