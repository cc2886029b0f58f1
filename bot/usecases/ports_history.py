"""What the plan needs from storage to keep a long history cheap (see `bot.usecases.ports`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.model import Meeting, Minutes


class RotationStateRepository(Protocol):
    """The rotation's state as of a moment (see `bot.usecases.plan`)."""

    async def get(self, partnership_id: int) -> tuple[datetime, str, str] | None:
        """(as_of, fingerprint, state)."""
        ...

    async def put(
        self, partnership_id: int, as_of: datetime, fingerprint: str, state: str
    ) -> None: ...
    async def drop(self, partnership_id: int) -> None: ...


class RecentMeetings(Protocol):
    """The reads of a `MeetingRepository` that load only what is planned or recent."""

    async def for_plan(self, partnership_id: int, since: datetime, keep: int) -> list[Meeting]:
        """By start time: every planned meeting, every one that starts or got its host since
        `since`, the last `keep` held and the last cancelled one."""
        ...

    async def get(self, meeting_id: int) -> Meeting | None: ...
    async def many(self, meeting_ids: set[int]) -> dict[int, Meeting]: ...
    async def for_agenda(self, partnership_id: int, since: datetime) -> list[Meeting]:
        """By start time: every meeting starting at `since` or later (cancelled ones
        included), and every one in meeting mode (its minutes open)."""
        ...

    async def past(self, partnership_id: int, now: datetime, count: int) -> list[Meeting]:
        """The last `count` meetings that started by `now`, oldest first."""
        ...

    async def last_held(
        self,
        partnership_id: int,
        *,
        host_member_id: int | None = None,
        with_place: bool = False,
        minutes: bool | None = None,
    ) -> Meeting | None:
        """The latest held meeting (by start) of this host, with a place, with minutes (any,
        open ones too) or without: as far as given."""
        ...

    async def last_with_final_minutes(
        self, partnership_id: int, before: datetime | None
    ) -> Meeting | None:
        """The latest meeting (by start, before `before`) whose minutes are finished."""
        ...


class MinutesArchive(Protocol):
    """The reads of a `MinutesRepository` that load only the minutes asked for."""

    async def finished_count(self, partnership_id: int) -> int:
        """How many finished minutes with a document there are."""
        ...

    async def finished(
        self, partnership_id: int, offset: int, limit: int, newest: bool = False
    ) -> list[Minutes]:
        """Finished minutes with a document, by meeting start: `limit` from `offset` on,
        counted from the newest when `newest` (still oldest first)."""
        ...

    async def finished_between(
        self, partnership_id: int, start: datetime, end: datetime
    ) -> list[Minutes]:
        """Those of the meetings starting in [start, end), by meeting start."""
        ...
