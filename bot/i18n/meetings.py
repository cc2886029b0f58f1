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


def host_line(texts: Texts, host: Member | None, taker: str | None = None) -> Paragraph:
    """The host, and who writes the minutes: the host unless delegated to a person."""
    if host is None:
        return texts.t("meeting.host_unknown")
    if taker:
        return texts.t("meeting.host_taker", host=host.name, taker=taker)
    return texts.t("meeting.host", host=host.name)


def taker_text(texts: Texts, host: str | None, taker: str | None) -> str:
    """ "Anna Schmidt" when delegated, else "Goch als Gastgeber": the same words everywhere."""
    if taker:
        return taker
    return texts.text("meeting.taker_host", host=host or "-")


def when_text(texts: Texts, meeting: Meeting) -> str:
    """ "Do., 12.03.2027, 10:00" or with its end "Do., 12.03.2027, 10:00–12:00"."""
    start = texts.when(meeting.starts_at)
    if meeting.ends_at is None:
        return start
    end = local(meeting.ends_at, texts.timezone)
    if end.date() != local(meeting.starts_at, texts.timezone).date():
        return texts.text("meeting.until", start=start, end=texts.when(meeting.ends_at))
    return texts.text("meeting.until", start=start, end=f"{end.hour:02d}:{end.minute:02d}")


def place_text(meeting: Meeting, host: Member | None) -> str:
    """The place with its address: "Rathaus Goch, Markt 2"; none given: the host."""
    place = default_place(meeting, host)
    return f"{place}, {meeting.address}" if meeting.address else place


def detail_lines(texts: Texts, meeting: Meeting) -> list[Paragraph]:
    """The online link, when there is one."""
    if not meeting.online_url:
        return []
    return [texts.t("meeting.online", url=meeting.online_url)]


def calendar_event(
    texts: Texts,
    partnership: Partnership,
    meeting: Meeting,
    host: Member | None,
    taker: str | None = None,
) -> CalendarEvent:
    host_name = host.name if host else "-"
    description = texts.text(
        "ics.description", host=host_name, taker=taker_text(texts, host_name, taker)
    )
    if meeting.online_url:
        description += "\n" + texts.text("meeting.online", url=meeting.online_url)
    return CalendarEvent(
        uid=meeting.uid,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        url=meeting.online_url,
        summary=texts.text("ics.summary", name=partnership.name, host=host_name),
        location=place_text(meeting, host),
        description=description,
        sequence=meeting.sequence,
        cancelled=meeting.cancelled,
        updated_at=meeting.updated_at,
    )


def meeting_file(
    texts: Texts,
    partnership: Partnership,
    meeting: Meeting,
    host: Member | None,
    now: datetime,
    taker: str | None = None,
) -> Attachment:
    """The meeting as an .ics file: a calendar takes it as new, moved or cancelled."""
    day = local(meeting.starts_at, partnership.timezone).strftime("%Y-%m-%d")
    name = texts.text("ics.filename", date=day)
    event = calendar_event(texts, partnership, meeting, host, taker)
    data = build_ics(partnership.name, partnership.timezone, [event], now)
    return Attachment(name, "text/calendar", data)
