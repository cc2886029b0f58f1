"""Meeting mode (/startmeeting … /endmeeting) and the archive of minutes (/minutes).

What is stored and how the entries become the minutes is in `bot.usecases.minutes_record`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.domain_events import DomainEvent
from bot.core.errors import UsageError, UserError
from bot.core.model import Meeting, Member, Minutes
from bot.core.permissions import Permission, Who
from bot.core.text import ascii_number
from bot.core.timefmt import fmt_date, fmt_datetime
from bot.usecases import actions
from bot.usecases.actions import owner_label
from bot.usecases.agenda import AgendaView, view
from bot.usecases.agenda_queries import agenda_for, numbered
from bot.usecases.attendance import present_from_replies
from bot.usecases.base import Call, Facts, NotAllowed, check, use_case
from bot.usecases.meeting_hosts import minute_taker
from bot.usecases.members import find_member, roster, unknown_member
from bot.usecases.minutes_record import (
    archive,
    attach,
    finish,
    forget_name,
    has_minutes,
    meeting_and_host,
    meeting_of_day,
    note,
    session,
    take_up,
    undo_last,
)
from bot.usecases.minutes_render import MinutesDoc
from bot.usecases.people import known_persons
from bot.usecases.plan import current_plan, in_din_order

__all__ = ["archive", "forget_name", "has_minutes", "meeting_and_host", "owner_label"]

PARTICIPANT = (Who.CONTACT, Who.COORDINATOR)
"""Who takes part in the minutes."""


@dataclass(frozen=True)
class MeetingStarted(DomainEvent):
    meeting: Meeting
    host: Member | None
    by: str
    agenda: AgendaView
    taker: str | None = None
    """Who writes the minutes when delegated (`/protokollant`); None: the host."""
    present: tuple[str, ...] = ()
    """Members marked present because they said they would come."""


@dataclass(frozen=True)
class MinutesWritten(DomainEvent):
    """Minutes are finished: taken in meeting mode (`source` "meeting") or attached
    ("added")."""

    doc: MinutesDoc
    source: str


@dataclass(frozen=True)
class TopicNoted:
    text: str
    number: int | None
    """The agenda item taken up, if any."""


@dataclass(frozen=True)
class ActionNoted:
    owner: str
    text: str
    due: date | None


@dataclass(frozen=True)
class PresentNoted:
    member: str
    present: list[str]


@dataclass(frozen=True)
class Undone:
    kind: str
    text: str


@use_case(
    "minutes.start", Who.HOST, Who.MINUTE_TAKER, Who.COORDINATOR, refusal="startmeeting.not_allowed"
)
async def start(call: Call) -> MeetingStarted:
    """Meeting mode for today's meeting: its host's contact persons or a coordinator."""
    partnership, now = call.partnership, call.now
    if await session(call.uow, partnership) is not None:
        raise UserError("meeting.already_running")
    found = await meeting_of_day(call.uow, partnership, now)
    if found is None:
        following = (await current_plan(call.uow, partnership, now)).next_meeting
        if following is None:
            raise UserError("startmeeting.no_meeting")
        lang, zone = partnership.language, partnership.timezone
        raise UserError(
            "startmeeting.wrong_day",
            when=fmt_datetime(following[0].starts_at, lang, zone),
            today=fmt_date(now, lang, zone),
        )
    meeting, host = found
    taker = await minute_taker(call, meeting)
    facts = Facts(host=host, minute_taker_id=meeting.minute_taker_person_id)
    await call.authorize(start.permission, facts)
    await call.audit("minutes.start", meeting=meeting.starts_at.isoformat())
    record = await call.uow.minutes.add(
        Minutes(
            id=0,
            partnership_id=partnership.id,
            meeting_id=meeting.id,
            status="open",
            source="meeting",
            started_at=now,
            taker_person_id=meeting.minute_taker_person_id,
        )
    )
    coming = await present_from_replies(call.uow, partnership, record, meeting, call.person)
    agenda = await view(call)
    event = MeetingStarted(
        partnership, meeting, host, call.person.display_name, agenda, taker, tuple(coming)
    )
    call.raise_event(event)
    return event


async def _running(call: Call) -> Minutes:
    record = await session(call.uow, call.partnership)
    if record is None:
        raise UserError("meeting.not_running")
    return record


@use_case("minutes.topic", *PARTICIPANT, refusal="minutes.not_participant")
async def topic(call: Call, text: str) -> TopicNoted:
    """A topic: free text, or the number of an agenda item, which counts as dealt with."""
    record = await _running(call)
    index = ascii_number(text)
    if index is not None:
        meeting, _ = await meeting_and_host(call.uow, call.partnership, record.meeting_id, call.now)
        item = numbered(await agenda_for(call.uow, call.partnership, meeting, call.now), text)
        if item.done:
            raise UserError("topic.already", number=index, text=item.text[:80])
        await take_up(call.uow, record, item, call.person, call.now)
        return TopicNoted(item.text, index)
    await note(call.uow, record, "topic", text, call.person, call.now)
    return TopicNoted(text, None)


@use_case("minutes.info", *PARTICIPANT, refusal="minutes.not_participant")
async def info(call: Call, text: str) -> str:
    await note(call.uow, await _running(call), "info", text, call.person, call.now)
    return text


@use_case("minutes.decision", *PARTICIPANT, refusal="minutes.not_participant")
async def decision(call: Call, text: str) -> str:
    await note(call.uow, await _running(call), "decision", text, call.person, call.now)
    return text


@use_case("minutes.action", *PARTICIPANT, refusal="minutes.not_participant")
async def action(call: Call, line: str) -> ActionNoted:
    """`<member or person> <text> [until <date>]`: an action item, created at the end."""
    record = await _running(call)
    partnership = call.partnership
    current = await roster(call.uow, partnership)
    persons = list((await known_persons(call.uow, partnership)).values())
    owner, rest = actions.read_owner(current.members, persons, line)
    text, due = actions.read_due(rest, call.now, partnership.timezone)
    if not text:
        raise UsageError("action.text_missing", owner=owner.name)
    member = owner.member or (current.member_of(owner.person) if owner.person else None)
    await note(
        call.uow,
        record,
        "action",
        text,
        call.person,
        call.now,
        member_id=member.id if member else None,
        person_id=owner.person.id if owner.person else None,
        due=due,
    )
    return ActionNoted(owner_label(owner.person, member), text, due)


@use_case("minutes.present", *PARTICIPANT, refusal="minutes.not_participant")
async def present(call: Call, name: str) -> PresentNoted:
    """Attendance of a member (no name: the caller's)."""
    record = await _running(call)
    current = await roster(call.uow, call.partnership)
    if name:
        found = find_member(current.members, name)
        if found is None:
            raise unknown_member(current.members, name, usage=True)
        member = found
    else:
        own = current.member_of(call.person)
        if own is None:
            raise UsageError("present.whom")
        member = own
    entries = await call.uow.minutes.entries(record.id)
    here = [e.member_id for e in entries if e.kind == "present"]
    if member.id not in here:
        await note(call.uow, record, "present", "", call.person, call.now, member_id=member.id)
        here.append(member.id)
    names = [m.name for m in in_din_order([m for m in current.members if m.id in here])]
    return PresentNoted(member.name, names)


@use_case("minutes.undo", *PARTICIPANT, refusal="minutes.not_participant")
async def undo(call: Call) -> Undone:
    """Take back the last entry."""
    entry = await undo_last(call.uow, call.partnership, await _running(call))
    if entry.kind == "present":
        members = await call.uow.members.of_partnership(call.partnership.id)
        member = next((m for m in members if m.id == entry.member_id), None)
        return Undone(entry.kind, member.name if member else "-")
    return Undone(entry.kind, entry.text)


@use_case(
    "minutes.end",
    Who.MINUTE_TAKER,
    Who.HOST,
    Who.COORDINATOR,
    refusal="endmeeting.not_allowed",
)
async def end(call: Call) -> MinutesWritten:
    """Write the minutes, create the action items, close meeting mode; every room gets the
    summary with the minutes as files."""
    record = await _running(call)
    participant = Permission("minutes.participant", PARTICIPANT)
    if not await check(call, participant, None):
        raise NotAllowed(participant, "minutes.not_participant")
    partnership = call.partnership
    meeting, host = await meeting_and_host(call.uow, partnership, record.meeting_id, call.now)
    facts = Facts(host=host, minute_taker_id=record.taker_person_id)
    await call.authorize(end.permission, facts)
    finished = await finish(call.uow, partnership, record, meeting, host, call.now)
    await call.audit("minutes.end", meeting=meeting.starts_at.isoformat())
    event = MinutesWritten(partnership, finished.doc, "meeting")
    call.raise_event(event)
    return event


async def _last_without_minutes(call: Call) -> tuple[Meeting, Member | None]:
    plan = await current_plan(call.uow, call.partnership, call.now)
    meeting = await call.uow.meetings.last_held(call.partnership.id, minutes=False)
    if meeting is None:
        raise UserError("minutes.nothing_to_add")
    return meeting, plan.member(meeting.host_member_id)


@use_case(
    "minutes.add", Who.HOST, Who.MINUTE_TAKER, Who.COORDINATOR, refusal="minutes.add_not_allowed"
)
async def add(call: Call, text: str) -> MinutesWritten:
    """Minutes written elsewhere, for the last meeting without minutes: by its host's
    contact persons, the person delegated to write them, or a coordinator."""
    meeting, host = await _last_without_minutes(call)
    taker = meeting.minute_taker_person_id
    await call.authorize(add.permission, Facts(host=host, minute_taker_id=taker))
    finished = await attach(call.uow, call.partnership, meeting, host, text, call.person, call.now)
    await call.audit("minutes.add", meeting=meeting.starts_at.isoformat())
    event = MinutesWritten(call.partnership, finished.doc, "added")
    call.raise_event(event)
    return event


LISTED = 10
"""How many minutes `/protokoll` lists: the latest; older ones are shown by number or day."""


@dataclass(frozen=True)
class MinutesArchive:
    """Some of the finished minutes, numbered by meeting date (1: the oldest)."""

    total: int
    first: int
    """The number of the first of `docs`."""
    docs: list[MinutesDoc]


@use_case("minutes.show")
async def show(call: Call, pick: int | date | None = None) -> MinutesArchive:
    """The latest `LISTED` finished minutes, the one numbered `pick`, or those of the day
    `pick` (in the partnership's zone): only these are read, however long the history."""
    uow, p = call.uow, call.partnership
    total = await uow.minutes.finished_count(p.id)
    if pick is None:
        first = max(0, total - LISTED)
        records = await uow.minutes.finished(p.id, 0, LISTED, newest=True)
    elif isinstance(pick, int):
        first = pick - 1
        records = await uow.minutes.finished(p.id, first, 1) if 1 <= pick <= total else []
    elif pick.year in (MINYEAR, MAXYEAR):  # no meeting there, and no next day to count to
        first, records = 0, []
    else:
        zone = ZoneInfo(p.timezone)
        start = datetime.combine(pick, time(), zone)
        end = datetime.combine(pick + timedelta(days=1), time(), zone)
        first = 0
        records = await uow.minutes.finished_between(p.id, start, end)
    return MinutesArchive(total, first + 1, [MinutesDoc.from_json(m.document) for m in records])


@use_case("minutes.export")
async def export(call: Call) -> list[MinutesDoc]:
    return [doc for _, doc in await archive(call.uow, call.partnership)]
