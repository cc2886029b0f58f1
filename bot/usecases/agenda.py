"""The agenda of the next meeting: showing it, proposals, striking and reordering them, and
the agenda deadline setting (`/agenda`, `/settings agenda-deadline`).

Which item belongs to which meeting is read in `bot.usecases.agenda_queries`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.domain_events import DomainEvent
from bot.core.errors import UsageError, UserError
from bot.core.model import AgendaItem, Meeting, Member
from bot.core.permissions import Permission, Who
from bot.core.text import ascii_number
from bot.i18n.agenda import agenda_blocks, standing_blocks
from bot.usecases.agenda_queries import (
    FIELDS,
    MAX_DEADLINE_DAYS,
    MIN_DEADLINE_DAYS,
    Agenda,
    AgendaView,
    Standing,
    agenda_deadline,
    agenda_for,
    coming,
    numbered,
    open_meetings_now,
    read_field,
    standing,
    target,
)
from bot.usecases.base import Call, Facts, NotAllowed, check, use_case
from bot.usecases.members import roster
from bot.usecases.minutes_record import meeting_and_host

__all__ = [
    "FIELDS",
    "MAX_DEADLINE_DAYS",
    "MIN_DEADLINE_DAYS",
    "Agenda",
    "AgendaView",
    "Standing",
    "agenda_blocks",
    "agenda_deadline",
    "agenda_for",
    "coming",
    "numbered",
    "read_field",
    "standing",
    "standing_blocks",
]

MAY_ADD_LATE = Permission("agenda.add_late", (Who.COORDINATOR, Who.HOST))
"""Who may still add to the next meeting after its deadline."""


@dataclass(frozen=True)
class AgendaDeadlineChanged(DomainEvent):
    days: int
    by: str


@dataclass(frozen=True)
class ProposeItem:
    text: str
    field: str = ""


@dataclass(frozen=True)
class Proposed:
    item: AgendaItem
    meeting: Meeting | None
    """The meeting it is on (None: none planned yet)."""
    late: bool
    """Too late for the next meeting: it waits for the following one."""
    deadline: datetime | None
    """The next meeting's deadline, when late."""
    number: int
    """Its number on the meeting's agenda (0 when no meeting)."""


@dataclass(frozen=True)
class Moved:
    item: AgendaItem
    position: int
    agenda: AgendaView


async def host_of(call: Call, meeting: Meeting | None) -> Member | None:
    if meeting is None:
        return None
    return (await meeting_and_host(call.uow, call.partnership, meeting.id, call.now))[1]


async def view(call: Call) -> AgendaView:
    """The coming agenda as of now."""
    partnership = call.partnership
    current = await coming(call.uow, partnership, call.now)
    meeting = current.meeting
    host = await host_of(call, meeting)
    deadline = agenda_deadline(partnership, meeting) if meeting is not None else None
    return AgendaView(
        meeting,
        host,
        deadline,
        await standing(call.uow, partnership, meeting),
        current.items,
        len(current.later),
        call.now,
    )


@use_case("agenda.show")
async def show(call: Call) -> AgendaView:
    return await view(call)


@use_case("agenda.add", Who.CONTACT, Who.COORDINATOR, refusal="agenda.not_contact")
async def add(call: Call, command: ProposeItem) -> Proposed:
    """A proposal for the next meeting; after its deadline it waits for the following one,
    unless a coordinator or the host's contact person adds it."""
    partnership, now = call.partnership, call.now
    member = (await roster(call.uow, partnership)).member_of(call.person)
    candidates = await open_meetings_now(call.uow, partnership, now)
    meeting = candidates[0] if candidates else None
    host = await host_of(call, meeting)
    may_add_late = bool(await check(call, MAY_ADD_LATE, Facts(host=host)))
    late = meeting is not None and now > agenda_deadline(partnership, meeting) and not may_add_late
    highest = await call.uow.agenda.highest_position(partnership.id)
    item = await call.uow.agenda.add(
        AgendaItem(
            id=0,
            partnership_id=partnership.id,
            text=command.text,
            field=command.field,
            proposer_person_id=call.person.id,
            proposer_member_id=member.id if member else None,
            position=highest + 1,
            created_at=now,
            not_before=meeting.starts_at if late and meeting is not None else None,
        )
    )
    await call.audit("agenda.add", text=command.text, field=command.field)
    if meeting is None:
        return Proposed(item, None, False, None, 0)
    if late:
        deadline = agenda_deadline(partnership, meeting)
        return Proposed(item, target(item, candidates), True, deadline, 0)
    number = [i.id for i in await agenda_for(call.uow, partnership, meeting, now)].index(item.id)
    return Proposed(item, meeting, False, None, number + 1)


@use_case("agenda.remove", Who.AUTHOR, Who.COORDINATOR)
async def remove(call: Call, number: str) -> AgendaItem:
    """Strike item `number` of the coming agenda: its proposer or a coordinator."""
    current = await coming(call.uow, call.partnership, call.now)
    item = numbered(current.items, number)
    if not await check(call, remove.permission, Facts(author_id=item.proposer_person_id)):
        proposer = await call.uow.persons.get(item.proposer_person_id or -1)
        raise NotAllowed(
            remove.permission,
            "agenda.remove_not_allowed",
            text=item.text[:80],
            person=proposer.display_name if proposer else "-",
        )
    call.authorized.add(remove.permission.name)
    if item.done:
        raise UserError("agenda.already_done", text=item.text[:80])
    item.status = "removed"
    await call.uow.agenda.save(item)
    await call.audit("agenda.remove", text=item.text)
    return item


@dataclass(frozen=True)
class MoveItem:
    number: str
    position: str


@use_case("agenda.move", Who.COORDINATOR, Who.HOST, refusal="agenda.move_not_allowed")
async def move(call: Call, command: MoveItem) -> Moved:
    """Put item `number` at `position` (1-based); the others keep their order."""
    current = await coming(call.uow, call.partnership, call.now)
    items = current.items
    item = numbered(items, command.number)
    await call.authorize(move.permission, Facts(host=await host_of(call, current.meeting)))
    position = ascii_number(command.position)
    if position is None or not 1 <= position <= len(items):
        raise UsageError("agenda.bad_position", value=command.position[:20], count=len(items))
    order = [i for i in items if i.id != item.id]
    order.insert(position - 1, item)
    slots = sorted(i.position for i in items)
    for slot, entry in zip(slots, order, strict=True):
        if entry.position != slot:
            entry.position = slot
            await call.uow.agenda.save(entry)
    await call.audit("agenda.move", text=item.text, position=str(position))
    return Moved(item, position, await view(call))


@use_case("settings.agenda_deadline", Who.COORDINATOR)
async def set_deadline(call: Call, days: int) -> AgendaDeadlineChanged:
    """How many days before a meeting proposals are expected (0: until it starts)."""
    partnership = call.partnership
    partnership.agenda_deadline_days = days
    await call.uow.partnerships.save(partnership)
    await call.audit("settings.agenda_deadline", value=str(days))
    event = AgendaDeadlineChanged(partnership, days, call.person.display_name)
    call.raise_event(event)
    return event
