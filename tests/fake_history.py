"""The in-memory repositories' reads of only what is open, planned or recent, and the kept
rotation state (`tests/fakes.py`): answered from the whole tables, as the SQL ones answer
from their indexes."""

from __future__ import annotations

from datetime import datetime

from bot.core.model import ActionItem, AgendaItem, Meeting, Minutes, Reminder, RotationOverride
from tests.fake_records import (
    FakeActions,
    FakeAgenda,
    FakeMeetings,
    FakeMinutes,
    FakeOverrides,
    FakeReminders,
)
from tests.fake_tables import Repository, ordered


class FakeMeetingsRecent(FakeMeetings):
    async def for_plan(self, partnership_id: int, since: datetime, keep: int) -> list[Meeting]:
        every = await self.of_partnership(partnership_id)
        held = [m.id for m in every if m.status == "held"][-keep:] if keep else []
        cancelled = [
            m.id
            for m in sorted(
                (m for m in every if m.status == "cancelled"), key=lambda m: (m.updated_at, m.id)
            )[-1:]
        ]
        return [
            m
            for m in every
            if m.status == "scheduled"
            or m.starts_at >= since
            or (m.host_fixed_at is not None and m.host_fixed_at >= since)
            or m.id in held
            or m.id in cancelled
        ]

    async def get(self, meeting_id: int) -> Meeting | None:
        found = [m for m in self._t.meetings.values() if m.id == meeting_id]
        return ordered(found, lambda m: m.id)[0] if found else None

    async def many(self, meeting_ids: set[int]) -> dict[int, Meeting]:
        found = [m for m in self._t.meetings.values() if m.id in meeting_ids]
        return {m.id: m for m in ordered(found, lambda m: m.id)}

    async def for_agenda(self, partnership_id: int, since: datetime) -> list[Meeting]:
        taking = {m.meeting_id for m in self._t.minutes.values() if m.status == "open"}
        return [
            m
            for m in await self.of_partnership(partnership_id)
            if m.starts_at >= since or m.id in taking
        ]

    async def past(self, partnership_id: int, now: datetime, count: int) -> list[Meeting]:
        found = [m for m in await self.of_partnership(partnership_id) if m.starts_at <= now]
        return found[-count:] if count else []

    async def last_held(
        self,
        partnership_id: int,
        *,
        host_member_id: int | None = None,
        with_place: bool = False,
        minutes: bool | None = None,
    ) -> Meeting | None:
        recorded = {m.meeting_id for m in self._t.minutes.values()}
        found = [
            m
            for m in await self.of_partnership(partnership_id)
            if m.status == "held"
            and (host_member_id is None or m.host_member_id == host_member_id)
            and (not with_place or m.place)
            and (minutes is None or (m.id in recorded) == minutes)
        ]
        return found[-1] if found else None

    async def last_with_final_minutes(
        self, partnership_id: int, before: datetime | None
    ) -> Meeting | None:
        final = {m.meeting_id for m in self._t.minutes.values() if m.status != "open"}
        found = [
            m
            for m in await self.of_partnership(partnership_id)
            if m.id in final and (before is None or m.starts_at < before)
        ]
        return found[-1] if found else None


class FakeOverridesRecent(FakeOverrides):
    async def for_plan(
        self, partnership_id: int, since: datetime, keep: int
    ) -> list[RotationOverride]:
        every = await self.of_partnership(partnership_id)
        last = {o.id for o in every[-keep:]} if keep else set()
        return [o for o in every if o.at >= since or o.id in last]


class FakeAgendaOpen(FakeAgenda):
    async def open_items(self, partnership_id: int, done_in: int | None = None) -> list[AgendaItem]:
        return [
            i
            for i in await self.of_partnership(partnership_id)
            if i.status == "open" or (i.status == "done" and i.meeting_id == done_in)
        ]

    async def get(self, item_id: int) -> AgendaItem | None:
        found = [i for i in self._t.agenda.values() if i.id == item_id and i.status != "removed"]
        return ordered(found, lambda i: i.id)[0] if found else None

    async def highest_position(self, partnership_id: int) -> int:
        return max((i.position for i in await self.of_partnership(partnership_id)), default=0)


class FakeMinutesOpen(FakeMinutes):
    async def open_of_partnership(self, partnership_id: int) -> list[Minutes]:
        return [m for m in await self.of_partnership(partnership_id) if m.open]

    async def for_meetings(self, meeting_ids: set[int]) -> list[Minutes]:
        found = (m for m in self._t.minutes.values() if m.meeting_id in meeting_ids)
        return ordered(found, lambda m: m.id)


class FakeMinutesArchive(FakeMinutesOpen):
    def _finished(self, partnership_id: int) -> list[Minutes]:
        starts = {m.id: m.starts_at for m in self._t.meetings.values()}
        found = (
            m
            for m in self._t.minutes.values()
            if m.partnership_id == partnership_id and not m.open and m.document
        )
        return ordered(found, lambda m: (starts[m.meeting_id], m.started_at, m.id))

    async def finished_count(self, partnership_id: int) -> int:
        return len(self._finished(partnership_id))

    async def finished(
        self, partnership_id: int, offset: int, limit: int, newest: bool = False
    ) -> list[Minutes]:
        found = self._finished(partnership_id)
        if newest:
            return found[::-1][offset : offset + limit][::-1]
        return found[offset : offset + limit]

    async def finished_between(
        self, partnership_id: int, start: datetime, end: datetime
    ) -> list[Minutes]:
        starts = {m.id: m.starts_at for m in self._t.meetings.values()}
        return [m for m in self._finished(partnership_id) if start <= starts[m.meeting_id] < end]


class FakeActionsOpen(FakeActions):
    async def open_of_partnership(self, partnership_id: int) -> list[ActionItem]:
        return [a for a in await self.of_partnership(partnership_id) if a.open]

    async def by_number(self, partnership_id: int, number: int) -> ActionItem | None:
        found = [a for a in await self.of_partnership(partnership_id) if a.number == number]
        return found[0] if found else None


class FakeRemindersReplan(FakeReminders):
    async def for_replan(self, partnership_id: int, keys: set[tuple[str, str]]) -> list[Reminder]:
        return [
            r
            for r in await self.of_partnership(partnership_id)
            if r.status == "pending" or (r.kind, r.key) in keys
        ]


class FakeRotationStates(Repository):
    async def get(self, partnership_id: int) -> tuple[datetime, str, str] | None:
        return self._t.rotation_states.get(partnership_id)

    async def put(self, partnership_id: int, as_of: datetime, fingerprint: str, state: str) -> None:
        self._wrote()
        self._t.rotation_states[partnership_id] = (as_of, fingerprint, state)

    async def drop(self, partnership_id: int) -> None:
        self._wrote()
        self._t.rotation_states.pop(partnership_id, None)
