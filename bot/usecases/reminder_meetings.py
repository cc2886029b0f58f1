"""The reminder kinds about meetings: a meeting ahead, the checkpoint at its start, schedule
the next one, the agenda deadline and the agenda posted, and the minutes due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.model import Meeting, Member, Partnership, Reminder
from bot.core.reply import Block
from bot.core.timefmt import fmt_datetime
from bot.i18n import Catalog
from bot.i18n.meetings import period_text
from bot.i18n.texts import Texts
from bot.usecases import agenda, minutes
from bot.usecases.members import roster
from bot.usecases.plan import current_plan, default_place
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_model import Notice, Situation, Wanted, at_local_hour, stamp

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


# --- schedule the next meeting -------------------------------------------------------------

SCHEDULE_LATE = timedelta(days=6)


async def plan_schedule_next(s: Situation) -> list[Wanted]:
    if not s.settings.enabled("schedule") or s.plan.upcoming or not s.plan.turns:
        return []
    turn = s.plan.turns[0]
    if turn.period is None:
        return []
    period = turn.period
    tz = s.partnership.timezone
    start = at_local_hour(date(period.year, period.first_month, 1), tz)
    due = start - timedelta(weeks=s.settings.offsets("schedule")[0])
    if due <= s.now:
        weeks = (s.now - due) // timedelta(weeks=1) + 1
        due = due + timedelta(weeks=weeks)
    slot = f"{period.year}-{period.months}-{period.index}"
    return [
        Wanted(
            "schedule_next",
            f"{turn.member.id}/{slot}/{due.astimezone(ZoneInfo(tz)).date().isoformat()}",
            due,
            {"member": turn.member.id},
        )
    ]


async def render_schedule_next(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    if now - r.due_at > SCHEDULE_LATE:
        return None
    plan = await current_plan(uow, p, now)
    if plan.upcoming or not plan.turns or plan.turns[0].member.id != r.payload["member"]:
        return None
    turn = plan.turns[0]
    lang = p.language
    people = (await roster(uow, p)).contacts_of(turn.member)
    period = period_text(Texts(catalog, lang, p.timezone), turn.period) if turn.period else "-"
    command = catalog.command(lang, "cmd.schedule.example", "plain")
    return Notice(
        [
            catalog.para(
                lang, "reminder.schedule_next", host=turn.member.name, period=period, name=p.name
            ),
            catalog.para(lang, "reminder.schedule_how", example=command),
        ],
        people,
    )


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
    return Notice([head, *await _agenda_blocks(uow, catalog, p, meeting, now)])


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
        [taker] if taker else (await roster(uow, p)).contacts_of(host),
    )
