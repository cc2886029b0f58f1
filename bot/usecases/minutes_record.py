"""Meeting mode and the minutes as stored: taking them during the meeting, finishing and
keeping them (the use cases are in `bot.usecases.minutes`).

Meeting mode is an "open" minutes row of the meeting, with one entry per /topic, /info,
/decision, /action and /present; it lives in the database, so a restart changes nothing.
At the end the entries become a `MinutesDoc` (stored as JSON in `Minutes.document`), the
action items are created, and what the meeting did not deal with carries over by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.attendance import NO
from bot.core.errors import UserError
from bot.core.model import (
    ActionItem,
    AgendaItem,
    Meeting,
    Member,
    MinuteEntry,
    Minutes,
    Partnership,
    Person,
)
from bot.core.text import din5007_key
from bot.core.timefmt import local
from bot.usecases import actions as action_svc
from bot.usecases.actions import owner_label
from bot.usecases.agenda_queries import agenda_for
from bot.usecases.attendance_tally import tally
from bot.usecases.members import roster
from bot.usecases.minutes_render import ActionDoc, MinutesDoc, TopicDoc
from bot.usecases.plan import current_plan, default_place
from bot.usecases.ports import UnitOfWork

ENTRY_KINDS = ("topic", "info", "decision", "action", "present")


async def has_minutes(uow: UnitOfWork, meeting_id: int) -> bool:
    """Finished minutes (taken in meeting mode or attached) exist for the meeting."""
    record = await uow.minutes.for_meeting(meeting_id)
    return record is not None and not record.open


async def session(uow: UnitOfWork, p: Partnership) -> Minutes | None:
    """The meeting mode running in the partnership, if any."""
    return next(iter(await uow.minutes.open_of_partnership(p.id)), None)


async def meeting_of_day(
    uow: UnitOfWork, p: Partnership, now: datetime
) -> tuple[Meeting, Member | None] | None:
    """Today's meeting (in the partnership's zone) without finished minutes, with its host."""
    plan = await current_plan(uow, p, now)
    today = local(now, p.timezone).date()
    for meeting, host in sorted(plan.held + plan.upcoming, key=lambda pair: pair[0].starts_at):
        if local(meeting.starts_at, p.timezone).date() == today and not await has_minutes(
            uow, meeting.id
        ):
            return meeting, host
    return None


async def meeting_and_host(
    uow: UnitOfWork, p: Partnership, meeting_id: int, now: datetime
) -> tuple[Meeting, Member | None]:
    plan = await current_plan(uow, p, now)
    for meeting, host in plan.held + plan.upcoming:
        if meeting.id == meeting_id:
            return meeting, host
    found = next((m for m in plan.meetings if m.id == meeting_id), None)
    if found is None:
        found = await uow.meetings.get(meeting_id)
        assert found is not None
    return found, plan.member(found.host_member_id)


async def note(
    uow: UnitOfWork,
    record: Minutes,
    kind: str,
    text: str,
    author: Person,
    now: datetime,
    **refs: Any,
) -> MinuteEntry:
    assert kind in ENTRY_KINDS
    return await uow.minutes.add_entry(
        MinuteEntry(
            id=0,
            minutes_id=record.id,
            kind=kind,
            text=text,
            author_person_id=author.id,
            created_at=now,
            **refs,
        )
    )


async def take_up(
    uow: UnitOfWork, record: Minutes, item: AgendaItem, author: Person, now: datetime
) -> MinuteEntry:
    """/topic <n>: the agenda item is dealt with in this meeting."""
    item.status = "done"
    item.meeting_id = record.meeting_id
    await uow.agenda.save(item)
    return await note(uow, record, "topic", item.text, author, now, agenda_item_id=item.id)


async def undo_last(uow: UnitOfWork, p: Partnership, record: Minutes) -> MinuteEntry:
    """Take back the last entry; an agenda item taken up becomes open again."""
    entries = await uow.minutes.entries(record.id)
    if not entries:
        raise UserError("undo.nothing")
    last = entries[-1]
    await uow.minutes.remove_entry(last.id)
    if last.agenda_item_id is not None:
        item = await uow.agenda.get(last.agenda_item_id)
        if item is not None and item.done:
            item.status = "open"
            item.meeting_id = None
            await uow.agenda.save(item)
    return last


@dataclass
class Finished:
    minutes: Minutes
    doc: MinutesDoc
    actions: list[ActionItem]


async def _names(uow: UnitOfWork, p: Partnership) -> tuple[dict[int, Member], dict[int, Person]]:
    members = {m.id: m for m in await uow.members.of_partnership(p.id)}
    return members, (await roster(uow, p)).persons


async def finish(
    uow: UnitOfWork,
    p: Partnership,
    record: Minutes,
    meeting: Meeting,
    host: Member | None,
    now: datetime,
) -> Finished:
    """/endmeeting: write the minutes, create the action items, close meeting mode."""
    entries = await uow.minutes.entries(record.id)
    members, persons = await _names(uow, p)
    wanted = {e.person_id for e in entries if e.person_id is not None}
    wanted.add(record.taker_person_id or -1)
    persons = {**persons, **await uow.persons.many(wanted)}
    taker = persons.get(record.taker_person_id or -1)
    topics: list[TopicDoc] = []
    present: list[Member] = []
    created: list[ActionItem] = []
    for entry in entries:
        if entry.kind == "topic":
            topics.append(TopicDoc(entry.text))
            continue
        if entry.kind == "present":
            member = members.get(entry.member_id or -1)
            if member is not None and member not in present:
                present.append(member)
            continue
        if not topics:
            topics.append(TopicDoc(""))
        topic = topics[-1]
        if entry.kind == "info":
            topic.infos.append(entry.text)
        elif entry.kind == "decision":
            topic.decisions.append(entry.text)
        elif entry.kind == "action":
            person = persons.get(entry.person_id or -1)
            member = members.get(entry.member_id or -1)
            owner = action_svc.Owner(member, person)
            item = await action_svc.add(uow, p, owner, entry.text, entry.due, meeting.id, now)
            created.append(item)
            topic.actions.append(
                ActionDoc(
                    item.number,
                    owner_label(person, member),
                    entry.text,
                    entry.due.isoformat() if entry.due else "",
                )
            )
    carried = [i.text for i in await agenda_for(uow, p, meeting, now) if not i.done]
    declined = (await tally(uow, p, meeting)).with_answer(NO)
    excused = [e.member.name for e in declined if e.member not in present]
    doc = MinutesDoc(
        lang=p.language,
        partnership=p.name,
        starts_at=meeting.starts_at.isoformat(),
        timezone=p.timezone,
        place=default_place(meeting, host),
        host=host.name if host else "",
        taker=taker.display_name if taker else "",
        present=[m.name for m in sorted(present, key=lambda m: din5007_key(m.name))],
        excused=excused,
        topics=topics,
        carried=carried,
    )
    record.status = "final"
    record.ended_at = now
    record.document = doc.to_json()
    await uow.minutes.save(record)
    return Finished(record, doc, created)


async def attach(
    uow: UnitOfWork,
    p: Partnership,
    meeting: Meeting,
    host: Member | None,
    text: str,
    author: Person,
    now: datetime,
) -> Finished:
    """/minutes add: minutes written elsewhere, kept as they are."""
    if await uow.minutes.for_meeting(meeting.id) is not None:
        raise UserError("minutes.already", date=meeting.starts_at.isoformat())
    doc = MinutesDoc(
        lang=p.language,
        partnership=p.name,
        starts_at=meeting.starts_at.isoformat(),
        timezone=p.timezone,
        place=default_place(meeting, host),
        host=host.name if host else "",
        taker=author.display_name,
        text=text,
    )
    record = await uow.minutes.add(
        Minutes(
            id=0,
            partnership_id=p.id,
            meeting_id=meeting.id,
            status="final",
            source="added",
            started_at=now,
            taker_person_id=author.id,
            ended_at=now,
            document=doc.to_json(),
        )
    )
    return Finished(record, doc, [])


async def archive(uow: UnitOfWork, p: Partnership) -> list[tuple[Minutes, MinutesDoc]]:
    """Every finished minutes of the partnership, by meeting date."""
    found = [
        (m, MinutesDoc.from_json(m.document))
        for m in await uow.minutes.of_partnership(p.id)
        if not m.open and m.document
    ]
    return sorted(found, key=lambda pair: pair[1].starts_at)


def _replace_in(value: Any, name: str, placeholder: str) -> Any:
    if isinstance(value, str):
        return value.replace(name, placeholder)
    if isinstance(value, list):
        return [_replace_in(v, name, placeholder) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, name, placeholder) for k, v in value.items()}
    return value


async def forget_name(uow: UnitOfWork, partnership_id: int, name: str, placeholder: str) -> int:
    """Replace a person's name in every stored minutes of the partnership (for /forgetme);
    returns how many minutes changed. Entries refer to people by id only."""
    changed = 0
    if not name:
        return 0
    for record in await uow.minutes.of_partnership(partnership_id):
        if not record.document or name not in record.document:
            continue
        data = _replace_in(json.loads(record.document), name, placeholder)
        record.document = json.dumps(data, ensure_ascii=False)
        await uow.minutes.save(record)
        changed += 1
    return changed
