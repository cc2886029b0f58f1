"""Persons: who wrote, who is who in a partnership, and finding someone by name or account."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.errors import UserError
from bot.core.events import Sender
from bot.core.model import Partnership, Person
from bot.core.text import clean, match_key
from bot.usecases.ports import UnitOfWork


async def identify(uow: UnitOfWork, sender: Sender) -> Person:
    """The person behind a chat account, created on first contact, name kept current."""
    name = clean(sender.display_name)[:200] or sender.identity.user_id
    person = await uow.persons.by_identity(sender.identity)
    if person is None:
        return await uow.persons.add(name, sender.identity)
    if person.display_name != name:
        await uow.persons.rename(person.id, name)
        person.display_name = name
    return person


async def known_persons(uow: UnitOfWork, partnership: Partnership) -> dict[int, Person]:
    """Everyone the partnership knows: people seen in its rooms, contacts, coordinators."""
    ids = set((await uow.presence.of_partnership(partnership.id)).keys())
    ids |= {c.person_id for c in await uow.contacts.active_of_partnership(partnership.id)}
    ids |= set(await uow.coordinators.of_partnership(partnership.id))
    return await uow.persons.many(ids)


@dataclass(frozen=True)
class PersonQuery:
    """How a person can be named: an account id (with or without @) or a display name."""

    text: str

    def matches(self, person: Person) -> bool:
        wanted = self.text.strip().lstrip("@").casefold()
        if not wanted:
            return False
        for identity in person.identities:
            user = identity.user_id.lstrip("@").casefold()
            if wanted == user or wanted == user.split(":", 1)[0]:
                return True
        return match_key(person.display_name) == match_key(self.text)


async def find_person(uow: UnitOfWork, partnership: Partnership, query: str) -> Person:
    return the_one(query, (await known_persons(uow, partnership)).values())


def the_one(query: str, candidates: Iterable[Person]) -> Person:
    """The single person among `candidates` that `query` names; several or none is the
    user's mistake, told with the names to choose from."""
    wanted = PersonQuery(query)
    found = [p for p in candidates if wanted.matches(p)]
    if not found:
        raise UserError("person.unknown", name=query)
    if len(found) > 1:
        raise UserError(
            "person.ambiguous",
            name=query,
            candidates=", ".join(
                f"{p.display_name} ({p.identities[0].user_id if p.identities else '-'})"
                for p in found
            ),
        )
    return found[0]


def names(persons: list[Person]) -> str:
    return ", ".join(p.display_name for p in persons)
