"""Meetings: scheduling, moving and cancelling the next one, and what the partners see of
them (`/naechstes`, `/treffen`, `/kalender`)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from bot.core.domain_events import (
    MeetingCancelled,
    MeetingMoved,
    MeetingScheduled,
    MinuteTakerSet,
)
from bot.core.errors import UserError
from bot.core.model import Meeting, Member, Partnership
from bot.core.permissions import Permission, Who
from bot.core.timefmt import local
from bot.usecases.agenda import agenda_deadline, agenda_for
from bot.usecases.base import Call, Facts, check, use_case
from bot.usecases.meeting_hosts import minute_taker
from bot.usecases.people import find_person
from bot.usecases.plan import Plan, Turn, current_plan

Planned = tuple[Meeting, Member | None]


@dataclass(frozen=True)
class Details:
    """What a meeting needs besides its start: an end, where exactly, and a link."""

    ends_at: datetime | None = None
    address: str = ""
    online_url: str = ""


@dataclass(frozen=True)
class ScheduleMeeting:
    starts_at: datetime
    place: str = ""
    """Empty: at the host member."""
    details: Details = Details()
    following: bool = False
    """True: plan the following meeting although one is planned (the user chose so)."""


@dataclass(frozen=True)
class MoveMeeting:
    starts_at: datetime
    place: str = ""
    """Empty: the place stays."""
    which: str = ""
    """The meeting as the user named it: its number in /treffen or its day; empty: the
    only one planned."""
    details: Details = Details()


@dataclass(frozen=True)
class CancelMeeting:
    reason: str = ""
    which: str = ""


@dataclass(frozen=True)
class SetMinuteTaker:
    person: str
    """A person's name; empty: the host's contact persons again."""
    which: str = ""


@dataclass(frozen=True)
class AlreadyPlanned:
    """A meeting is planned already: move it or plan the following one? Nothing changed."""

    planned: list[Planned]
    next_host: Member | None


@dataclass(frozen=True)
class WhichMeeting:
    """Several meetings are planned and the command did not say which. Nothing changed."""

    planned: list[tuple[int, Meeting, Member | None]]
    """(number, meeting, host)."""


_NUMBER = re.compile(r"^(?:nr\.?\s*|no\.?\s*|#)?(\d{1,2})$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(\d{2}|\d{4})?$")


def is_meeting_name(text: str) -> bool:
    """Whether `text` names a planned meeting (a number or a day), for the handlers."""
    return bool(_NUMBER.match(text.strip()) or _DAY.match(text.strip()))


def choose(plan: Plan, which: str, timezone: str) -> Planned | WhichMeeting:
    """The planned meeting `which` names; several that fit: the question which."""
    numbered = [(i + 1, m, h) for i, (m, h) in enumerate(plan.upcoming)]
    if not numbered:
        raise UserError("meeting.none_planned")
    which = which.strip()
    if not which:
        found = numbered
    elif number := _NUMBER.match(which):
        found = [n for n in numbered if n[0] == int(number.group(1))]
        if not found:
            raise UserError("meeting.no_number", number=which, count=len(numbered))
    elif day := _DAY.match(which):
        d, m, y = int(day.group(1)), int(day.group(2)), day.group(3)
        found = [
            n
            for n in numbered
            if (at := local(n[1].starts_at, timezone)).day == d
            and at.month == m
            and (y is None or at.year % 100 == int(y) % 100)
        ]
        if not found:
            raise UserError("meeting.none_that_day", day=which)
    else:
        raise UserError("meeting.which_unknown", text=which)
    if len(found) > 1:
        return WhichMeeting(found)
    return found[0][1], found[0][2]


async def _pick(
    call: Call, permission: Permission, plan: Plan, which: str
) -> Planned | WhichMeeting:
    """The meeting `which` names, among those the caller may act on; with several, the
    question which (the caller may act on each)."""
    chosen = choose(plan, which, call.partnership.timezone)
    if isinstance(chosen, WhichMeeting):
        allowed = [
            n for n in chosen.planned if await check(call, permission, Facts(host=n[2])) is True
        ]
        if len(allowed) > 1:
            call.authorized.add(permission.name)
            return WhichMeeting(allowed)
        first = allowed[0] if allowed else chosen.planned[0]
        chosen = (first[1], first[2])
    await call.authorize(permission, Facts(host=chosen[1]))
    return chosen


def _clash(current: Plan, starts_at: datetime, ignore: Meeting | None = None) -> None:
    for meeting, _ in current.upcoming:
        if meeting is not ignore and meeting.starts_at == starts_at:
            raise UserError("schedule.clash")


def _apply(meeting: Meeting, details: Details, moving: bool) -> None:
    """New details; when moving, what was not given again stays."""
    if details.ends_at is not None or not moving:
        meeting.ends_at = details.ends_at
    if details.address or not moving:
        meeting.address = details.address
    if details.online_url or not moving:
        meeting.online_url = details.online_url
    if meeting.ends_at is not None and meeting.ends_at <= meeting.starts_at:
        raise UserError("meeting.end_before_start")


async def _to_come(call: Call, plan: Plan) -> list[Planned]:
    """The planned meetings not already held early (their minutes closed)."""
    found = []
    for meeting, host in plan.upcoming:
        minutes = await call.uow.minutes.for_meeting(meeting.id)
        if minutes is None or minutes.open:
            found.append((meeting, host))
    return found


@use_case("meetings.schedule", Who.COORDINATOR, Who.HOST, refusal="schedule.not_allowed")
async def schedule(call: Call, command: ScheduleMeeting) -> MeetingScheduled | AlreadyPlanned:
    """A new meeting for the member whose turn is next; its host stays fixed. While one is
    planned, ask first whether that one is to move (nothing changes until answered)."""
    partnership = call.partnership
    before = await current_plan(call.uow, partnership, call.now)
    await call.authorize(schedule.permission, Facts(host=before.next_host))
    if before.next_host is None:
        raise UserError("schedule.no_members")
    if not command.following and (pending := await _to_come(call, before)):
        return AlreadyPlanned(pending, before.next_host)
    _clash(before, command.starts_at)
    meeting = await call.uow.meetings.add(
        partnership.id, uuid.uuid4().hex, command.starts_at, command.place, call.now
    )
    _apply(meeting, command.details, moving=False)
    await call.uow.meetings.save(meeting)
    await call.audit("meeting.schedule", at=command.starts_at.isoformat(), place=command.place)
    after = await current_plan(call.uow, partnership, call.now)
    host = after.member(next(m for m in after.meetings if m.id == meeting.id).host_member_id)
    meeting.host_member_id = host.id if host else None
    event = MeetingScheduled(partnership, meeting, host, call.person.display_name)
    call.raise_event(event)
    return event


@use_case("meetings.move", Who.COORDINATOR, Who.HOST, refusal="move.not_allowed")
async def move(call: Call, command: MoveMeeting) -> MeetingMoved | WhichMeeting:
    """The named meeting to another time (and place, when given); its host stays."""
    partnership = call.partnership
    before = await current_plan(call.uow, partnership, call.now)
    chosen = await _pick(call, move.permission, before, command.which)
    if isinstance(chosen, WhichMeeting):
        return chosen
    meeting, host = chosen
    details = command.details
    if (
        command.starts_at == meeting.starts_at
        and (not command.place or command.place == meeting.place)
        and (not details.address or details.address == meeting.address)
        and (not details.online_url or details.online_url == meeting.online_url)
        and (details.ends_at is None or details.ends_at == meeting.ends_at)
    ):
        raise UserError("move.same")
    _clash(before, command.starts_at, ignore=meeting)
    old, old_place = meeting.starts_at, meeting.place
    if meeting.ends_at is not None and details.ends_at is None:
        meeting.ends_at = command.starts_at + (meeting.ends_at - meeting.starts_at)
    meeting.starts_at = command.starts_at
    meeting.place = command.place or meeting.place
    _apply(meeting, details, moving=True)
    meeting.sequence += 1
    meeting.updated_at = call.now
    await call.uow.meetings.save(meeting)
    await call.audit("meeting.move", old=old.isoformat(), new=command.starts_at.isoformat())
    taker = await minute_taker(call, meeting)
    event = MeetingMoved(
        partnership, meeting, host, old, call.person.display_name, old_place, taker
    )
    call.raise_event(event)
    return event


@use_case("meetings.cancel", Who.COORDINATOR, Who.HOST, refusal="cancel.not_allowed")
async def cancel(call: Call, command: CancelMeeting) -> MeetingCancelled | WhichMeeting:
    """The named meeting is off; its host is in line again, other meetings stay as they
    are, and its agenda items move on to the following one."""
    partnership = call.partnership
    before = await current_plan(call.uow, partnership, call.now)
    chosen = await _pick(call, cancel.permission, before, command.which)
    if isinstance(chosen, WhichMeeting):
        return chosen
    meeting, host = chosen
    meeting.status = "cancelled"
    meeting.cancel_reason = command.reason
    meeting.sequence += 1
    meeting.updated_at = call.now
    await call.uow.meetings.save(meeting)
    await call.audit("meeting.cancel", at=meeting.starts_at.isoformat(), reason=command.reason)
    after = await current_plan(call.uow, partnership, call.now)
    event = MeetingCancelled(
        partnership,
        meeting,
        host,
        command.reason,
        call.person.display_name,
        after.next_host,
        len(after.upcoming),
    )
    call.raise_event(event)
    return event


@use_case("meetings.minute_taker", Who.COORDINATOR, Who.HOST, refusal="taker.not_allowed")
async def set_minute_taker(call: Call, command: SetMinuteTaker) -> MinuteTakerSet | WhichMeeting:
    """Who writes the minutes of a planned meeting: the host by default, or a person."""
    partnership = call.partnership
    plan = await current_plan(call.uow, partnership, call.now)
    chosen = await _pick(call, set_minute_taker.permission, plan, command.which)
    if isinstance(chosen, WhichMeeting):
        return chosen
    meeting, host = chosen
    person = await find_person(call.uow, partnership, command.person) if command.person else None
    meeting.minute_taker_person_id = person.id if person else None
    meeting.updated_at = call.now
    await call.uow.meetings.save(meeting)
    await call.audit("meeting.minute_taker", person=person.display_name if person else "")
    event = MinuteTakerSet(
        partnership,
        meeting,
        host,
        person.display_name if person else None,
        call.person.display_name,
    )
    call.raise_event(event)
    return event


# -- what the partners see of the meetings: queries --


@dataclass(frozen=True)
class NextMeeting:
    """The next meeting with its host and how far its agenda is; without one, the turn the
    rotation expects next (None: no members)."""

    meeting: Meeting | None
    host: Member | None = None
    agenda_items: int = 0
    agenda_deadline: datetime | None = None
    agenda_open: bool = False
    expected: Turn | None = None
    taker: str | None = None
    """The delegated minute-taker; None: the host."""


@dataclass(frozen=True)
class MeetingList:
    """The coming meetings and the last ten past ones (held or cancelled), with their hosts."""

    coming: list[tuple[Meeting, Member | None]]
    past: list[tuple[Meeting, Member | None]]
    planned: list[Meeting]
    """The planned ones in the order their numbers name them (`/verschieben 2 auf …`)."""


@dataclass(frozen=True)
class Calendar:
    """The coming meetings with their hosts, for a calendar file."""

    partnership: Partnership
    coming: list[tuple[Meeting, Member | None]]
    takers: dict[int, str]
    """meeting id -> the delegated minute-taker's name (none: the host writes them)."""


