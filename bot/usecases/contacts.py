"""Contact persons: who speaks for which member (`/ichbin`, `/kontakt neu|entfernen`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain_events import DomainEvent
from bot.core.errors import UserError
from bot.core.model import Member, Person
from bot.core.permissions import Who
from bot.usecases.base import Call, use_case
from bot.usecases.members import find_member, member_named, roster, unknown_member
from bot.usecases.people import find_person


@dataclass(frozen=True)
class ContactAdded(DomainEvent):
    person: str
    member: str
    previous: str | None
    """The member the person spoke for until now, if any."""


@dataclass(frozen=True)
class ContactRemoved(DomainEvent):
    person: str
    member: str
    by: str


@dataclass(frozen=True)
class IAm:
    member: str | None = None
    """None: only ask whom the caller speaks for."""


@dataclass(frozen=True)
class ContactNames:
    """The ways to read `<member> <person>`, tried in order: the first whose member is
    known and whose person is known wins."""

    readings: tuple[tuple[str, str], ...]


async def _register(call: Call, member: Member, person: Person) -> ContactAdded:
    """Make `person` a contact of `member` (ending what they spoke for before)."""
    partnership = call.partnership
    current = await roster(call.uow, partnership)
    if current.contact_record(member, person) is not None:
        raise UserError("contact.already", person=person.display_name, member=member.name)
    others = current.contacts_of(member)
    if len(others) >= partnership.max_contacts:
        raise UserError(
            "contact.full",
            member=member.name,
            count=len(others),
            names=", ".join(o.display_name for o in others),
        )
    previous = current.member_of(person)
    if previous is not None:
        record = current.contact_record(previous, person)
        assert record is not None
        await call.uow.contacts.end(record.id, call.now)
    await call.uow.contacts.add(member.id, person.id, call.now)
    await call.audit("contact.add", member=member.name, person=person.display_name)
    event = ContactAdded(
        partnership, person.display_name, member.name, previous.name if previous else None
    )
    call.raise_event(event)
    return event


async def _member_and_person(call: Call, names: ContactNames) -> tuple[Member, Person]:
    members = await call.uow.members.of_partnership(call.partnership.id)
    last_error: UserError | None = None
    for member_name, person_name in names.readings:
        member = find_member(members, member_name)
        if member is None:
            continue
        try:
            return member, await find_person(call.uow, call.partnership, person_name)
        except UserError as error:
            # the reading with the longest member name says what is wrong, not a shorter one
            last_error = last_error or error
    first = names.readings[0][0] if names.readings else ""
    raise last_error or unknown_member(members, first)


@use_case("contacts.iam")
async def iam(call: Call, command: IAm) -> Member | None:
    """The caller speaks for `command.member` from now on; returns whom they speak for."""
    if command.member is None:
        return (await roster(call.uow, call.partnership)).member_of(call.person)
    member = await member_named(call, command.member)
    await _register(call, member, call.person)
    return member


@use_case("contacts.add", Who.COORDINATOR)
async def add(call: Call, names: ContactNames) -> ContactAdded:
    member, person = await _member_and_person(call, names)
    return await _register(call, member, person)


@use_case("contacts.remove", Who.COORDINATOR)
async def remove(call: Call, names: ContactNames) -> ContactRemoved:
    member, person = await _member_and_person(call, names)
    record = (await roster(call.uow, call.partnership)).contact_record(member, person)
    if record is None:
        raise UserError("contact.not_contact", person=person.display_name, member=member.name)
    await call.uow.contacts.end(record.id, call.now)
    await call.audit("contact.remove", member=member.name, person=person.display_name)
    event = ContactRemoved(
        call.partnership, person.display_name, member.name, call.person.display_name
    )
    call.raise_event(event)
    return event
