"""Who is a coordinator: granted in the bot, or an administrator of one of the rooms."""

from __future__ import annotations

from bot.core.model import Partnership, Person
from bot.usecases.ports import UnitOfWork


async def is_coordinator(
    uow: UnitOfWork, partnership: Partnership, person: Person, is_room_admin: bool
) -> bool:
    """Room administrators of a linked room count, as the platform says (power level, admin)."""
    if is_room_admin:
        return True
    return person.id in await uow.coordinators.of_partnership(partnership.id)


async def coordinators(uow: UnitOfWork, partnership: Partnership) -> list[Person]:
    ids = await uow.coordinators.of_partnership(partnership.id)
    found = await uow.persons.many(set(ids))
    return [found[i] for i in ids if i in found]
