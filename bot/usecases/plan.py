"""The meeting plan: who hosts which meeting, and which turns are still to come.

Nothing fires when a meeting's time passes. Whenever somebody asks, `plan()` first settles
every meeting whose time has passed: it counts as held, and its host (the member in line at
that moment, by replaying the rotation up to then) is recorded, so later changes of the
membership never rewrite the past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.model import Meeting, Member, Partnership, RotationOverride
from bot.core.text import din5007_key
from bot.core.timefmt import local
from bot.domain import rotation as rot
from bot.usecases.ports import UnitOfWork

CADENCES = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
DEFAULT_CADENCE = "quarterly"
_TICK = timedelta(microseconds=1)
"""Agenda proposals are expected until this long before a meeting."""


@dataclass(frozen=True, order=True)
class Period:
    """A stretch of the calendar the cadence expects one meeting in (a quarter, a month)."""

    year: int
    index: int
    months: int

    @staticmethod
    def of(when: datetime, timezone: str, cadence: str) -> Period:
        months = CADENCES.get(cadence, 3)
        day = local(when, timezone)
        return Period(day.year, (day.month - 1) // months, months)

    def shifted(self, steps: int) -> Period:
        per_year = 12 // self.months
        total = self.year * per_year + self.index + steps
        return Period(total // per_year, total % per_year, self.months)

    @property
    def first_month(self) -> int:
        return self.index * self.months + 1


@dataclass(frozen=True)
class Turn:
    """A coming turn to host: the meeting already scheduled for it, or the period expected."""

    member: Member
    meeting: Meeting | None
    period: Period | None


@dataclass
class Plan:
    """Everything about meetings and hosts at one moment."""

    members: list[Member]
    meetings: list[Meeting]
    overrides: list[RotationOverride]
    upcoming: list[tuple[Meeting, Member | None]]
    held: list[tuple[Meeting, Member | None]]
    turns: list[Turn]

    def member(self, member_id: int | None) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    @property
    def open_turns(self) -> list[Turn]:
        """The turns no meeting is planned for yet, in order."""
        return [t for t in self.turns if t.meeting is None]

    @property
    def next_host(self) -> Member | None:
        """Who hosts the next meeting not planned yet (planned ones keep their hosts)."""
        found = self.open_turns
        return found[0].member if found else None

    @property
    def next_meeting(self) -> tuple[Meeting, Member | None] | None:
        return self.upcoming[0] if self.upcoming else None

    def host_for(self, starts_at: datetime) -> Member | None:
        """Who would host a new meeting: the next turn not planned yet, whenever it is."""
        return self.next_host

    def hosts(self) -> dict[int, int | None]:
        """meeting id -> host id for the coming meetings; to see what a change did."""
        return {m.id: (h.id if h else None) for m, h in self.upcoming}


def _events(
    members: list[Member], meetings: list[Meeting], overrides: list[RotationOverride]
) -> list[tuple[datetime, int, rot.RotationEvent]]:
    """Everything the rotation depends on, sortable by time. At the same instant, member
    changes come first, then hosts fixed at planning, then overrides, then meetings held."""
    events: list[tuple[datetime, int, rot.RotationEvent]] = []
    for member in members:
        events.append((member.joined_at, 0, rot.Joined(member.id, member.joined_at)))
        if member.left_at is not None:
            events.append((member.left_at, 0, rot.Left(member.id, member.left_at)))
    for o in overrides:
        event: rot.RotationEvent | None = None
        if o.kind == "skip":
            event = rot.Skipped(o.at)
        elif o.kind == "swap" and o.member_id is not None and o.other_member_id is not None:
            event = rot.Swapped(o.member_id, o.other_member_id, o.at)
        elif o.kind == "set" and o.member_id is not None:
            event = rot.HostSet(o.member_id, o.at)
        if event is not None:
            events.append((o.at, 2, event))
    for meeting in meetings:
        if meeting.cancelled or meeting.host_member_id is None:
            continue
        # A host fixed at planning takes its turn then; older meetings when they were held.
        at = meeting.host_fixed_at or meeting.starts_at
        if meeting.host_fixed_at is not None:
            events.append((at, 1, rot.Hosted(meeting.host_member_id, at)))
        elif meeting.status == "held":
            events.append((at, 3, rot.Hosted(meeting.host_member_id, at)))
    return events


def _replay(
    names: dict[int, str], events: list[tuple[datetime, int, rot.RotationEvent]]
) -> rot.Rotation:
    ordered = sorted(enumerate(events), key=lambda e: (e[1][0], e[1][1], e[0]))
    return rot.replay(names, (event for _, (_, _, event) in ordered))


async def current_plan(uow: UnitOfWork, p: Partnership, now: datetime) -> Plan:
    """Settle meetings whose time has passed, fix the host of planned meetings that have
    none yet, then compute who hosts what from here on."""
    members = await uow.members.of_partnership(p.id)
    meetings = await uow.meetings.of_partnership(p.id)
    overrides = await uow.overrides.of_partnership(p.id)
    names = {m.id: m.name for m in members}
    for meeting in meetings:
        if meeting.status == "scheduled" and meeting.starts_at <= now:
            if meeting.host_member_id is None:
                before = [
                    e for e in _events(members, meetings, overrides) if e[0] <= meeting.starts_at
                ]
                meeting.host_member_id = _replay(names, before).next_host()
            meeting.status = "held"
            await uow.meetings.save(meeting)
    state = _replay(names, _events(members, meetings, overrides))
    for meeting in meetings:
        if meeting.status == "scheduled" and meeting.host_member_id is None and state.active:
            # after every recorded change, also one made at this very instant
            after = max([now, *(o.at + _TICK for o in overrides if o.at >= now)])
            await fix_host(uow, meeting, state, after)
            state = _replay(names, _events(members, meetings, overrides))
    by_id = {m.id: m for m in members}
    coming = [m for m in meetings if m.status == "scheduled"]
    upcoming = [(m, by_id.get(m.host_member_id or -1)) for m in coming]
    planned = sum(1 for _, h in upcoming if h is not None)
    wanted = max(len(state.active) - planned, min(len(state.active), 2))
    order = [by_id[i] for i in state.upcoming(wanted)]
    held = [(m, by_id.get(m.host_member_id or -1)) for m in meetings if m.status == "held"]
    turns = _turns(p, now, order, upcoming, held)
    return Plan(members, meetings, overrides, upcoming, held, turns)


async def fix_host(uow: UnitOfWork, meeting: Meeting, state: rot.Rotation, now: datetime) -> None:
    """The member in line takes this meeting's turn, from now on."""
    meeting.host_member_id = state.next_host()
    meeting.host_fixed_at = now
    await uow.meetings.save(meeting)


