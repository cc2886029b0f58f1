"""The in-memory `PollMessageRepository` of the fake unit of work (`tests/fakes.py`)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime

from bot.core.events import RoomRef
from bot.core.poll_messages import PollMessage
from tests.fake_tables import FakeIntegrityError, Repository, stored, utc


class FakePollMessages(Repository):
    async def add(self, message: PollMessage) -> None:
        key = (message.room, message.poll_key)
        if key in self._t.poll_messages:
            raise FakeIntegrityError(f"poll {key} posted before")
        self._wrote()
        self._t.poll_messages[key] = stored(message)

    async def find(self, room: RoomRef, poll_key: str) -> PollMessage | None:
        return copy.deepcopy(self._t.poll_messages.get((room, poll_key)))

    async def by_poll_id(self, platform: str, poll_id: str) -> PollMessage | None:
        for message in self._t.poll_messages.values():
            if message.room.platform == platform and message.poll_id == poll_id:
                return copy.deepcopy(message)
        return None

    async def open_in(self, room: RoomRef) -> list[PollMessage]:
        return [
            copy.deepcopy(m)
            for m in self._t.poll_messages.values()
            if m.room == room and m.closed_at is None
        ]

    async def mark_closed(self, room: RoomRef, poll_key: str, now: datetime) -> None:
        message = self._t.poll_messages.get((room, poll_key))
        if message is not None:
            self._wrote()
            self._t.poll_messages[(room, poll_key)] = dataclasses.replace(
                message, closed_at=utc(now)
            )
