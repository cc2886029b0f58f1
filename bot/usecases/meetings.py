"""Meetings: scheduling, moving and cancelling the next one, and what the partners see of
them (`/naechstes`, `/treffen`, `/kalender`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from bot.core.domain_events import MeetingCancelled, MeetingMoved, MeetingScheduled
from bot.core.errors import UserError
from bot.core.model import Meeting, Member, Partnership
from bot.core.permissions import Who
from bot.usecases.agenda import agenda_deadline, agenda_for
from bot.usecases.base import Call, Facts, use_case
from bot.usecases.plan import Plan, Turn, current_plan, raise_sequences


@dataclass(frozen=True)
class ScheduleMeeting:
    starts_at: datetime
    place: str = ""
    """Empty: at the host member."""


@dataclass(frozen=True)
class MoveMeeting:
    starts_at: datetime
    place: str = ""
    """Empty: the place stays."""


@dataclass(frozen=True)
class CancelMeeting:
    reason: str = ""


def _clash(current: Plan, starts_at: datetime, ignore: Meeting | None = None) -> None:
    for meeting, _ in current.upcoming:
        if meeting is not ignore and meeting.starts_at == starts_at:
            raise UserError("schedule.clash")


def _next(current: Plan) -> tuple[Meeting, Member | None]:
    found = current.next_meeting
    if found is None:
        raise UserError("meeting.none_planned")
    return found


async def _settle(call: Call, before: Plan, meeting: Meeting) -> tuple[Plan, Member | None]:
    """The plan after a change; meetings whose host changed get a new calendar sequence."""
    after = await current_plan(call.uow, call.partnership, call.now)
    await raise_sequences(call.uow, before, after, call.now)
    return after, next((h for m, h in after.upcoming if m.id == meeting.id), None)


@use_case("meetings.schedule", Who.COORDINATOR, Who.HOST, refusal="schedule.not_allowed")
async def schedule(call: Call, command: ScheduleMeeting) -> MeetingScheduled:
    """A new meeting; the member whose turn it is at that time hosts it."""
    partnership = call.partnership
    before = await current_plan(call.uow, partnership, call.now)
    await call.authorize(schedule.permission, Facts(host=before.host_for(command.starts_at)))
    if before.next_host is None:
        raise UserError("schedule.no_members")
    _clash(before, command.starts_at)
    meeting = await call.uow.meetings.add(
        partnership.id, uuid.uuid4().hex, command.starts_at, command.place, call.now
    )
    await call.audit("meeting.schedule", at=command.starts_at.isoformat(), place=command.place)
    _, host = await _settle(call, before, meeting)
    host = host or before.host_for(command.starts_at)
    event = MeetingScheduled(partnership, meeting, host, call.person.display_name)
    call.raise_event(event)
    return event


@use_case("meetings.move", Who.COORDINATOR, Who.HOST, refusal="move.not_allowed")
async def move(call: Call, command: MoveMeeting) -> MeetingMoved:
    """The next meeting to another time (and place, when given)."""
    partnership = call.partnership
    before = await current_plan(call.uow, partnership, call.now)
    meeting, host = _next(before)
    await call.authorize(move.permission, Facts(host=host))
    if command.starts_at == meeting.starts_at and (
        not command.place or command.place == meeting.place
    ):
        raise UserError("move.same")
    _clash(before, command.starts_at, ignore=meeting)
    old = meeting.starts_at
    meeting.starts_at = command.starts_at
    meeting.place = command.place or meeting.place
    meeting.sequence += 1
    meeting.updated_at = call.now
    await call.uow.meetings.save(meeting)
    await call.audit("meeting.move", old=old.isoformat(), new=command.starts_at.isoformat())
    _, host = await _settle(call, before, meeting)
    event = MeetingMoved(partnership, meeting, host, old, call.person.display_name)
    call.raise_event(event)
    return event


@use_case("meetings.cancel", Who.COORDINATOR, Who.HOST, refusal="cancel.not_allowed")
async def cancel(call: Call, command: CancelMeeting) -> MeetingCancelled:
    """The next meeting is off; its items move on to the following one."""
    partnership = call.partnership
    before = await current_plan(call.uow, partnership, call.now)
    meeting, host = _next(before)
    await call.authorize(cancel.permission, Facts(host=host))
    meeting.status = "cancelled"
    meeting.cancel_reason = command.reason
    meeting.sequence += 1
    meeting.updated_at = call.now
    await call.uow.meetings.save(meeting)
    await call.audit("meeting.cancel", at=meeting.starts_at.isoformat(), reason=command.reason)
    after = await current_plan(call.uow, partnership, call.now)
    event = MeetingCancelled(
        partnership, meeting, host, command.reason, call.person.display_name, after.next_host
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


@dataclass(frozen=True)
class MeetingList:
    """The coming meetings and the last ten past ones (held or cancelled), with their hosts."""

    coming: list[tuple[Meeting, Member | None]]
    past: list[tuple[Meeting, Member | None]]


@dataclass(frozen=True)
class Calendar:
    """The coming meetings with their hosts, for a calendar file."""

    partnership: Partnership
    coming: list[tuple[Meeting, Member | None]]


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
    return NextMeeting(meeting, host, len(items), deadline, call.now <= deadline)


@use_case("meetings.list")
async def list_meetings(call: Call) -> MeetingList:
    plan = await current_plan(call.uow, call.partnership, call.now)
    hosts = {m.id: h for m, h in plan.upcoming + plan.held}
    coming = [(m, hosts.get(m.id)) for m in plan.meetings if m.starts_at > call.now]
    past = [(m, hosts.get(m.id)) for m in plan.meetings if m.starts_at <= call.now]
    return MeetingList(coming, past[-PAST_SHOWN:])


@use_case("meetings.calendar")
async def calendar(call: Call) -> Calendar:
    partnership = call.partnership
    plan = await current_plan(call.uow, partnership, call.now)
    hosts = {m.id: h for m, h in plan.upcoming}
    coming = [(m, hosts.get(m.id)) for m in plan.meetings if m.starts_at > call.now]
    return Calendar(partnership, coming)