def _turns(
    p: Partnership,
    now: datetime,
    order: list[Member],
    upcoming: list[tuple[Meeting, Member | None]],
    held: list[tuple[Meeting, Member | None]],
) -> list[Turn]:
    """The planned meetings with their hosts, then each coming host with the period the
    cadence expects it in: the one after the last meeting known, never before the current
    one."""
    turns = [Turn(host, meeting, None) for meeting, host in upcoming if host is not None]
    known = [m.starts_at for m, _ in upcoming] or [m.starts_at for m, _ in held[-1:]]
    current = Period.of(now, p.timezone, p.cadence)
    expected = (
        max(Period.of(known[-1], p.timezone, p.cadence).shifted(1), current) if known else current
    )
    for member in order:
        turns.append(Turn(member, None, expected))
        expected = expected.shifted(1)
    return turns


def default_place(meeting: Meeting, host: Member | None) -> str:
    """Where a meeting takes place: as given, else at the host member."""
    return meeting.place or (host.name if host else "")


async def raise_sequences(uow: UnitOfWork, before: Plan, after: Plan, now: datetime) -> None:
    """A meeting whose host changed is a changed calendar entry."""
    old = before.hosts()
    for meeting, host in after.upcoming:
        if meeting.id in old and old[meeting.id] != (host.id if host else None):
            meeting.sequence += 1
            meeting.updated_at = now
            await uow.meetings.save(meeting)


def in_din_order(members: list[Member]) -> list[Member]:
    return sorted(members, key=lambda m: din5007_key(m.name))
