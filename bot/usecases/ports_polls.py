"""What the date polls need from storage (a part of the unit of work, see `ports`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.model_polls import DateOption, DatePoll, DateVote


class DatePollRepository(Protocol):
    async def latest(self, partnership_id: int) -> DatePoll | None:
        """The partnership's newest poll, open or not."""
        ...

    async def get(self, poll_id: int) -> DatePoll | None: ...
    async def of_partnership(self, partnership_id: int) -> list[DatePoll]:
        """Every poll, oldest first."""
        ...

    async def add(
        self,
        partnership_id: int,
        options: tuple[DateOption, ...],
        deadline: datetime,
        host_member_id: int | None,
        created_by: int | None,
        now: datetime,
    ) -> DatePoll: ...
    async def save(self, poll: DatePoll) -> None:
        """Status, closing, proposal and meeting (the times never change)."""
        ...

    async def votes(self, poll_id: int) -> list[DateVote]: ...
    async def vote(self, vote: DateVote) -> None:
        """The person's answer replaces any earlier one."""
        ...

    async def withdraw(self, poll_id: int, person_id: int) -> None:
        """The person's answer is taken back: as if they had not answered."""
        ...
