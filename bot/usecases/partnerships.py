"""Founding a partnership and attaching rooms to it."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from bot.core.errors import UserError
from bot.core.events import RoomRef
from bot.core.model import LinkCode, Partnership, Person, Room
from bot.usecases.ports import UnitOfWork

LINK_CODE_VALIDITY = timedelta(hours=24)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


async def of_room(uow: UnitOfWork, ref: RoomRef) -> tuple[Room | None, Partnership | None]:
    """The room behind a platform's room reference and the partnership it belongs to
    (None, None for a room the bot does not know)."""
    room = await uow.rooms.find(ref)
    partnership = await uow.partnerships.get(room.partnership_id) if room else None
    return room, partnership


async def found(
    uow: UnitOfWork,
    name: str,
    room: RoomRef,
    room_name: str,
    founder: Person,
    language: str,
    timezone: str,
    now: datetime,
) -> Partnership:
    """A new partnership in this room, with the founder as its first coordinator."""
    if await uow.rooms.find(room) is not None:
        raise UserError("setup.already")
    partnership = await uow.partnerships.add(name, language, timezone, now)
    linked = await uow.rooms.add(partnership.id, room, room_name, now)
    await uow.coordinators.add(partnership.id, founder.id, now)
    await uow.presence.enter(linked.id, founder.id, now)
    await uow.audit.add(
        partnership.id, founder.id, "partnership.setup", json.dumps({"name": name}), now
    )
    return partnership


async def new_link_code(
    uow: UnitOfWork, partnership: Partnership, actor: Person, now: datetime
) -> LinkCode:
    code = LinkCode(
        code="".join(secrets.choice(_ALPHABET) for _ in range(8)),
        partnership_id=partnership.id,
        expires_at=now + LINK_CODE_VALIDITY,
    )
    await uow.link_codes.add(code)
    await uow.audit.add(partnership.id, actor.id, "room.link_code", "{}", now)
    return code


async def redeem_link_code(
    uow: UnitOfWork, code_text: str, room: RoomRef, room_name: str, actor: Person, now: datetime
) -> tuple[Partnership, Room]:
    if await uow.rooms.find(room) is not None:
        raise UserError("link.already")
    code = await uow.link_codes.get(code_text.strip().upper())
    if code is None or code.used_at is not None or code.expires_at <= now:
        raise UserError("link.bad_code", example=True)
    partnership = await uow.partnerships.get(code.partnership_id)
    if partnership is None:
        raise UserError("link.bad_code", example=True)
    await uow.link_codes.mark_used(code.code, now)
    linked = await uow.rooms.add(partnership.id, room, room_name, now)
    await uow.presence.enter(linked.id, actor.id, now)
    await uow.audit.add(
        partnership.id,
        actor.id,
        "room.link",
        json.dumps({"platform": room.platform, "room": room.room_id}),
        now,
    )
    return partnership, linked


async def unlink(
    uow: UnitOfWork, partnership: Partnership, room: Room, actor: Person, now: datetime
) -> None:
    rooms = await uow.rooms.of_partnership(partnership.id)
    if len(rooms) <= 1:
        raise UserError("unlink.last_room")
    await uow.rooms.remove(room.id)
    await uow.audit.add(
        partnership.id,
        actor.id,
        "room.unlink",
        json.dumps({"platform": room.ref.platform, "room": room.ref.room_id}),
        now,
    )
