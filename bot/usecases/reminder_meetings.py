"""The reminder kinds about meetings: a meeting ahead, the checkpoint at its start, the
agenda deadline and the agenda posted, and the minutes due (the nudge to schedule the next
meeting is in `reminder_schedule.py`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.domain_events import AgendaPosted
from bot.core.model import Meeting, Member, Partnership, Reminder
from bot.core.reply import Block
from bot.core.timefmt import fmt_datetime
from bot.i18n import Catalog
from bot.usecases import agenda, minutes
from bot.usecases.members import roster
from bot.usecases.plan import current_plan, default_place
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_model import Notice, Situation, Wanted, stamp

# --- meeting ahead -------------------------------------------------------------------------


async def plan_meeting_ahead(s: Situation) -> list[Wanted]:
    if not s.settings.enabled("meeting"):
        return []
    return [
        Wanted(
            "meeting_ahead",
            f"{m.id}@{stamp(m.starts_at)}-{days}d",
            m.starts_at - timedelta(days=days),
            {"meeting": m.id, "starts_at": stamp(m.starts_at), "days": days},
        )
        for m, _ in s.plan.upcoming
        for days in s.settings.offsets("meeting")
    ]


async def render_meeting_ahead(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    plan = await current_plan(uow, p, now)
    found = next(((m, h) for m, h in plan.upcoming if m.id == r.payload["meeting"]), None)
    if found is None or stamp(found[0].starts_at) != r.payload["starts_at"]:
        return None
    meeting, host = found
    days = int(r.payload["days"])
    lang = p.language
    key = "reminder.meeting_tomorrow" if days == 1 else "reminder.meeting_ahead"
    place = default_place(meeting, host)
    taker = await uow.persons.get(meeting.minute_taker_person_id or -1)
    host_name = host.name if host else "-"
    lines: list[Block] = [
        catalog.para(
            lang,
            key,
            name=p.name,
            days=days,
            when=fmt_datetime(meeting.starts_at, lang, p.timezone),
            place=f"{place}, {meeting.address}" if meeting.address else place,
        ),
        catalog.para(lang, "meeting.host_taker", host=host_name, taker=taker.display_name)
        if taker
        else catalog.para(lang, "reminder.meeting_host", host=host_name),
    ]
    if meeting.online_url:
        lines.append(catalog.para(lang, "meeting.online", url=meeting.online_url))
    return Notice(lines)


# --- checkpoint ----------------------------------------------------------------------------


async def plan_checkpoints(s: Situation) -> list[Wanted]:
    return [
        Wanted("checkpoint", f"{m.id}@{stamp(m.starts_at)}", m.starts_at, {"meeting": m.id})
        for m, _ in s.plan.upcoming
    ]


async def render_checkpoint(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    return Notice([])


# --- agenda deadline and the agenda posted -------------------------------------------------


async def plan_agenda(s: Situation) -> list[Wanted]:
    if not s.settings.enabled("agenda"):
        return []
    wanted: list[Wanted] = []
    for m, _ in s.plan.upcoming:
        deadline = agenda.agenda_deadline(s.partnership, m)
        about = {"meeting": m.id, "deadline": stamp(deadline)}
        wanted.append(Wanted("agenda_posted", f"{m.id}@{stamp(deadline)}", deadline, about))
        for days in s.settings.offsets("agenda"):
            wanted.append(
                Wanted(
                    "agenda_deadline",
                    f"{m.id}@{stamp(deadline)}-{days}d",
                    deadline - timedelta(days=days),
                    {**about, "days": days},
                )
            )
    return wanted


async def _agenda_meeting(
    uow: UnitOfWork, p: Partnership, r: Reminder, now: datetime
) -> tuple[Meeting, Member | None] | None:
    plan = await current_plan(uow, p, now)
    found = next(((m, h) for m, h in plan.upcoming if m.id == r.payload["meeting"]), None)
    if found is None or stamp(agenda.agenda_deadline(p, found[0])) != r.payload["deadline"]:
        return None
    return found


async def _agenda_blocks(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, meeting: Meeting, now: datetime
) -> list[Block]:
    items = await agenda.agenda_for(uow, p, meeting, now)
    blocks = agenda.agenda_blocks(catalog, p.language, items)
    return blocks or [catalog.para(p.language, "reminder.agenda_empty")]


async def render_agenda_deadline(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    found = await _agenda_meeting(uow, p, r, now)
    if found is None:
        return None
    meeting, _ = found
    deadline = agenda.agenda_deadline(p, meeting)
    if now >= deadline:
        return None
    lang = p.language
    head = catalog.para(
        lang,
        "reminder.agenda_deadline",
        deadline=fmt_datetime(deadline, lang, p.timezone),
        when=fmt_datetime(meeting.starts_at, lang, p.timezone),
        example=catalog.command(lang, "cmd.agenda.add.example", "plain"),
    )
    return Notice([head, *await _agenda_blocks(uow, catalog, p, meeting, now)])


async def render_agenda_posted(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    found = await _agenda_meeting(uow, p, r, now)
    if found is None or now >= found[0].starts_at:
        return None
    meeting, host = found
    lang = p.language
    head = catalog.para(
        lang,
        "reminder.agenda_posted",
        when=fmt_datetime(meeting.starts_at, lang, p.timezone),
        place=default_place(meeting, host),
    )
    items = await agenda.agenda_for(uow, p, meeting, now)
    final = AgendaPosted(p, meeting, host, tuple(agenda.agenda_blocks(catalog, lang, items)))
    return Notice([head, *await _agenda_blocks(uow, catalog, p, meeting, now)], events=[final])


# --- minutes due ---------------------------------------------------------------------------

MINUTES_LATE = timedelta(days=7)


async def plan_minutes(s: Situation) -> list[Wanted]:
    if not s.settings.enabled("minutes"):
        return []
    offsets = s.settings.offsets("minutes")
    horizon = s.now - timedelta(days=max(offsets))
    wanted: list[Wanted] = []
    for m, host in s.plan.held:
        if m.starts_at < horizon or host is None or not host.active:
            continue
        if await minutes.has_minutes(s.uow, m.id):
            continue
        wanted.extend(
            Wanted(
                "minutes_due",
                f"{m.id}-{days}d",
                m.starts_at + timedelta(days=days),
                {"meeting": m.id, "days": days},
            )
            for days in offsets
        )
    return wanted


async def render_minutes(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    if now - r.due_at > MINUTES_LATE or await minutes.has_minutes(uow, r.payload["meeting"]):
        return None
    plan = await current_plan(uow, p, now)
    found = next(((m, h) for m, h in plan.held if m.id == r.payload["meeting"]), None)
    if found is None:
        return None
    meeting, host = found
    if host is None or not host.active:
        return None
    lang = p.language
    people = (await roster(uow, p)).contacts_of(host)
    record = await uow.minutes.for_meeting(meeting.id)
    if record is not None and record.open:
        # the meeting was never ended: "/protokoll neu" would not find it, ending it helps
        ended_by = await uow.persons.get(record.taker_person_id or -1)
        return Notice(
            [
                catalog.para(
                    lang,
                    "reminder.minutes_open",
                    when=fmt_datetime(meeting.starts_at, lang, p.timezone),
                    example=catalog.command(lang, "cmd.endmeeting.example", "plain"),
                )
            ],
            [ended_by] if ended_by is not None else people,
        )
    taker = await uow.persons.get(meeting.minute_taker_person_id or -1)  # delegated
    return Notice(
        [
            catalog.para(
                lang,
                "reminder.minutes_due_taker" if taker else "reminder.minutes_due",
                when=fmt_datetime(meeting.starts_at, lang, p.timezone),
                host=host.name,
                taker=taker.display_name if taker else "",
                example=catalog.command(lang, "cmd.minutes.add.example", "plain"),
            )
        ],
        [taker] if taker else people,
    )
