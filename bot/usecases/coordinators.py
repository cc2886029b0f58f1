"""Coordinators: who may change the partnership (granted in the bot; administrators of its
rooms count without a grant)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain_events import DomainEvent
from bot.core.errors import UserError
from bot.core.model import Person
from bot.core.permissions import Who
from bot.usecases import roles
from bot.usecases.base import Call, use_case
from bot.usecases.people import find_person


@dataclass(frozen=True)
class CoordinatorAdded(DomainEvent):
    person: str
    by: str


@dataclass(frozen=True)
class CoordinatorRemoved(DomainEvent):
    person: str
    by: str


@dataclass(frozen=True)
class NamePerson:
    name: str
    """An account id or a display name."""


@use_case("coordinators.list")
async def list_coordinators(call: Call) -> list[Person]:
    return await roles.coordinators(call.uow, call.partnership)


@use_case("coordinators.add", Who.COORDINATOR)
async def add(call: Call, command: NamePerson) -> CoordinatorAdded:
    partnership = call.partnership
    person = await find_person(call.uow, partnership, command.name)
    if person.id in await call.uow.coordinators.of_partnership(partnership.id):
        raise UserError("coordinator.already", person=person.display_name)
    await call.uow.coordinators.add(partnership.id, person.id, call.now)
    await call.audit("coordinator.add", person=person.display_name)
    event = CoordinatorAdded(partnership, person.display_name, call.person.display_name)
    call.raise_event(event)
    return event


@use_case("coordinators.remove", Who.COORDINATOR)
async def remove(call: Call, command: NamePerson) -> CoordinatorRemoved:
    partnership = call.partnership
    person = await find_person(call.uow, partnership, command.name)
    current = await call.uow.coordinators.of_partnership(partnership.id)
    if person.id not in current:
        raise UserError("coordinator.not", person=person.display_name)
    if len(current) == 1:
        raise UserError("coordinator.last", person=person.display_name)
    await call.uow.coordinators.remove(partnership.id, person.id)
    await call.audit("coordinator.remove", person=person.display_name)
    event = CoordinatorRemoved(partnership, person.display_name, call.person.display_name)
    call.raise_event(event)
    return event
