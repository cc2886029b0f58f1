"""Personal data on request: what is stored about someone, and forgetting them (GDPR Art. 15
and 17). The tables are read through the person repository, which finds every row that
points at a person or names them, so features added later are covered too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.model import Partnership, Person
from bot.usecases.people import known_persons, the_one
from bot.usecases.ports import UnitOfWork

FORMAT = "partnerbot-personal-data"


@dataclass(frozen=True)
class Forgotten:
    accounts: int
    erased: bool


async def my_data(
    uow: UnitOfWork, person: Person, partnership: Partnership, platform: str, now: datetime
) -> bytes:
    """What this partnership holds about the person, as JSON, with only their accounts on
    the room's platform: the file is posted in a room, whose members must not learn of other
    partnerships or of the person's accounts elsewhere."""
    record = await uow.persons.record(person.id, partnership.id)
    record["identity"] = [r for r in record.get("identity", []) if r.get("platform") == platform]
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "partnership": partnership.name,
        "person": person.display_name,
        "scope": "this partnership, accounts on this platform",
        "tables": record,
    }
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")


async def everything_about(uow: UnitOfWork, person: Person, now: datetime) -> dict[str, Any]:
    """The complete record across all partnerships, for the operator to hand over."""
    return {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "person": person.display_name,
        "scope": "everything",
        "tables": await uow.persons.record(person.id),
    }


async def forget_me(
    uow: UnitOfWork, person: Person, placeholder: str, partnership: Partnership, now: datetime
) -> Forgotten:
    """Everywhere: accounts, contact entries, roles and presence go; texts keep a placeholder."""
    accounts = len(person.identities)
    await uow.persons.forget(person.id, placeholder)
    await uow.audit.add(partnership.id, None, "privacy.forgotten", "", now)
    return Forgotten(accounts, erased=True)


async def forget_in(
    uow: UnitOfWork, person: Person, placeholder: str, partnership: Partnership, now: datetime
) -> Forgotten:
    """A coordinator's request for somebody who left: only this partnership's part, and the
    person entirely if no other partnership knows them."""
    accounts = len(person.identities)
    erased = await uow.persons.forget(person.id, placeholder, partnership.id)
    await uow.audit.add(partnership.id, None, "privacy.forgotten", "", now)
    return Forgotten(accounts if erased else 0, erased)


async def find_anyone(uow: UnitOfWork, partnership: Partnership, query: str) -> Person:
    """Like `find_person`, but among everyone the partnership ever recorded, people who
    left included."""
    ids = set(await uow.persons.referenced_by(partnership.id))
    ids |= set(await known_persons(uow, partnership))
    return the_one(query, (await uow.persons.many(ids)).values())
