"""Which agenda items belong to which meeting: reading the agenda, the deadline, carrying over.

An open item is not tied to a meeting when it is proposed. It belongs to the first coming
meeting that starts after its `not_before` (none: the very next one): a meeting that is not
cancelled, has no finished minutes, and is today or later (or is in meeting mode). So a
cancelled or moved meeting takes nothing with it, and what a meeting did not deal with
simply belongs to the next one, marked as carried over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import UsageError, UserError
from bot.core.model import ActionItem, AgendaItem, Meeting, Member, Minutes, Partnership
from bot.core.text import ascii_number, match_key
from bot.core.timefmt import local
from bot.usecases.ports import UnitOfWork

FIELDS: dict[str, tuple[str, ...]] = {
    "energy": ("energie", "erneuerbare", "energy", "renewables"),
    "efficiency": ("effizienz", "energieeffizienz", "efficiency"),
    "buildings": ("gebäude", "buildings"),
    "heat": ("wärme", "waermeplanung", "heat"),
    "mobility": ("mobilität", "mobility"),
    "adaptation": ("klimaanpassung", "anpassung", "adaptation"),
    "water": ("wasser", "abwasser", "water"),
    "waste": ("abfall", "recycling", "waste"),
    "nature": ("renaturierung", "natur", "nature"),
    "tourism": ("tourismus", "tourism"),
    "land": ("landwirtschaft", "forstwirtschaft", "agriculture", "forestry"),
    "procurement": ("beschaffung", "procurement"),
    "outreach": ("öffentlichkeitsarbeit", "outreach"),
}
"""Fields of action (Handlungsfelder) from the partnership agreements and the programme flyer,
with the words people tag them by (#mobilität, #mobilitaet and #mobility are one)."""

_FIELD_WORDS = {match_key(word): key for key, words in FIELDS.items() for word in words}
_HASHTAG = re.compile(r"(?<!\S)#([^\W\d_][\w-]*)")

MIN_DEADLINE_DAYS = 0
MAX_DEADLINE_DAYS = 60


def read_field(text: str) -> tuple[str, str]:
    """`<text> [#field]`: the text without the tag, and the field's key ("" when untagged).

    A hashtag that is no field of action is refused, so a typo does not end up as text."""
    found = ""
    for match in _HASHTAG.finditer(text):
        key = _FIELD_WORDS.get(match_key(match[1]))
        if key is None:
            raise UsageError("agenda.unknown_field", tag="#" + match[1][:40])
        if found and key != found:
            raise UsageError("agenda.two_fields")
        found = key
    if not found:
        return text, ""
    return " ".join(_HASHTAG.sub(" ", text).split()), found


def agenda_deadline(partnership: Partnership, meeting: Meeting) -> datetime:
    """Proposals are expected until this moment (aware, UTC like the meeting's start)."""
    return meeting.starts_at - timedelta(days=partnership.agenda_deadline_days)


def _day(meeting: Meeting, timezone: str) -> date:
    return local(meeting.starts_at, timezone).date()


def open_meetings(
    meetings: list[Meeting], minutes: list[Minutes], timezone: str, today: date
) -> list[Meeting]:
    """The meetings that can still take agenda items, in order."""
    by_meeting = {m.meeting_id: m for m in minutes}
    result = []
    for meeting in meetings:
        record = by_meeting.get(meeting.id)
        if meeting.cancelled or (record is not None and not record.open):
            continue
        if _day(meeting, timezone) >= today or record is not None:
            result.append(meeting)
    return result


def target(item: AgendaItem, candidates: list[Meeting]) -> Meeting | None:
    for meeting in candidates:
        if item.not_before is None or meeting.starts_at > item.not_before:
            return meeting
    return None


def _carried(item: AgendaItem, meetings: list[Meeting], before: datetime) -> bool:
    """Open when an earlier meeting it could have been dealt with took place."""
    return any(
        not m.cancelled
        and item.created_at < m.starts_at < before
        and (item.not_before is None or m.starts_at > item.not_before)
        for m in meetings
    )


@dataclass
class Agenda:
    """The next meeting's items (None: no meeting planned yet) and what waits beyond it."""

    meeting: Meeting | None
    items: list[AgendaItem]
    later: list[AgendaItem]


async def _names(uow: UnitOfWork, p: Partnership, items: list[AgendaItem]) -> list[AgendaItem]:
    members = {m.id: m.name for m in await uow.members.of_partnership(p.id)}
    persons = await uow.persons.many(
        {i.proposer_person_id for i in items if i.proposer_person_id is not None}
    )
    named = []
    for item in items:
        name = members.get(item.proposer_member_id or -1, "")
        if not name and item.proposer_person_id in persons:
            name = persons[item.proposer_person_id].display_name
        named.append(replace(item, proposer=name))
    return named


async def _read(
    uow: UnitOfWork, p: Partnership, today: date, done_in: Meeting | None = None
) -> tuple[list[AgendaItem], list[Meeting], list[Meeting]]:
    """The open items (and those dealt with in `done_in`), the meetings that matter to them
    (those since the oldest open item was proposed, from yesterday on, and those in meeting
    mode), and which of these can still take items. Nothing older is loaded."""
    items = await uow.agenda.open_items(p.id, done_in.id if done_in is not None else None)
    midnight = datetime.combine(today, time(), ZoneInfo(p.timezone))
    proposed = [i.created_at for i in items if i.status == "open"]
    since = (min([midnight, *proposed]) - timedelta(days=1)).astimezone(UTC)
    meetings = await uow.meetings.for_agenda(
        p.id, since.replace(hour=0, minute=0, second=0, microsecond=0)
    )
    minutes = await uow.minutes.for_meetings({m.id for m in meetings})
    return items, meetings, open_meetings(meetings, minutes, p.timezone, today)


async def open_meetings_now(uow: UnitOfWork, p: Partnership, now: datetime) -> list[Meeting]:
    """The meetings that can still take agenda items as of `now`, in order."""
    return (await _read(uow, p, local(now, p.timezone).date()))[2]


async def agenda_for(
    uow: UnitOfWork, partnership: Partnership, meeting: Meeting, now: datetime | None = None
) -> list[AgendaItem]:
    """The numbered items of `meeting`, in order: open ones and those already dealt with in
    it (`done`). Standing items are NOT included; `standing()` gives them.

    `now` decides which earlier meetings are still to come; without it the meeting's own day
    is taken, which is right unless another meeting comes before it."""
    today = local(now or meeting.starts_at, partnership.timezone).date()
    items, meetings, candidates = await _read(uow, partnership, today, meeting)
    mine = []
    for item in items:
        if item.done and item.meeting_id == meeting.id:
            mine.append(item)
        elif item.status == "open":
            found = target(item, candidates)
            if found is not None and found.id == meeting.id:
                mine.append(replace(item, carried_over=_carried(item, meetings, meeting.starts_at)))
    return await _names(uow, partnership, mine)


async def coming(uow: UnitOfWork, p: Partnership, now: datetime) -> Agenda:
    """The agenda of the next meeting as of `now`; without one, every open proposal."""
    items, meetings, candidates = await _read(uow, p, local(now, p.timezone).date())
    meeting = candidates[0] if candidates else None
    if meeting is not None:
        mine = await agenda_for(uow, p, meeting, now)
        later = [
            i
            for i in items
            if i.status == "open" and getattr(target(i, candidates), "id", None) != meeting.id
        ]
        return Agenda(meeting, mine, await _names(uow, p, later))
    waiting = [
        replace(i, carried_over=_carried(i, meetings, now)) for i in items if i.status == "open"
    ]
    return Agenda(None, await _names(uow, p, waiting), [])


def numbered(agenda: list[AgendaItem], number: str) -> AgendaItem:
    """The item a user means by its number on the agenda shown."""
    index = ascii_number(number)
    if index is None:
        raise UsageError("agenda.bad_number", value=number[:20])
    if not 1 <= index <= len(agenda):
        raise UserError("agenda.no_such_item", number=index, count=len(agenda))
    return agenda[index - 1]


@dataclass(frozen=True)
class Standing:
    """The items every meeting starts with, when there is something to them."""

    last_minutes: Meeting | None
    open_actions: list[ActionItem]


async def standing(uow: UnitOfWork, p: Partnership, meeting: Meeting | None) -> Standing:
    """Approval of the last minutes (finished minutes of an earlier meeting) and the open
    action items."""
    before = meeting.starts_at if meeting is not None else None
    last = await uow.meetings.last_with_final_minutes(p.id, before)
    return Standing(last, await uow.actions.open_of_partnership(p.id))


@dataclass(frozen=True)
class AgendaView:
    """The coming agenda as shown: the next meeting (None: none planned) with its host and
    deadline, the standing items, the numbered items and how many wait beyond it."""

    meeting: Meeting | None
    host: Member | None
    deadline: datetime | None
    standing: Standing
    items: list[AgendaItem]
    later: int
    now: datetime

    @property
    def open_for_proposals(self) -> bool:
        return self.deadline is None or self.now <= self.deadline
