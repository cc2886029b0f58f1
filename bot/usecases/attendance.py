"""Replies to a meeting invitation (`/zusage`, `/absage`, `/vielleicht`), who comes
(`/teilnahme`), and the attendance meeting mode starts from.

Anyone in a room of the partnership may answer; a contact person's answer counts for their
member (see `attendance_tally`). The meeting is named as `/verschieben` names it (its number
in `/treffen` or its day); without one, the next meeting is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.attendance import ANSWERS, YES, MeetingReply
from bot.core.errors import UserError
from bot.core.model import Meeting, Member, Minutes, Partnership, Person
from bot.core.permissions import Who
from bot.core.timefmt import fmt_datetime, local
from bot.usecases.attendance_tally import Tally, tally
from bot.usecases.base import Call, use_case
from bot.usecases.meetings import WhichMeeting, choose
from bot.usecases.members import find_member, roster, unknown_member
from bot.usecases.minutes_record import has_minutes, note, session
from bot.usecases.plan import Plan, current_plan, in_din_order
from bot.usecases.ports import UnitOfWork

_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(\d{2}|\d{4})?$")


@dataclass(frozen=True)
class ReplyToMeeting:
    answer: str
    """One of `ANSWERS`."""
    which: str = ""
    """The meeting as typed: its number in /treffen or its day; empty: the next one."""
    meeting_id: int | None = None
    """Instead of `which`: the coming meeting with this id (a web form names it so)."""


@dataclass(frozen=True)
class ReplyNoted:
    meeting: Meeting
    answer: str
    before: str | None
    """The person's answer until now (None: none yet)."""
    member: Member | None
    """The member the answer counts for; None: the person speaks for no member."""


@dataclass(frozen=True)
class Attendance:
    tally: Tally
    host: Member | None


def _gone(call: Call, plan: Plan, which: str) -> None:
    """A day that names no coming meeting but a cancelled or past one: say so."""
    day = _DAY.match(which.strip())
    if day is None:
        return
    d, m, y = int(day.group(1)), int(day.group(2)), day.group(3)
    zone = call.partnership.timezone
    for meeting in reversed(plan.meetings):
        at = local(meeting.starts_at, zone)
        if at.day != d or at.month != m or (y is not None and at.year % 100 != int(y) % 100):
            continue
        when = fmt_datetime(meeting.starts_at, call.partnership.language, zone)
        if meeting.cancelled:
            raise UserError("attendance.cancelled", when=when)
        if meeting.starts_at <= call.now:
            raise UserError("attendance.past", when=when)


def pick(call: Call, plan: Plan, which: str) -> tuple[Meeting, Member | None] | WhichMeeting:
    """The coming meeting `which` names; without a name the next one."""
    if not which.strip():
        if plan.next_meeting is None:
            raise UserError("attendance.none_planned")
        return plan.next_meeting
    try:
        return choose(plan, which, call.partnership.timezone)
    except UserError as refused:
        if refused.key in ("meeting.none_that_day", "meeting.none_planned"):
            _gone(call, plan, which)
        if refused.key == "meeting.none_planned":
            raise UserError("attendance.none_planned") from None
        raise


@use_case("attendance.reply")
async def reply(call: Call, command: ReplyToMeeting) -> ReplyNoted | WhichMeeting:
    """Keep the person's answer to a coming meeting; a later answer replaces it."""
    assert command.answer in ANSWERS
    partnership = call.partnership
    plan = await current_plan(call.uow, partnership, call.now)
    chosen: tuple[Meeting, Member | None] | WhichMeeting
    if command.meeting_id is not None:
        by_id = {m.id: (m, h) for m, h in plan.upcoming}
        if command.meeting_id not in by_id:
            raise UserError("attendance.none_planned")
        chosen = by_id[command.meeting_id]
    else:
        chosen = pick(call, plan, command.which)
    if isinstance(chosen, WhichMeeting):
        return chosen
    meeting, _ = chosen
    if await has_minutes(call.uow, meeting.id):  # held early: its minutes are written
        when = fmt_datetime(meeting.starts_at, partnership.language, partnership.timezone)
        raise UserError("attendance.past", when=when)
    earlier = [
        r
        for r in await call.uow.replies.of_meetings([meeting.id])
        if r.person_id == call.person.id and r.for_start == meeting.starts_at
    ]
    before = earlier[-1].answer if earlier else None
    await call.uow.replies.put(
        MeetingReply(meeting.id, call.person.id, command.answer, meeting.starts_at, call.now)
    )
    await call.audit(
        "attendance.reply", meeting=meeting.starts_at.isoformat(), answer=command.answer
    )
    member = (await roster(call.uow, partnership)).member_of(call.person)
    return ReplyNoted(meeting, command.answer, before, member if member and member.active else None)


@use_case("attendance.show")
async def show(call: Call, which: str = "") -> Attendance | WhichMeeting:
    """Who comes to a coming meeting, per member."""
    plan = await current_plan(call.uow, call.partnership, call.now)
    chosen = pick(call, plan, which)
    if isinstance(chosen, WhichMeeting):
        return chosen
    meeting, host = chosen
    return Attendance(await tally(call.uow, call.partnership, meeting), host)


async def present_from_replies(
    uow: UnitOfWork, p: Partnership, record: Minutes, meeting: Meeting, author: Person
) -> list[str]:
    """Meeting mode starts with the members that are surely there marked present: the host,
    the member of whoever starts it, and those that said they come (corrected with
    /anwesend and /abwesend); returns their names."""
    found = await tally(uow, p, meeting)
    current = await roster(uow, p)
    starter = current.member_of(author)
    there = {meeting.host_member_id, starter.id if starter is not None else None}
    coming = [m for m in current.members if m.active and m.id in there]
    coming += [e.member for e in found.with_answer(YES) if e.member.id not in there]
    for member in coming:
        await note(uow, record, "present", "", author, record.started_at, member_id=member.id)
    return [m.name for m in coming]


@dataclass(frozen=True)
class AbsentNoted:
    member: str
    present: list[str]


PARTICIPANT = (Who.CONTACT, Who.COORDINATOR)


@use_case("attendance.absent", *PARTICIPANT, refusal="minutes.not_participant")
async def absent(call: Call, name: str) -> AbsentNoted:
    """A member marked present (by its answer or by /anwesend) is not there after all."""
    record = await session(call.uow, call.partnership)
    if record is None:
        raise UserError("meeting.not_running")
    current = await roster(call.uow, call.partnership)
    member = find_member(current.members, name) if name else current.member_of(call.person)
    if member is None:
        if name:
            raise unknown_member(current.members, name, usage=True)
        raise UserError("absent.whom", example=True)
    entries = await call.uow.minutes.entries(record.id)
    marked = [e for e in entries if e.kind == "present" and e.member_id == member.id]
    if not marked:
        raise UserError("absent.not_present", member=member.name)
    for entry in marked:
        await call.uow.minutes.remove_entry(entry.id)
    here = {e.member_id for e in entries if e.kind == "present"} - {member.id}
    return AbsentNoted(member.name, [m.name for m in in_din_order(current.members) if m.id in here])
