"""Meetings as an iCalendar file that Outlook, Thunderbird and phones import.

Calendars recognise an event by its UID and take a higher SEQUENCE as an update, so every
meeting keeps one UID for life and raises its sequence on each change; a cancelled meeting
stays in the file with STATUS:CANCELLED so importing it removes the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

MEETING_LENGTH = timedelta(hours=2)
PRODID = "-//partnerbot//Klima-Partnerschaften//DE"
UID_DOMAIN = "partnerbot"


@dataclass(frozen=True)
class CalendarEvent:
    """One meeting as a calendar sees it, texts already in the partnership's language."""

    uid: str
    starts_at: datetime
    summary: str
    location: str
    description: str
    sequence: int
    cancelled: bool
    updated_at: datetime
    ends_at: datetime | None = None
    """None: MEETING_LENGTH after the start."""
    url: str = ""
    """An online link: URL and, for calendars that show a join button, CONFERENCE."""


def build_ics(name: str, timezone: str, events: list[CalendarEvent], now: datetime) -> bytes:
    """A VCALENDAR with local times in `timezone` and its VTIMEZONE block."""
    zone = ZoneInfo(timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    for item in events:
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@{UID_DOMAIN}")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("last-modified", item.updated_at.astimezone(UTC))
        event.add("dtstart", item.starts_at.astimezone(zone))
        ends_at = item.ends_at or item.starts_at + MEETING_LENGTH
        event.add("dtend", ends_at.astimezone(zone))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
            event.add("conference", item.url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
        if item.description:
            event.add("description", item.description)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    if events:
        first = min(e.starts_at for e in events).astimezone(zone).date()
        last = max(e.starts_at for e in events).astimezone(zone).date()
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    data: bytes = calendar.to_ical()
    return data
