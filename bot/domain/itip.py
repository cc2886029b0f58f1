"""A meeting as a calendar invitation (iTIP, RFC 5546) that Outlook and Thunderbird offer to
accept: METHOD:REQUEST with ORGANIZER and ATTENDEE, the meeting's stable UID and SEQUENCE
(the same as in the chat's .ics and the feed), and METHOD:CANCEL with that UID to remove it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar

from bot.domain.calendar import MEETING_LENGTH, PRODID, UID_DOMAIN, CalendarEvent


def build_itip(
    method: str,
    item: CalendarEvent,
    timezone: str,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    now: datetime,
) -> bytes:
    """`method` "REQUEST" or "CANCEL"; `organizer` and `attendee` as (name, address)."""
    zone = ZoneInfo(timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", f"{item.uid}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("last-modified", item.updated_at.astimezone(UTC))
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", (item.ends_at or item.starts_at + MEETING_LENGTH).astimezone(zone))
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    if item.description:
        event.add("description", item.description)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", _person(*organizer))
    attendee_address = _person(*attendee)
    attendee_address.params.update(
        {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    )
    event.add("attendee", attendee_address)
    calendar.add_component(event)
    day = item.starts_at.astimezone(zone).date()
    calendar.add_missing_timezones(
        first_date=date(day.year - 1, 1, 1), last_date=date(day.year + 2, 1, 1)
    )
    data: bytes = calendar.to_ical()
    return data


def _person(name: str, address: str) -> icalendar.vCalAddress:
    person = icalendar.vCalAddress(f"mailto:{address}")
    if name:
        person.params["CN"] = icalendar.vText(" ".join(name.split()))
    return person
