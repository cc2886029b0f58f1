"""What the web pages and calendar feeds show, read through the same use cases the chat
commands call (as a visitor nobody knows: only what everyone in the room may read).

A visit starts from a link: the private token (the whole site), or the public address
(only the parts opened to the public). Anything else is no visit at all, and the adapter
answers it as a page that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.model import Meeting, Member, Partnership, Person
from bot.core.model_web import FEED, MINE, PARTS, SITE
from bot.usecases import actions, agenda, meetings, members, minutes, partnership, rotation
from bot.usecases.agenda_queries import AgendaView
from bot.usecases.attendance_tally import Tally, tally
from bot.usecases.base import Actor, Call
from bot.usecases.meeting_hosts import minute_taker
from bot.usecases.members import Roster
from bot.usecases.minutes_record import archive
from bot.usecases.minutes_render import MinutesDoc
from bot.usecases.plan import current_plan
from bot.usecases.ports import UnitOfWork
from bot.usecases.rotation import Rotation
from bot.usecases.web import token_hash

VISITOR = Person(0, "web")
"""Who reads through the web: nobody in particular, so only ANYONE's use cases answer."""


@dataclass(frozen=True)
class Visit:
    partnership: Partnership
    parts: frozenset[str]
    """What this visitor may see: every part through the private link, else the public
    ones."""
    private: bool
    show_contacts: bool


def reader(uow: UnitOfWork, clock: Clock, partnership: Partnership) -> Call:
    return Call(uow, clock, Actor(VISITOR), room_partnership=partnership)


async def private_visit(uow: UnitOfWork, token: str) -> Visit | None:
    link = await uow.web.find_link(token_hash(token))
    if link is None or link.kind != SITE:
        return None
    found = await uow.partnerships.get(link.partnership_id)
    if found is None:
        return None
    settings = await uow.web.settings(found.id)
    return Visit(found, frozenset(PARTS), True, settings.show_contacts)


async def public_visit(uow: UnitOfWork, public_id: str) -> Visit | None:
    settings = await uow.web.by_public_id(public_id)
    if settings is None or not settings.public_parts:
        return None
    found = await uow.partnerships.get(settings.partnership_id)
    if found is None:
        return None
    return Visit(found, settings.public_parts, False, settings.show_contacts)


@dataclass(frozen=True)
class Overview:
    next: meetings.NextMeeting
    agenda: AgendaView
    rotation: Rotation
    roster: Roster
    replies: Tally | None
    """Who replied to the invitation to the next meeting (chat, or an e-mail's link)."""


async def overview(call: Call) -> Overview:
    nxt = await meetings.next_meeting(call)
    replies = await tally(call.uow, call.partnership, nxt.meeting) if nxt.meeting else None
    return Overview(
        nxt,
        await agenda.show(call),
        await rotation.show(call),
        await members.list_members(call),
        replies,
    )


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    host: Member | None
    minutes: bool
    """Whether finished minutes exist (the page links them)."""


@dataclass(frozen=True)
class MeetingsPage:
    coming: list[MeetingRow]
    past: list[MeetingRow]


async def meetings_page(call: Call) -> MeetingsPage:
    found = await meetings.list_meetings(call)
    written = {m.meeting_id for m, _ in await archive(call.uow, call.partnership)}
    return MeetingsPage(
        [MeetingRow(m, h, m.id in written) for m, h in found.coming],
        [MeetingRow(m, h, m.id in written) for m, h in reversed(found.past)],
    )


async def minutes_of(call: Call, meeting_uid: str) -> MinutesDoc | None:
    """The finished minutes of the meeting with this uid, if any."""
    by_meeting = {m.meeting_id: doc for m, doc in await archive(call.uow, call.partnership)}
    for meeting in await call.uow.meetings.of_partnership(call.partnership.id):
        if meeting.uid == meeting_uid:
            return by_meeting.get(meeting.id)
    return None


async def decisions(call: Call) -> list[tuple[MinutesDoc, list[str]]]:
    """Every meeting's decisions, newest meeting first."""
    docs = await minutes.export(call)
    return [(doc, doc.decisions()) for doc in reversed(docs) if doc.decisions()]


async def open_actions(call: Call) -> list[actions.OpenAction]:
    return await actions.list_open(call)


async def rules(call: Call) -> str:
    return await partnership.rules(call)


@dataclass(frozen=True)
class FeedEntry:
    meeting: Meeting
    host: Member | None
    taker: str | None


@dataclass(frozen=True)
class Feed:
    partnership: Partnership
    entries: list[FeedEntry]
    mine: bool
    """Only the meetings of the person whose link it is."""
    person: str


async def feed(uow: UnitOfWork, clock: Clock, token: str) -> Feed | None:
    """Every meeting (cancelled ones stay, so subscribed calendars remove them), or only
    the person's own: those their member hosts, those they write the minutes of, and
    those their member attended."""
    link = await uow.web.find_link(token_hash(token))
    if link is None or link.kind not in (FEED, MINE) or link.person_id is None:
        return None
    found = await uow.partnerships.get(link.partnership_id)
    person = await uow.persons.get(link.person_id)
    if found is None or person is None:
        return None
    call = reader(uow, clock, found)
    plan = await current_plan(uow, found, clock.now())
    by_id = {m.id: m for m in plan.members}
    hosts = {m.id: h for m, h in plan.upcoming + plan.held}
    entries = [
        FeedEntry(
            m, hosts.get(m.id) or by_id.get(m.host_member_id or -1), await minute_taker(call, m)
        )
        for m in plan.meetings
    ]
    if link.kind == MINE:
        entries = await _own(call, entries, person)
    return Feed(found, entries, link.kind == MINE, person.display_name)


async def _own(call: Call, entries: list[FeedEntry], person: Person) -> list[FeedEntry]:
    roster = await members.roster(call.uow, call.partnership)
    own = {c.member_id for c in roster.contacts if c.person_id == person.id}
    names = {m.name for m in roster.members if m.id in own}
    attended = {
        record.meeting_id
        for record, doc in await archive(call.uow, call.partnership)
        if names & set(doc.present)
    }
    return [
        e
        for e in entries
        if (e.host is not None and e.host.id in own)
        or e.meeting.minute_taker_person_id == person.id
        or e.meeting.id in attended
    ]
