"""Meetings: scheduling, moving and cancelling the next one, and what the partners see of
them (`/naechstes`, `/treffen`, `/kalender`)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from bot.core.domain_events import MeetingCancelled, MeetingMoved, MeetingScheduled
from bot.core.errors import UserError
from bot.core.model import Meeting, Member, Partnership, Person
from bot.core.permissions import Who
from bot.usecases.base import Call, Facts, use_case
from bot.usecases.plan import Plan, current_plan, raise_sequences
from bot.usecases.ports import UnitOfWork


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


async def _audit(
    uow: UnitOfWork, p: Partnership, actor: Person, action: str, now: datetime, **detail: str
) -> None:
    await uow.audit.add(p.id, actor.id, action, json.dumps(detail, ensure_ascii=False), now)


async def override(
    uow: UnitOfWork,
    p: Partnership,
    current: Plan,
    kind: str,
    first: Member | None,
    second: Member | None,
    reason: str,
    actor: Person,
    now: datetime,
) -> Plan:
    """Record a skip, swap or set with who and why; return the plan afterwards.

    Meetings whose host changed get a higher calendar sequence: their entry changed."""
    record = await uow.overrides.add(
        p.id,
        kind,
        first.id if first else None,
        second.id if second else None,
        reason,
        actor.id,
        now,
    )
    await _audit(
        uow,
        p,
        actor,
        f"rotation.{kind}",
        now,
        member=first.name if first else "",
        other=second.name if second else "",
        reason=reason,
    )
    assert record.id
    after = await current_plan(uow, p, now)
    await raise_sequences(uow, current, after, now)
    return after
