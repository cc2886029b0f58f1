"""What every use case gets: the call (unit of work, clock, who acts, where), and the one
place where its declared permission is decided.

A use case is an async function `(call, command) -> result` decorated with `@use_case`,
which declares once who may run it. The declaration is data: the chat app refuses early
with it, `/hilfe` prints it, and `check` is the one place where it is decided. A rule that
depends on the thing concerned (the host of *this* meeting, the author of *this* item) is
decided when the use case calls `call.authorize(...)` with those facts; the decorator makes
sure it did before anything is kept.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from bot.core.clock import Clock
from bot.core.domain_events import DomainEvent
from bot.core.errors import UserError
from bot.core.events import RoomRef
from bot.core.model import Member, Partnership, Person, Room
from bot.core.permissions import STATIC, Permission, Who
from bot.usecases.ports import UnitOfWork


@dataclass(frozen=True)
class Facts:
    """What a rule may depend on: the thing concerned."""

    host: Member | None = None
    author_id: int | None = None
    minute_taker_id: int | None = None


@dataclass(frozen=True)
class Actor:
    """The person acting, and what the platform says of them in the room they act from."""

    person: Person
    is_coordinator: bool = False
    is_room_admin: bool = False
    admin_unknown: bool = False
    """The platform could not tell whether they administer the room."""


class NotAllowed(UserError):
    """Refused by a permission; `permission` says who would have been allowed."""

    def __init__(self, permission: Permission, key: str, **params: Any) -> None:
        super().__init__(key, **params)
        self.permission = permission


@dataclass
class Call:
    """One run of one or more use cases in one unit of work: everything they need, and the
    domain events they raise (the notifier turns them into messages before the commit)."""

    uow: UnitOfWork
    clock: Clock
    actor: Actor
    room_partnership: Partnership | None = None
    room: Room | None = None
    """The chat room the call comes from, if any."""
    source: RoomRef | None = None
    """The room the call comes from even when it belongs to no partnership (yet)."""
    default_timezone: str = "Europe/Berlin"
    web_base_url: str = ""
    """The web site's public address (`[web] base_url`), for links; empty: no web site."""
    confirmed: bool = False
    """The caller confirmed this command after being asked (`AskFirst`)."""
    email: bool = False
    """E-mail is set up (`[email]` in the config): the e-mail commands may store addresses."""
    events: list[DomainEvent] = field(default_factory=list)
    authorized: set[str] = field(default_factory=set)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def person(self) -> Person:
        return self.actor.person

    @property
    def partnership(self) -> Partnership:
        """The partnership the call acts on; refused if the room has none."""
        if self.room_partnership is None:
            raise UserError("common.not_linked")
        return self.room_partnership

    def raise_event(self, event: DomainEvent) -> None:
        self.events.append(event)

    async def audit(
        self, action: str, *, partnership: Partnership | None = None, **detail: Any
    ) -> None:
        """The one way a use case records who changed what (in `partnership`, else the
        call's)."""
        await self.uow.audit.add(
            (partnership or self.partnership).id,
            self.person.id or None,  # 0: nobody in particular (a web visitor)
            action,
            json.dumps(detail, ensure_ascii=False, default=str),
            self.now,
        )

    async def authorize(self, permission: Permission, facts: Facts | None = None) -> None:
        """Refuse (raise NotAllowed) unless the permission allows the actor, given the facts."""
        if not await check(self, permission, facts or Facts()):
            raise await refusal(self, permission, facts or Facts())
        self.authorized.add(permission.name)


async def check(call: Call, permission: Permission, facts: Facts | None) -> bool | None:
    """The one place permissions are decided. True: allowed; False: refused; None: only the
    facts can tell (without facts, a rule that needs them is not decided)."""
    actor = call.actor
    undecided = False
    for who in permission.allowed:
        if who is Who.ANYONE:
            return True
        if who is Who.ROOM_ADMIN and actor.is_room_admin:
            return True
        if who is Who.COORDINATOR and actor.is_coordinator:
            return True
        if who is Who.CONTACT and await _speaks_for_any(call):
            return True
        if who in STATIC:
            continue
        if facts is None:
            undecided = True
        elif who is Who.HOST and facts.host is not None:
            if await _speaks_for(call, facts.host):
                return True
        elif (who is Who.AUTHOR and facts.author_id == actor.person.id) or (
            who is Who.MINUTE_TAKER and facts.minute_taker_id == actor.person.id
        ):
            return True
    return None if undecided else False