PAST_SHOWN = 10


@use_case("meetings.next")
async def next_meeting(call: Call) -> NextMeeting:
    partnership = call.partnership
    plan = await current_plan(call.uow, partnership, call.now)
    found = plan.next_meeting
    if found is None:
        turn = plan.turns[0] if plan.turns else None
        return NextMeeting(None, expected=turn if turn and turn.period else None)
    meeting, host = found
    items = await agenda_for(call.uow, partnership, meeting, call.now)
    deadline = agenda_deadline(partnership, meeting)
    taker = await minute_taker(call, meeting)
    return NextMeeting(meeting, host, len(items), deadline, call.now <= deadline, taker=taker)


@use_case("meetings.list")
async def list_meetings(call: Call) -> MeetingList:
    plan = await current_plan(call.uow, call.partnership, call.now)
    hosts = {m.id: h for m, h in plan.upcoming + plan.held}
    coming = [(m, hosts.get(m.id)) for m in plan.meetings if m.starts_at > call.now]
    shown = await call.uow.meetings.past(call.partnership.id, call.now, PAST_SHOWN)
    # a held meeting's host is the one recorded when it was settled
    past = [(m, hosts.get(m.id) if m.id in hosts else _held_host(plan, m)) for m in shown]
    return MeetingList(coming, past, [m for m, _ in plan.upcoming])


def _held_host(plan: Plan, meeting: Meeting) -> Member | None:
    return plan.member(meeting.host_member_id) if meeting.status == "held" else None


@use_case("meetings.calendar")
async def calendar(call: Call) -> Calendar:
    partnership = call.partnership
    plan = await current_plan(call.uow, partnership, call.now)
    hosts = {m.id: h for m, h in plan.upcoming}
    coming = [(m, hosts.get(m.id)) for m in plan.meetings if m.starts_at > call.now]
    takers = {m.id: name for m, _ in coming if (name := await minute_taker(call, m))}
    return Calendar(partnership, coming, takers)
