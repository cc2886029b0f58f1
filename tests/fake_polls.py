"""The in-memory date polls of the fake unit of work (`tests/fakes.py`)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime

from bot.core.model_polls import DateOption, DatePoll, DateVote
from tests.fake_tables import Repository, stored


class FakeDatePolls(Repository):
    async def latest(self, partnership_id: int) -> DatePoll | None:
        found = [p for p in self._t.date_polls.values() if p.partnership_id == partnership_id]
        return copy.deepcopy(max(found, key=lambda p: p.id)) if found else None

    async def get(self, poll_id: int) -> DatePoll | None:
        return copy.deepcopy(self._t.date_polls.get(poll_id))

    async def of_partnership(self, partnership_id: int) -> list[DatePoll]:
        found = [p for p in self._t.date_polls.values() if p.partnership_id == partnership_id]
        return copy.deepcopy(sorted(found, key=lambda p: p.id))

    async def add(
        self,
        partnership_id: int,
        options: tuple[DateOption, ...],
        deadline: datetime,
        host_member_id: int | None,
        created_by: int | None,
        now: datetime,
    ) -> DatePoll:
        options = tuple(stored(o) for o in options)
        return self._insert(
            self._t.date_polls,
            lambda i: DatePoll(
                i, partnership_id, options, deadline, now, host_member_id, created_by
            ),
        )

    async def save(self, poll: DatePoll) -> None:
        self._update(
            self._t.date_polls, poll, "status", "closed_at", "proposal", "meeting_id", "deadline"
        )

    async def votes(self, poll_id: int) -> list[DateVote]:
        found = [v for (p, _), v in self._t.date_votes.items() if p == poll_id]
        return copy.deepcopy(sorted(found, key=lambda v: v.voted_at))

    async def withdraw(self, poll_id: int, person_id: int) -> None:
        self._t.date_votes.pop((poll_id, person_id), None)
        self._wrote()

    async def vote(self, vote: DateVote) -> None:
        numbers = tuple(sorted(set(vote.numbers)))
        self._t.date_votes[(vote.poll_id, vote.person_id)] = stored(
            dataclasses.replace(vote, numbers=numbers)
        )
        self._wrote()
