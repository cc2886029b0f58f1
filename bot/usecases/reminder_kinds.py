"""The reminder kinds: which there are, what each plans from a partnership's state, and which
settings group switches them (the overdue rules are in `bot/usecases/reminders.py`)."""

from __future__ import annotations

from datetime import datetime

from bot.core.model import Partnership
from bot.usecases.date_poll_reminders import plan_date_polls, render_close, render_remind
from bot.usecases.plan import current_plan
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_attendance import plan_attendance, render_ask, render_count
from bot.usecases.reminder_meetings import (
    plan_agenda,
    plan_checkpoints,
    plan_meeting_ahead,
    plan_minutes,
    render_agenda_deadline,
    render_agenda_posted,
    render_checkpoint,
    render_meeting_ahead,
    render_minutes,
)
from bot.usecases.reminder_model import Kind, Situation, Wanted, load_settings
from bot.usecases.reminder_schedule import plan_schedule_next, render_schedule_next
from bot.usecases.reminder_tasks import plan_actions, render_action, render_adhoc

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
        Kind("datepoll_remind", render_remind, plan_date_polls),
        Kind("datepoll_close", render_close, replan_after=True),
        Kind("attendance_count", render_count, plan_attendance),
        Kind("attendance_ask", render_ask),
    )
}
GROUP_KINDS: dict[str, tuple[str, ...]] = {
    "meeting": ("meeting_ahead",),
    "schedule": ("schedule_next",),
    "agenda": ("agenda_deadline", "agenda_posted"),
    "minutes": ("minutes_due",),
    "actions": ("action_due",),
    "attendance": ("attendance_count", "attendance_ask"),
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