async def _active_contacts(call: Call) -> dict[int, int]:
    """person id -> member id of the partnership's current contact persons."""
    if call.room_partnership is None:
        return {}
    contacts = await call.uow.contacts.active_of_partnership(call.room_partnership.id)
    return {c.person_id: c.member_id for c in contacts}


async def _speaks_for_any(call: Call) -> bool:
    return call.person.id in await _active_contacts(call)


async def _speaks_for(call: Call, member: Member) -> bool:
    return (await _active_contacts(call)).get(call.person.id) == member.id


async def refusal(call: Call, permission: Permission, facts: Facts) -> NotAllowed:
    """The answer to a refused call: who may do it."""
    if call.actor.admin_unknown and {Who.ROOM_ADMIN, Who.COORDINATOR} & set(permission.allowed):
        # Room administrators count as coordinators too: the platform's silence is the reason.
        return NotAllowed(permission, "common.admins_unknown")
    if permission.refusal is not None:
        host = facts.host.name if facts.host is not None else "-"
        return NotAllowed(permission, permission.refusal, host=host)
    if permission.allowed == (Who.ROOM_ADMIN,):
        return NotAllowed(permission, "common.only_room_admins")
    if permission.coordinators_only:
        ids = await call.uow.coordinators.of_partnership(call.partnership.id)
        found = await call.uow.persons.many(set(ids))
        names = ", ".join(found[i].display_name for i in ids if i in found)
        key = "common.only_coordinators" if names else "common.only_coordinators_none"
        return NotAllowed(permission, key, names=names or "-")
    return NotAllowed(permission, "common.not_allowed")


P = ParamSpec("P")
R = TypeVar("R")


class UseCase(Generic[P, R]):
    """A use case with its permission; called like the function it wraps."""

    def __init__(
        self, permission: Permission, run: Callable[Concatenate[Call, P], Awaitable[R]]
    ) -> None:
        self.permission = permission
        self.run = run
        functools.update_wrapper(self, run)

    @property
    def name(self) -> str:
        return self.permission.name

    async def refuse_early(self, call: Call) -> None:
        """Refuse now if the actor surely may not run this: before the bot asks anything
        back (which date was meant?), not after the answer."""
        decided = await check(call, self.permission, None)
        if decided is False:
            raise await refusal(call, self.permission, Facts())
        open_rules = {w for w in self.permission.allowed if w not in STATIC}
        if decided is None and open_rules == {Who.HOST} and not await _speaks_for_any(call):
            # only the host's contact persons remain, and this person speaks for no member
            raise NotAllowed(self.permission, "common.only_coordinators_and_host")

    async def __call__(self, call: Call, *args: P.args, **kwargs: P.kwargs) -> R:
        decided = await check(call, self.permission, None)
        if decided is False:
            raise await refusal(call, self.permission, Facts())
        if decided:
            call.authorized.add(self.permission.name)
        result = await self.run(call, *args, **kwargs)
        if self.permission.name not in call.authorized:
            raise AssertionError(f"use case {self.name} never decided its permission")
        return result


def use_case(
    name: str, *allowed: Who, refusal: str | None = None
) -> Callable[[Callable[Concatenate[Call, P], Awaitable[R]]], UseCase[P, R]]:
    """Declare a use case and who may run it: `@use_case("meetings.move", Who.COORDINATOR,
    Who.HOST, refusal="move.not_allowed")`."""
    permission = Permission(name, allowed or (Who.ANYONE,), refusal)

    def wrap(run: Callable[Concatenate[Call, P], Awaitable[R]]) -> UseCase[P, R]:
        return UseCase(permission, run)

    return wrap
