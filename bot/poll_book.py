"""Which of the bot's polls a platform's poll id is: the adapters ask here for every vote.

Read from the database (`PollMessage`, written when the platform accepted the poll), so a
vote after a restart finds its poll; kept in memory once found (a posting never moves).
Votes for polls not found (other people's polls) are the adapters' to ignore.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from bot.core.events import RoomRef
from bot.core.poll_messages import PollMessage
from bot.usecases.ports import UnitOfWorkFactory

KEEP = 2000


class PollBook:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self.uow_factory = uow_factory
        self._known: OrderedDict[tuple[str, str], PollMessage] = OrderedDict()

    async def find(self, platform: str, poll_id: str) -> PollMessage | None:
        key = (platform, poll_id)
        found = self._known.get(key)
        if found is None:
            async with self.uow_factory() as uow:
                found = await uow.poll_messages.by_poll_id(platform, poll_id)
            if found is None:
                return None
            self._known[key] = found
            while len(self._known) > KEEP:
                self._known.popitem(last=False)
        return found

    async def gone(self, posted: PollMessage, now: datetime) -> None:
        """The poll was deleted where it was posted (a redaction): nothing there is ended or
        fetched any more; the votes it brought keep counting."""
        async with self.uow_factory() as uow:
            await uow.poll_messages.mark_closed(posted.room, posted.poll_key, now)
            await uow.commit()

    async def open_in(self, room: RoomRef) -> list[PollMessage]:
        """The room's polls not ended yet (votes may have come while the bot was away)."""
        async with self.uow_factory() as uow:
            return await uow.poll_messages.open_in(room)
