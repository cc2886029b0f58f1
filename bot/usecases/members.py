"""Members of a partnership: joining, leaving, renaming, and their contact persons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import UserError
from bot.core.model import Contact, Member, Partnership, Person
from bot.core.text import din5007_key, match_key
from bot.usecases.ports import UnitOfWork


def host_order(members: list[Member]) -> list[Member]:
    """Active members in DIN 5007-1 order: the order in which they host."""
    return sorted((m for m in members if m.active), key=lambda m: din5007_key(m.name))


def find_member(members: list[Member], name: str, include_left: bool = False) -> Member | None:
    """Exact match ignoring case and umlaut spelling, else a unique prefix."""
    pool = [m for m in members if include_left or m.active]
    key = match_key(name)
    if not key:
        return None
    exact = [m for m in pool if match_key(m.name) == key]
    if exact:
        return exact[0]
    prefixed = [m for m in pool if match_key(m.name).startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None


def split_member_prefix(members: list[Member], text: str) -> tuple[Member, str] | None:
    """`<member name> <rest>`: the longest leading words that name a member, and the rest."""
    words = text.split()
    for cut in range(len(words), 0, -1):
        candidate = " ".join(words[:cut])
        pool = [m for m in members if m.active and match_key(m.name) == match_key(candidate)]
        if pool:
            return pool[0], " ".join(words[cut:])
    return None


async def _audit(
    uow: UnitOfWork, p: Partnership, actor: Person | None, action: str, now: datetime, **detail: str
) -> None:
    await uow.audit.add(
        p.id, actor.id if actor else None, action, json.dumps(detail, ensure_ascii=False), now
    )


async def add_member(
    uow: UnitOfWork, p: Partnership, name: str, actor: Person, now: datetime
) -> tuple[Member, bool]:
    """Admit a member, or readmit one that left, keeping its history.

    Returns the member and whether it rejoined."""
    members = await uow.members.of_partnership(p.id)
    existing = next((m for m in members if match_key(m.name) == match_key(name)), None)
    if existing is not None and existing.active:
        raise UserError("member.exists", name=existing.name)
    if existing is not None:
        existing.left_at = None
        existing.joined_at = now
        await uow.members.save(existing)
        await _audit(uow, p, actor, "member.rejoin", now, member=existing.name)
        return existing, True
    member = await uow.members.add(p.id, name, now)
    await _audit(uow, p, actor, "member.add", now, member=name)
    return member, False


async def remove_member(
    uow: UnitOfWork, p: Partnership, member: Member, reason: str, actor: Person, now: datetime
) -> list[Contact]:
    """The member leaves; its contact persons stop speaking for it. History stays."""
    member.left_at = now
    await uow.members.save(member)
    ended = [c for c in await uow.contacts.active_of_partnership(p.id) if c.member_id == member.id]
    for contact in ended:
        await uow.contacts.end(contact.id, now)
    await _audit(uow, p, actor, "member.remove", now, member=member.name, reason=reason)
    return ended


async def rename_member(
    uow: UnitOfWork, p: Partnership, member: Member, new_name: str, actor: Person, now: datetime
) -> str:
    members = await uow.members.of_partnership(p.id)
    clash = next(
        (m for m in members if m.id != member.id and match_key(m.name) == match_key(new_name)),
        None,
    )
    if clash is not None:
        raise UserError("member.exists", name=clash.name)
    old = member.name
    member.name = new_name
    await uow.members.save(member)
    await _audit(uow, p, actor, "member.rename", now, old=old, new=new_name)
    return old


@dataclass(frozen=True)
class Roster:
    """Who speaks for whom in a partnership right now."""

    members: list[Member]
    contacts: list[Contact]
    persons: dict[int, Person]

    def contacts_of(self, member: Member) -> list[Person]:
        return [self.persons[c.person_id] for c in self.contacts if c.member_id == member.id]

    def member_of(self, person: Person) -> Member | None:
        for contact in self.contacts:
            if contact.person_id == person.id:
                return next(m for m in self.members if m.id == contact.member_id)
        return None

    def contact_record(self, member: Member, person: Person) -> Contact | None:
        return next(
            (c for c in self.contacts if c.member_id == member.id and c.person_id == person.id),
            None,
        )


async def roster(uow: UnitOfWork, p: Partnership) -> Roster:
    members = await uow.members.of_partnership(p.id)
    contacts = await uow.contacts.active_of_partnership(p.id)
    persons = await uow.persons.many({c.person_id for c in contacts})
    return Roster(members, contacts, persons)


async def register_contact(
    uow: UnitOfWork, p: Partnership, member: Member, person: Person, actor: Person, now: datetime
) -> Member | None:
    """Make `person` a contact of `member`; returns the member they spoke for before, if any."""
    current = await roster(uow, p)
    if current.contact_record(member, person) is not None:
        raise UserError("contact.already", person=person.display_name, member=member.name)
    others = current.contacts_of(member)
    if len(others) >= p.max_contacts:
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
        await uow.contacts.end(record.id, now)
    await uow.contacts.add(member.id, person.id, now)
    await _audit(uow, p, actor, "contact.add", now, member=member.name, person=person.display_name)
    return previous


async def unregister_contact(
    uow: UnitOfWork, p: Partnership, member: Member, person: Person, actor: Person, now: datetime
) -> None:
    record = (await roster(uow, p)).contact_record(member, person)
    if record is None:
        raise UserError("contact.not_contact", person=person.display_name, member=member.name)
    await uow.contacts.end(record.id, now)
    await _audit(
        uow, p, actor, "contact.remove", now, member=member.name, person=person.display_name
    )
