"""The chat channel: every event worth telling becomes one message in every active room of
the partnership, on every platform, in the partnership's language.

How an event reads in chat is written once per area (`chat_<area>.py`, a dict from event
type to a function of `Texts` and the event); an event without a renderer is not told in
chat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels import (
    chat_agenda,
    chat_meetings,
    chat_members,
    chat_minutes,
    chat_partnership,
    chat_polls,
    chat_reminders,
    chat_rotation,
)
from bot.core.domain_events import ChatNotice, DomainEvent
from bot.core.events import RoomRef
from bot.core.reply import Reply
from bot.i18n import Catalog
from bot.i18n.texts import Texts
from bot.usecases.ports import UnitOfWork

Renderer = Callable[[Texts, Any, datetime], Reply]

RENDERERS: dict[type[DomainEvent], Renderer] = {
    **chat_meetings.RENDERERS,
    **chat_rotation.RENDERERS,
    **chat_members.RENDERERS,
    **chat_partnership.RENDERERS,
    **chat_reminders.RENDERERS,
    **chat_agenda.RENDERERS,
    **chat_minutes.RENDERERS,
    **chat_polls.RENDERERS,
}


class ChatChannel:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def render(self, event: DomainEvent, now: datetime) -> Reply | None:
        """The message the rooms get for `event`; None when chat says nothing about it."""
        if isinstance(event, ChatNotice):
            return event.reply
        renderer = RENDERERS.get(type(event))
        if renderer is None:
            return None
        partnership = event.partnership
        texts = Texts(self.catalog, partnership.language, partnership.timezone)
        return renderer(texts, event, now)

    async def deliver(self, uow: UnitOfWork, event: DomainEvent, now: datetime) -> None:
        reply = self.render(event, now)
        if reply is None:
            return
        if event.only_room is not None:
            await post(uow, event.partnership.id, [event.only_room], reply, now)
            return
        rooms = [r.ref for r in await uow.rooms.of_partnership(event.partnership.id) if r.active]
        await post(uow, event.partnership.id, rooms, reply, now)


async def post(
    uow: UnitOfWork, partnership_id: int | None, rooms: list[RoomRef], reply: Reply, now: datetime
) -> None:
    """One outbox row per room."""
    for room in rooms:
        await uow.outbox.add(partnership_id, room, reply, now)
