"""Action items (Aufgaben): who does what until when, from the minutes until someone is done.

An action item belongs to a member (the municipality answers for it) or to a person; its
number counts per partnership and is what people type in /done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import dateparser

from bot.core.errors import UsageError, UserError
from bot.core.model import ActionItem, Member, Partnership, Person
from bot.core.permissions import Who
from bot.core.text import ascii_number, foreign_digits, match_key
from bot.core.timefmt import local
from bot.domain.due import read_vague_due, vague
from bot.usecases.base import Call, use_case
from bot.usecases.members import split_member_prefix
from bot.usecases.ports import UnitOfWork

_UNTIL = re.compile(r"\s+(?:bis(?:\s+zum|\s+zur)?|until|by|due)\s+(?P<when>[^\s].*)$", re.I)


async def open_actions(uow: UnitOfWork, partnership_id: int) -> list[ActionItem]:
    """Open action items, by number."""
    return await uow.actions.open_of_partnership(partnership_id)


@dataclass(frozen=True)
class Owner:
    """Whom an action item is for: a member, or a person (with their member if any)."""

    member: Member | None
    person: Person | None

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.display_name
        return self.member.name if self.member is not None else ""


def read_owner(members: list[Member], persons: list[Person], text: str) -> tuple[Owner, str]:
    """`<member or person> <rest>`: the longest leading words naming one, and the rest.

    A member wins over a person named by as many words; a person is found by display name
    or by account name (with or without @)."""
    words = text.split()
    by_member = split_member_prefix(members, text)
    member_words = len(words) - len(by_member[1].split()) if by_member else 0
    for cut in range(len(words), member_words, -1):
        candidate = " ".join(words[:cut])
        key = match_key(candidate)
        account = candidate.lstrip("@").casefold()
        for person in persons:
            accounts = {i.user_id.lstrip("@").casefold() for i in person.identities}
            accounts |= {a.split(":", 1)[0] for a in accounts}
            if match_key(person.display_name) == key or account in accounts:
                return Owner(None, person), " ".join(words[cut:])
    if by_member is not None:
        return Owner(by_member[0], None), by_member[1]
    raise UsageError("action.no_owner", name=(words[0] if words else "")[:60])


_NUMERIC_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(\d{4}|\d{2})?\.?$", re.ASCII)


def _numeric_day(match: re.Match[str], today: date) -> date | None:
    """ "15.1.", "15.01" or "15.1.2027"; without a year the next such day from today."""
    day, month, year = int(match[1]), int(match[2]), match[3]
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        found = date(today.year, month, day)
        return found if found >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def read_due(text: str, now: datetime, timezone: str) -> tuple[str, date | None]:
    """`<text> [bis|until <date>]`: the text and the due day, which must not be past."""
    match = _UNTIL.search(text)
    if match is None:
        return text, None
    wanted = match["when"].strip()
    base = local(now, timezone).replace(tzinfo=None)
    if foreign_digits(wanted):
        raise UsageError("action.bad_due", text=wanted[:40])
    numeric = _NUMERIC_DAY.match(wanted)
    if numeric is not None:
        day = _numeric_day(numeric, base.date())
        if day is None:
            raise UsageError("action.bad_due", text=wanted[:40])
        if day < base.date():
            raise UsageError("action.due_past", date=day.strftime("%d.%m.%Y"))
        return text[: match.start()].strip(), day
    day = read_vague_due(wanted, base.date())
    if day is not None:
        return text[: match.start()].strip(), day
    if vague(wanted):
        # "bis Anfang Mai", "bis nächste Woche": a due time, but no day to remind on
        raise UsageError("action.vague_due", text=wanted[:40])
    parsed = dateparser.parse(
        wanted,
        languages=["de", "en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    if parsed is None:
        # "bis" was part of the text ("von A bis B"), not a due date
        return text, None
    day = parsed.date()
    if day < base.date():
        raise UsageError("action.due_past", date=day.strftime("%d.%m.%Y"))
    return text[: match.start()].strip(), day


async def add(
    uow: UnitOfWork,
    p: Partnership,
    owner: Owner,
    text: str,
    due: date | None,
    meeting_id: int | None,
    now: datetime,
) -> ActionItem:
    return await uow.actions.add(
        ActionItem(
            id=0,
            partnership_id=p.id,
            number=0,
            text=text,
            owner_member_id=owner.member.id if owner.member else None,
            owner_person_id=owner.person.id if owner.person else None,
            due=due,
            meeting_id=meeting_id,
            created_at=now,
        )
    )


def owner_name(item: ActionItem, members: dict[int, str], persons: dict[int, Person]) -> str:
    if item.owner_person_id is not None and item.owner_person_id in persons:
        return persons[item.owner_person_id].display_name
    return members.get(item.owner_member_id or -1, "-")


def owner_label(person: Person | None, member: Member | None) -> str:
    """ "Anna Schmidt (Kleve)", "Kleve" or "Anna Schmidt"."""
    if person is not None and member is not None:
        return f"{person.display_name} ({member.name})"
    if person is not None:
        return person.display_name
    return member.name if member is not None else "-"


@dataclass(frozen=True)
class OpenAction:
    item: ActionItem
    owner: str
    """ "Anna Schmidt (Kleve)", "Kleve" or "Anna Schmidt"."""
    meeting_at: datetime | None
    """The start of the meeting it comes from, if any."""


@use_case("actions.list")
async def list_open(call: Call) -> list[OpenAction]:
    """The open action items, by due day (none: last), then number."""
    partnership = call.partnership
    items = await open_actions(call.uow, partnership.id)
    members = {m.id: m for m in await call.uow.members.of_partnership(partnership.id)}
    persons = await call.uow.persons.many(
        {i.owner_person_id for i in items if i.owner_person_id is not None}
    )
    found = await call.uow.meetings.many({i.meeting_id for i in items if i.meeting_id is not None})
    meetings = {m.id: m.starts_at for m in found.values()}
    items.sort(key=lambda i: (i.due or date.max, i.number))
    return [
        OpenAction(
            i,
            owner_label(persons.get(i.owner_person_id or -1), members.get(i.owner_member_id or -1)),
            meetings.get(i.meeting_id or -1),
        )
        for i in items
    ]


@dataclass(frozen=True)
class Closed:
    item: ActionItem
    still_open: int


@use_case("actions.done", Who.CONTACT, Who.COORDINATOR, refusal="done.not_allowed")
async def done(call: Call, number: str) -> Closed:
    """Close action item `number` (`#3` or `3`)."""
    wanted = ascii_number(number.lstrip("#"))
    if wanted is None:
        raise UsageError("done.bad_number", value=number[:20])
    partnership = call.partnership
    item = await call.uow.actions.by_number(partnership.id, wanted)
    if item is None:
        raise UserError("done.no_such_action", number=wanted)
    if not item.open:
        raise UserError("done.already", number=wanted)
    item.done_at = call.now
    item.done_by = call.person.id
    await call.uow.actions.save(item)
    await call.audit("action.done", number=wanted, text=item.text)
    return Closed(item, len(await open_actions(call.uow, partnership.id)))
