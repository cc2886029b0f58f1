"""Personal data on request: what is stored about someone, and forgetting them (GDPR Art. 15
and 17). The tables are read through the person repository, which finds every row that
points at a person or names them, so features added later are covered too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.errors import UserError
from bot.core.model import Partnership, Person
from bot.core.permissions import Who
from bot.usecases.base import Call, use_case
from bot.usecases.people import known_persons, the_one
from bot.usecases.ports import UnitOfWork

FORMAT = "partnerbot-personal-data"


@dataclass(frozen=True)
class MyData:
    partnership: str
    """The partnership's name."""
    document: bytes
    """The JSON file."""


@dataclass(frozen=True)
class ForgetMe:
    placeholder: str
    """What texts say where the person's name stood."""


@dataclass(frozen=True)
class Forget:
    query: str
    """The person's name (or part of it), as typed."""
    placeholder: str


@dataclass(frozen=True)
class Forgotten:
    accounts: int
    erased: bool
    person: str = ""
    """The name they had (forgetting somebody else)."""


@use_case("privacy.my_data")
async def my_data(call: Call) -> MyData:
    """What the room's partnership holds about the caller, with their accounts on the room's
    platform (the file is posted in the room)."""
    partnership = call.partnership
    assert call.room is not None
    document = await personal_data(
        call.uow, call.person, partnership, call.room.ref.platform, call.now
    )
    return MyData(partnership.name, document)


@use_case("privacy.forget_me")
async def forget_me(call: Call, command: ForgetMe) -> Forgotten:
    """Everywhere: accounts, contact entries, roles and presence go; texts keep a placeholder."""
    person = call.person
    accounts = len(person.identities)
    await call.uow.persons.forget(person.id, command.placeholder)
    await _audit_forgotten(call)
    return Forgotten(accounts, erased=True)


@use_case("privacy.forget", Who.COORDINATOR)
async def forget(call: Call, command: Forget) -> Forgotten:
    """A coordinator's request for somebody who left: only this partnership's part, and the
    person entirely if no other partnership knows them."""
    partnership = call.partnership
    person = await find_anyone(call.uow, partnership, command.query)
    if person.id == call.person.id:
        raise UserError("privacy.forget_self")
    accounts = len(person.identities)
    erased = await call.uow.persons.forget(person.id, command.placeholder, partnership.id)
    await _audit_forgotten(call)
    return Forgotten(accounts if erased else 0, erased, person.display_name)


async def _audit_forgotten(call: Call) -> None:
    """Recorded without who asked or whom it concerned: the record must not keep what was
    forgotten (so not `call.audit`, which names the actor)."""
    await call.uow.audit.add(call.partnership.id, None, "privacy.forgotten", "", call.now)


async def personal_data(
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


async def find_anyone(uow: UnitOfWork, partnership: Partnership, query: str) -> Person:
    """Like `find_person`, but among everyone the partnership ever recorded, people who
    left included."""
    ids = set(await uow.persons.referenced_by(partnership.id))
    ids |= set(await known_persons(uow, partnership))
    return the_one(query, (await uow.persons.many(ids)).values())
