"""People joining and leaving the partnership's rooms: who is welcomed, and which member
has nobody left to speak for it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain_events import DomainEvent
from bot.core.events import RoomRef
from bot.core.model import Person, Room
from bot.usecases import roles
from bot.usecases.base import Call, use_case
from bot.usecases.members import host_order, roster


@dataclass(frozen=True)
class Welcomed(DomainEvent):
    """Told in the room joined only."""

    room: RoomRef
    person: str
    member: str | None
    """The member the person speaks for, if any."""
    sample: str | None
    """A member to name in the example of `/ichbin` (None when there are none)."""

    @property
    def only_room(self) -> RoomRef | None:
        return self.room


@dataclass(frozen=True)
class ContactLeftRoom(DomainEvent):
    person: str
    member: str
    room: str
    """The room's name."""


@dataclass(frozen=True)
class MemberOrphaned(DomainEvent):
    """No contact person of the member is in any room any more."""

    member: str
    coordinators: tuple[Person, ...]
    """Mentioned, so they hear of it."""


def _room(call: Call) -> Room:
    assert call.room is not None, "people join and leave rooms of a partnership"
    return call.room


@use_case("presence.arrive")
async def arrive(call: Call) -> Welcomed:
    room = _room(call)
    await call.uow.presence.enter(room.id, call.person.id, call.now)
    current = await roster(call.uow, call.partnership)
    member = current.member_of(call.person)
    order = host_order(current.members)
    event = Welcomed(
        call.partnership,
        room.ref,
        call.person.display_name,
        member.name if member else None,
        order[0].name if order else None,
    )
    call.raise_event(event)
    return event


@use_case("presence.leave")
async def leave(call: Call) -> None:
    room, partnership = _room(call), call.partnership
    await call.uow.presence.leave(room.id, call.person.id)
    current = await roster(call.uow, partnership)
    member = current.member_of(call.person)
    if member is None:
        return
    call.raise_event(ContactLeftRoom(partnership, call.person.display_name, member.name, room.name))
    present = await call.uow.presence.of_partnership(partnership.id)
    if any(present.get(p.id) for p in current.contacts_of(member)):
        return
    people = await roles.coordinators(call.uow, partnership)
    call.raise_event(MemberOrphaned(partnership, member.name, tuple(people)))
