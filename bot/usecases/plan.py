"""The meeting plan: who hosts which meeting, and which turns are still to come.

Nothing fires when a meeting's time passes. Whenever somebody asks, `plan()` first settles
every meeting whose time has passed: it counts as held, and its host (the member in line at
that moment, by replaying the rotation up to then) is recorded, so later changes of the
membership never rewrite the past.

So that a long history costs no more than a short one, the rotation's state is kept as of
a moment before which nothing can change any more (`_settled_until`: no planned meeting's
host was fixed and no planned meeting starts before it), and only what came since is loaded
and replayed. A rename or a rejoin rewrites a member's past; the kept state names the
members it was computed with, and is computed afresh from the first event when they differ.
"""

from __future__ import annotations

import hashlib
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
HISTORY = 10
"""How many past hosts and rotation changes the plan has at hand (`/reihenfolge` shows them)."""
RECENT = timedelta(days=70)
"""Meetings this recent are always at hand (the minutes reminders look back up to 60 days)."""

Event = tuple[datetime, int, rot.RotationEvent]


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
    """Every planned meeting, every one of the last `RECENT` days, the last `HISTORY` held
    and the last cancelled (all of them while the rotation is computed from the start)."""
    overrides: list[RotationOverride]
    """At least the last `HISTORY`, oldest first."""
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
) -> list[Event]:
    """Everything the rotation depends on, sortable by time. At the same instant, member
    changes come first, then hosts fixed at planning, then overrides, then meetings held."""
    events: list[Event] = []
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
    names: dict[int, str], events: list[Event], start: rot.Rotation | None = None
) -> rot.Rotation:
    ordered = sorted(enumerate(events), key=lambda e: (e[1][0], e[1][1], e[0]))
    return rot.replay(names, (event for _, (_, _, event) in ordered), start)


def _fingerprint(members: list[Member], as_of: datetime) -> str:
    """The members as the rotation saw them before `as_of`."""
    seen = sorted(
        (
            m.id,
            m.name,
            m.joined_at.isoformat(),
            m.left_at.isoformat() if m.left_at is not None and m.left_at < as_of else "-",
        )
        for m in members
        if m.joined_at < as_of
    )
    return hashlib.sha256(repr(seen).encode()).hexdigest()


@dataclass
class _History:
    """What the rotation is computed from: a kept state as of `as_of` (None: from the
    first event) and what is loaded of the members, meetings and overrides."""

    names: dict[int, str]
    as_of: datetime | None
    state: str | None
    members: list[Member]
    meetings: list[Meeting]
    overrides: list[RotationOverride]

    def events(self) -> list[Event]:
        found = _events(self.members, self.meetings, self.overrides)
        if self.as_of is None:
            return found
        return [e for e in found if e[0] >= self.as_of]

    def replay(self, until: datetime | None = None, before: datetime | None = None) -> rot.Rotation:
        """The rotation after the events up to `until` (or only those before `before`)."""
        events = self.events()
        if until is not None:
            events = [e for e in events if e[0] <= until]
        if before is not None:
            events = [e for e in events if e[0] < before]
        start = rot.Rotation.restore(self.names, self.state) if self.state is not None else None
        return _replay(self.names, events, start)


async def _history(uow: UnitOfWork, p: Partnership, now: datetime) -> _History:
    members = await uow.members.of_partnership(p.id)
    names = {m.id: m.name for m in members}
    kept = await uow.rotation_states.get(p.id)
    if kept is not None and kept[0] <= now and kept[1] == _fingerprint(members, kept[0]):
        as_of, state = kept[0], kept[2]
        recent = (now - RECENT).replace(hour=0, minute=0, second=0, microsecond=0)
        meetings = await uow.meetings.for_plan(p.id, min(as_of, recent), HISTORY)
        overrides = await uow.overrides.for_plan(p.id, as_of, HISTORY)
        return _History(names, as_of, state, members, meetings, overrides)
    meetings = await uow.meetings.of_partnership(p.id)
    overrides = await uow.overrides.of_partnership(p.id)
    return _History(names, None, None, members, meetings, overrides)


def _settled_until(history: _History, now: datetime) -> datetime:
    """Before this moment nothing can change any more: no planned meeting (which may still
    move, lose its host or be cancelled) starts or had its host fixed before it."""
    moments = [now]
    for meeting in history.meetings:
        if meeting.status == "scheduled":
            moments.append(meeting.starts_at)
            if meeting.host_fixed_at is not None:
                moments.append(meeting.host_fixed_at)
    return min(moments)


async def _keep_state(uow: UnitOfWork, p: Partnership, history: _History, now: datetime) -> None:
    """Move the kept state up to the moment before which nothing changes any more, when
    events came since (a read that finds nothing new writes nothing)."""
    until = _settled_until(history, now)
    if history.as_of is not None and until <= history.as_of:
        return
    if not any(e[0] < until for e in history.events()):
        return
    state = history.replay(before=until).snapshot()
    await uow.rotation_states.put(p.id, until, _fingerprint(history.members, until), state)


async def current_plan(uow: UnitOfWork, p: Partnership, now: datetime) -> Plan:
    """Settle meetings whose time has passed, fix the host of planned meetings that have
    none yet, then compute who hosts what from here on."""
    history = await _history(uow, p, now)
    members, meetings, overrides = history.members, history.meetings, history.overrides
    for meeting in meetings:
        if meeting.status == "scheduled" and meeting.starts_at <= now:
            if meeting.host_member_id is None:
                meeting.host_member_id = history.replay(until=meeting.starts_at).next_host()
            meeting.status = "held"
            await uow.meetings.save(meeting)
    state = history.replay()
    for meeting in meetings:
        if meeting.status == "scheduled" and meeting.host_member_id is None and state.active:
            # after every recorded change, also one made at this very instant
            after = max([now, *(o.at + _TICK for o in overrides if o.at >= now)])
            await fix_host(uow, meeting, state, after)
            state = history.replay()
    await _keep_state(uow, p, history, now)
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
