"""Messages the bot sends on its own go to the outbox, in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from bot.core.events import RoomRef
from bot.core.reply import Reply
from bot.usecases.ports import UnitOfWork


async def announce(uow: UnitOfWork, partnership_id: int, reply: Reply, now: datetime) -> None:
    """To every active room of the partnership, on every platform."""
    for room in await uow.rooms.of_partnership(partnership_id):
        if room.active:
            await uow.outbox.add(partnership_id, room.ref, reply, now)


async def tell_room(
    uow: UnitOfWork, partnership_id: int | None, room: RoomRef, reply: Reply, now: datetime
) -> None:
    await uow.outbox.add(partnership_id, room, reply, now)
