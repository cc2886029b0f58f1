"""What reminders are made of: what the state wants planned (`Wanted`), what a fired one
says (`Notice`), the switchable groups of `/settings reminders` and the partnership's
settings, and a kind (`Kind`): its planner and its renderer. The kinds themselves are in
`reminder_meetings.py` and `reminder_tasks.py`, registered in `reminder_kinds.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.domain_events import DomainEvent
from bot.core.events import RoomRef
from bot.core.model import Partnership, Person, Reminder, ReminderSetting
from bot.core.reply import Block, Button, Poll
from bot.i18n import Catalog
from bot.usecases.plan import Plan
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
    buttons: tuple[Button, ...] = ()
    """One tap answers it (the reminder to answer an invitation)."""
    poll: Poll | None = None
    """A native poll the message carries (a closed one ends the platforms' polls)."""
    events: list[DomainEvent] = field(default_factory=list)
    """What else happened, for the other channels (the final agenda for e-mail)."""


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
    "attendance": Group("attendance", "teilnahme", (3,), "days_before", 1, 14, many=False),
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
