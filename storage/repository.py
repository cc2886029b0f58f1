"""What every SQL repository shares: the unit of work's session and its read cache.

The repositories (`storage/partnerships.py`, `storage/people.py`, `storage/meetings.py`,
`storage/instance.py`, `storage/agenda.py`, `storage/reminders.py`) implement the protocols
of `bot.usecases.ports`. Each returns plain domain objects, never ORM rows, so nothing
outside `storage/` can trigger a lazy load or depend on SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from storage.cache import cached

T = TypeVar("T")


class SqlRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _cached(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """A lookup every command repeats, through the database's read cache."""
        return await cached(self.session.sync_session, key, load)
