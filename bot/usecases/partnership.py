"""A partnership and the rooms it lives in: founding it, linking and unlinking rooms, its
rules."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.domain_events import DomainEvent
from bot.core.errors import UserError
from bot.core.events import Identity, RoomRef
from bot.core.model import LinkCode, Partnership, Room
from bot.core.permissions import Who
from bot.usecases.base import Call, use_case
from bot.usecases.ports import UnitOfWork

LINK_CODE_VALIDITY = timedelta(hours=24)
LINK_TRIES = 5
LINK_TRIES_WINDOW = timedelta(hours=1)
"""After LINK_TRIES failed codes within the window, from one room or one account, /link
refuses until the oldest of them is an hour old: guessing an 8-letter code from a
32-letter alphabet at 5 an hour takes longer than any code lives."""
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


async def of_room(uow: UnitOfWork, ref: RoomRef) -> tuple[Room | None, Partnership | None]:
    """The room behind a platform's room reference and the partnership it belongs to
    (None, None for a room the bot does not know)."""
    room = await uow.rooms.find(ref)
    partnership = await uow.partnerships.get(room.partnership_id) if room else None
    return room, partnership


@dataclass(frozen=True)
class RoomLinked(DomainEvent):
    room: str
    """The room's name."""
    platform: str
    by: str


@dataclass(frozen=True)
class RoomUnlinked(DomainEvent):
    room: str
    by: str


@dataclass(frozen=True)
class RulesSet(DomainEvent):
    by: str


@dataclass(frozen=True)
class FoundPartnership:
    name: str
    room_name: str
    """The name of the room it is founded in."""
    language: str


@dataclass(frozen=True)
class LinkRoom:
    code: str
    room_name: str


@dataclass(frozen=True)
class LinkRefused:
    """A code that did not work, or one try too many. Recorded (per room and account, and
    in the audit of the partnership a known code belongs to), so not an error that rolls
    back."""

    throttled_until: datetime | None = None
    """Set when the code was not even looked at: too many failures in the last hour."""


@dataclass(frozen=True)
class SetRules:
    text: str


def _source(call: Call) -> RoomRef:
    assert call.source is not None, "a room is linked from a chat room"
    return call.source


@use_case("partnership.setup", Who.ROOM_ADMIN)
async def setup(call: Call, command: FoundPartnership) -> Partnership:
    """A new partnership in this room, with the founder as its first coordinator."""
    uow, ref = call.uow, _source(call)
    if await uow.rooms.find(ref) is not None:
        raise UserError("setup.already")
    partnership = await uow.partnerships.add(
        command.name, command.language, call.default_timezone, call.now
    )
    linked = await uow.rooms.add(partnership.id, ref, command.room_name, call.now)
    await uow.coordinators.add(partnership.id, call.person.id, call.now)
    await uow.presence.enter(linked.id, call.person.id, call.now)
    await call.audit("partnership.setup", partnership=partnership, name=command.name)
    return partnership


@use_case("partnership.link_code", Who.COORDINATOR, refusal="link.only_coordinators")
async def make_link_code(call: Call) -> LinkCode:
    """A code another room redeems with `/link <code>` to join this partnership."""
    partnership = call.partnership
    code = LinkCode(
        code="".join(secrets.choice(_ALPHABET) for _ in range(8)),
        partnership_id=partnership.id,
        expires_at=call.now + LINK_CODE_VALIDITY,
    )
    await call.uow.link_codes.add(code)
    await call.audit("room.link_code")
    return code


def _account(call: Call, ref: RoomRef) -> Identity:
    """The caller's account on the room's platform (the one that typed the code)."""
    found = next((i for i in call.person.identities if i.platform == ref.platform), None)
    return found or Identity(ref.platform, f"person:{call.person.id}")


@use_case("partnership.link", Who.ROOM_ADMIN, refusal="link.only_room_admins")
async def link(call: Call, command: LinkRoom) -> RoomLinked | LinkRefused:
    """This room joins the partnership whose code it gives; failed codes are counted."""
    uow, ref = call.uow, _source(call)
    if await uow.rooms.find(ref) is not None:
        raise UserError("link.already")
    account = _account(call, ref)
    failures = await uow.link_codes.failures(ref, account, call.now - LINK_TRIES_WINDOW)
    if len(failures) >= LINK_TRIES:
        return LinkRefused(throttled_until=failures[-LINK_TRIES] + LINK_TRIES_WINDOW)
    wanted = command.code.strip().upper()
    code = await uow.link_codes.get(wanted) if len(wanted) <= 32 else None
    partnership = await uow.partnerships.get(code.partnership_id) if code else None
    if code is None or partnership is None or code.used_at or code.expires_at <= call.now:
        await uow.link_codes.failed(ref, account, call.now)
        if partnership is not None:
            reason = "used" if code and code.used_at else "expired"
            where = {"platform": ref.platform, "room": ref.room_id}
            await call.audit("room.link_refused", partnership=partnership, reason=reason, **where)
        return LinkRefused()
    await uow.link_codes.mark_used(code.code, call.now)
    linked = await uow.rooms.add(partnership.id, ref, command.room_name, call.now)
    await uow.presence.enter(linked.id, call.person.id, call.now)
    await call.audit("room.link", partnership=partnership, platform=ref.platform, room=ref.room_id)
    event = RoomLinked(partnership, linked.name, linked.ref.platform, call.person.display_name)
    call.raise_event(event)
    return event


@use_case("partnership.unlink", Who.COORDINATOR)
async def unlink(call: Call) -> RoomUnlinked:
    """This room leaves the partnership (not the last one)."""
    partnership, room = call.partnership, call.room
    assert room is not None
    rooms = await call.uow.rooms.of_partnership(partnership.id)
    if len(rooms) <= 1:
        raise UserError("unlink.last_room")
    await call.uow.rooms.remove(room.id)
    await call.audit("room.unlink", platform=room.ref.platform, room=room.ref.room_id)
    event = RoomUnlinked(partnership, room.name, call.person.display_name)
    call.raise_event(event)
    return event


@use_case("partnership.rooms")
async def rooms(call: Call) -> list[Room]:
    return await call.uow.rooms.of_partnership(call.partnership.id)


@use_case("partnership.rules")
async def rules(call: Call) -> str:
    """The partnership's rules ("" when it has none)."""
    return call.partnership.rules


@use_case("partnership.set_rules", Who.COORDINATOR)
async def set_rules(call: Call, command: SetRules) -> RulesSet:
    partnership = call.partnership
    partnership.rules = command.text
    await call.uow.partnerships.save(partnership)
    await call.audit("rules.set", length=len(command.text))
    event = RulesSet(partnership, call.person.display_name)
    call.raise_event(event)
    return event
