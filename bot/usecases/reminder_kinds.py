"""The reminder kinds: what each wants planned from a partnership's state, and what it says
when it fires (or that it no longer makes sense: the overdue rules in
`bot/usecases/reminders.py`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.core.events import RoomRef
from bot.core.model import Meeting, Member, Partnership, Person, Reminder, ReminderSetting
from bot.core.reply import Block
from bot.core.timefmt import fmt_date, fmt_datetime
from bot.i18n import Catalog
from bot.usecases import actions, agenda, minutes
from bot.usecases.members import roster
from bot.usecases.plan import Period, Plan, current_plan, default_place
from bot.usecases.ports import UnitOfWork

REMIND_AT_HOUR = 9
"""Reminders about days (the schedule, action items) go out at 09:00 local time."""


@dataclass(frozen=True)
class Wanted:
    """A reminder the current state asks for."""

    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]


@dataclass
class Notice:
    """What a fired reminder says, whom it points to, and where: every active room of the
    partnership, or one room (ad hoc reminders). No blocks: it says nothing."""

    blocks: list[Block]
    people: list[Person] = field(default_factory=list)
    room: RoomRef | None = None


@dataclass(frozen=True)
class Group:
    """A switchable family of kinds in `/settings reminders`, with its offsets."""

    name: str
    alias: str
    offsets: tuple[int, ...]
    unit: str
    """"days_before", "days_after" or "weeks_before": how the offsets read."""
    low: int
    high: int
    many: bool = True


GROUPS: dict[str, Group] = {
    "meeting": Group("meeting", "treffen", (14, 1), "days_before", 1, 60),
    "agenda": Group("agenda", "tagesordnung", (2,), "days_before", 1, 14),
    "minutes": Group("minutes", "protokoll", (3, 10), "days_after", 1, 60),
    "schedule": Group("schedule", "terminplanung", (6,), "weeks_before", 1, 26, many=False),
    "actions": Group("actions", "aufgaben", (3, 0), "days_before", 0, 30),
}


@dataclass(frozen=True)
class Settings:
    """The reminder settings of one partnership, defaults filled in."""

    values: dict[str, ReminderSetting]

    def enabled(self, group: str) -> bool:
        return self.values[group].enabled

    def offsets(self, group: str) -> tuple[int, ...]:
        return self.values[group].offsets


async def load_settings(uow: UnitOfWork, partnership_id: int) -> Settings:
    stored = {s.kind: s for s in await uow.reminders.settings(partnership_id)}
    values = {
        name: stored.get(name, ReminderSetting(partnership_id, name, True, group.offsets))
        for name, group in GROUPS.items()
    }
    return Settings(values)


@dataclass
class Situation:
    """What the planners look at: loaded once per re-plan."""

    uow: UnitOfWork
    partnership: Partnership
    now: datetime
    plan: Plan
    settings: Settings


Planner = Callable[[Situation], Awaitable[list[Wanted]]]
Renderer = Callable[
    [UnitOfWork, Catalog, Partnership, Reminder, datetime], Awaitable["Notice | None"]
]


@dataclass(frozen=True)
class Kind:
    name: str
    render: Renderer
    plan: Planner | None = None
    """Plans this kind (one planner may plan several kinds)."""
    planned: bool = True
    """False: not derived from state (ad hoc reminders); re-planning leaves it alone."""
    replan_after: bool = False
    """Firing it changes what is wanted next (a checkpoint, a weekly reminder)."""


def stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%MZ")


def at_local_hour(day: date, timezone: str, hour: int = REMIND_AT_HOUR) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(timezone))


_LOCALES = {"de": "de_DE", "en": "en_GB"}


def period_text(catalog: Catalog, lang: str, period: Period) -> str:
    cadence = {1: "monthly", 3: "quarterly", 6: "half-yearly", 12: "yearly"}[period.months]
    month = format_date(date(period.year, period.first_month, 1), "MMMM", locale=_LOCALES[lang])
    return catalog.text(
        lang, f"period.{cadence}", n=period.index + 1, year=period.year, month=month
    )


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
    return Notice(
        [
            catalog.para(
                lang,
                key,
                name=p.name,
                days=days,
                when=fmt_datetime(meeting.starts_at, lang, p.timezone),
                place=default_place(meeting, host),
            ),
            catalog.para(lang, "reminder.meeting_host", host=host.name if host else "-"),
        ]
    )


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
    period = period_text(catalog, lang, turn.period) if turn.period else "-"
    command = catalog.text(lang, "cmd.schedule.example")
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
        example=catalog.text(lang, "cmd.agenda.add.example"),
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
    return Notice(
        [
            catalog.para(
                lang,
                "reminder.minutes_due",
                when=fmt_datetime(meeting.starts_at, lang, p.timezone),
                host=host.name,
                example=catalog.text(lang, "cmd.minutes.add.example"),
            )
        ],
        (await roster(uow, p)).contacts_of(host),
    )


# --- action items --------------------------------------------------------------------------

ACTION_LATE = timedelta(days=1)


async def plan_actions(s: Situation) -> list[Wanted]:
    if not s.settings.enabled("actions"):
        return []
    return [
        Wanted(
            "action_due",
            f"{a.id}@{a.due.isoformat()}-{days}d",
            at_local_hour(a.due - timedelta(days=days), s.partnership.timezone),
            {"action": a.id, "due": a.due.isoformat(), "days": days},
        )
        for a in await actions.open_actions(s.uow, s.partnership.id)
        if a.due is not None and (a.owner_person_id or a.owner_member_id)
        for days in s.settings.offsets("actions")
    ]


async def render_action(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    item = next(
        (a for a in await actions.open_actions(uow, p.id) if a.id == r.payload["action"]), None
    )
    if item is None or item.due is None or item.due.isoformat() != r.payload["due"]:
        return None
    if now > at_local_hour(item.due, p.timezone) + ACTION_LATE:
        return None
    people: list[Person] = []
    owner = ""
    if item.owner_person_id is not None:
        person = await uow.persons.get(item.owner_person_id)
        if person is not None:
            people, owner = [person], person.display_name
    elif item.owner_member_id is not None:
        team = await roster(uow, p)
        member = next((m for m in team.members if m.id == item.owner_member_id), None)
        if member is not None:
            people, owner = team.contacts_of(member), member.name
    lang = p.language
    days = int(r.payload["days"])
    return Notice(
        [
            catalog.para(
                lang,
                "reminder.action_today" if days == 0 else "reminder.action_soon",
                number=item.number,
                text=item.text,
                days=days,
                due=fmt_date(at_local_hour(item.due, p.timezone), lang, p.timezone),
                owner=owner or "-",
            )
        ],
        people,
    )


# --- ad hoc --------------------------------------------------------------------------------

ADHOC_LATE = timedelta(hours=24)


async def render_adhoc(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    if now - r.due_at > ADHOC_LATE:
        return None
    room = RoomRef(str(r.payload["platform"]), str(r.payload["room"]))
    return Notice(
        [
            catalog.para(
                p.language, "reminder.adhoc", person=r.payload["author"], text=r.payload["text"]
            )
        ],
        room=room,
    )


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("meeting_ahead", render_meeting_ahead, plan_meeting_ahead),
        Kind("schedule_next", render_schedule_next, plan_schedule_next, replan_after=True),
        Kind("agenda_deadline", render_agenda_deadline, plan_agenda),
        Kind("agenda_posted", render_agenda_posted),
        Kind("minutes_due", render_minutes, plan_minutes),
        Kind("action_due", render_action, plan_actions),
        Kind("checkpoint", render_checkpoint, plan_checkpoints, replan_after=True),
        Kind("adhoc", render_adhoc, planned=False),
    )
}
GROUP_KINDS: dict[str, tuple[str, ...]] = {
    "meeting": ("meeting_ahead",),
    "schedule": ("schedule_next",),
    "agenda": ("agenda_deadline", "agenda_posted"),
    "minutes": ("minutes_due",),
    "actions": ("action_due",),
}
"""Which kinds each settings group switches; groups without kinds yet are not offered."""


async def wanted_reminders(uow: UnitOfWork, p: Partnership, now: datetime) -> list[Wanted]:
    situation = Situation(
        uow, p, now, await current_plan(uow, p, now), await load_settings(uow, p.id)
    )
    wanted: list[Wanted] = []
    for kind in KINDS.values():
        if kind.plan is not None:
            wanted.extend(await kind.plan(situation))
    return wanted
