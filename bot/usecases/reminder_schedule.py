"""The nudge to schedule the next meeting.

A nudge nobody acts on becomes noise, and silence lets a partnership fall asleep. So the
host's contact persons are nudged at most three weeks in a row; after that the coordinators
are nudged every four weeks, for as long as a meeting is due and none is planned. The
sequence starts when the meeting becomes due (the setting's weeks before the period the
cadence expects it in), and anew when the turn changes hands (a meeting held or cancelled,
the rotation changed, a member gone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date

from bot.core.model import Meeting, Member, Partnership, Reminder
from bot.core.reply import Block, command_or_code
from bot.core.timefmt import local
from bot.i18n import Catalog
from bot.i18n.meetings import LOCALES, period_text, place_text
from bot.i18n.texts import Texts
from bot.usecases import roles
from bot.usecases.members import roster
from bot.usecases.plan import Period, Plan, current_plan
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_model import Notice, Situation, Wanted, at_local_hour

HOST_NUDGES = 3
"""How many weeks in a row the host's contact persons are nudged."""
COORDINATOR_EVERY = timedelta(weeks=4)
"""Then the coordinators, this often."""
SETTLE = timedelta(days=7)
"""No nudge within a week of the turn changing hands (the day after a meeting is too soon)."""
SCHEDULE_LATE = timedelta(days=6)
"""A nudge this late (the bot was down) is dropped; the next one follows."""


@dataclass(frozen=True)
class Nudges:
    """The nudges of one turn: number n is due at `due(n)`, to the host or the coordinators."""

    first: datetime

    def due(self, n: int) -> datetime:
        if n < HOST_NUDGES:
            return self.first + timedelta(weeks=n)
        return self.first + timedelta(weeks=HOST_NUDGES) + (n - HOST_NUDGES) * COORDINATOR_EVERY

    @staticmethod
    def audience(n: int) -> str:
        return "host" if n < HOST_NUDGES else "coordinators"

    def next_after(self, now: datetime) -> int:
        """The number of the first nudge due after `now`."""
        n = 0
        while self.due(n) <= now:
            n += 1
        return n


def expected_period(plan: Plan, p: Partnership) -> Period:
    """The period the next meeting is due in: the one after the last meeting held, or the
    one the partnership was founded in. Unlike the turn's period, it does not move on while
    nobody plans: an overdue meeting stays overdue."""
    held = [m for m, _ in plan.held if not m.cancelled]
    if held:
        return Period.of(held[-1].starts_at, p.timezone, p.cadence).shifted(1)
    return Period.of(p.created_at, p.timezone, p.cadence)


def _turn_changed(plan: Plan, p: Partnership) -> datetime:
    """When the turn to invite last changed hands."""
    moments = [p.created_at]
    moments += [m.starts_at for m, _ in plan.held if not m.cancelled]
    moments += [m.updated_at for m in plan.meetings if m.cancelled]
    moments += [o.at for o in plan.overrides]
    moments += [m.left_at for m in plan.members if m.left_at is not None]
    return max(moments)


def nudges(plan: Plan, p: Partnership, weeks_before: int) -> tuple[Period, Nudges]:
    period = expected_period(plan, p)
    due = at_local_hour(date(period.year, period.first_month, 1), p.timezone) - timedelta(
        weeks=weeks_before
    )
    settled = local(_turn_changed(plan, p) + SETTLE, p.timezone).date()
    return period, Nudges(max(due, at_local_hour(settled, p.timezone)))


async def plan_schedule_next(s: Situation) -> list[Wanted]:
    if not s.settings.enabled("schedule") or s.plan.upcoming or not s.plan.turns:
        return []
    poll = await s.uow.date_polls.latest(s.partnership.id)
    if poll is not None and poll.open:
        return []  # the date is being found: the poll reminds and closes on its own
    host = s.plan.turns[0].member
    period, sequence = nudges(s.plan, s.partnership, s.settings.offsets("schedule")[0])
    n = sequence.next_after(s.now)
    due = sequence.due(n)
    slot = f"{period.year}-{period.months}-{period.index}"
    return [
        Wanted(
            "schedule_next",
            f"{host.id}/{slot}/{n}/{local(due, s.partnership.timezone).date().isoformat()}",
            due,
            {"member": host.id, "n": n, "audience": Nudges.audience(n)},
        )
    ]


def example_day(period: Period, p: Partnership, now: datetime) -> date:
    """A plausible day to suggest: a Tuesday in the expected period, three weeks ahead at
    the earliest."""
    day = max(date(period.year, period.first_month, 1), (now + timedelta(weeks=3)).date())
    return day + timedelta(days=(1 - day.weekday()) % 7)


def example(catalog: Catalog, p: Partnership, host: Member, last: Meeting | None, day: date) -> str:
    """The command that would plan the meeting, with a real day and the place of `last`,
    the last meeting the host held somewhere."""
    lang = p.language
    pattern = "d.M.yyyy" if lang == "de" else "d MMMM yyyy"
    when = str(format_date(day, pattern, locale=LOCALES[lang]))
    key = "reminder.schedule_example_at" if last is not None else "reminder.schedule_example"
    return catalog.text(lang, key, day=when, place=place_text(last, host) if last else "")


async def render_schedule_next(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    if now - r.due_at > SCHEDULE_LATE:
        return None
    plan = await current_plan(uow, p, now)
    if plan.upcoming or not plan.turns or plan.turns[0].member.id != r.payload["member"]:
        return None
    host = plan.turns[0].member
    lang = p.language
    period = expected_period(plan, p)
    texts = Texts(catalog, lang, p.timezone)
    after = period.shifted(1)
    overdue = local(now, p.timezone).date() >= date(after.year, after.first_month, 1)
    head = "reminder.schedule_overdue" if overdue else "reminder.schedule_next"
    last = await uow.meetings.last_held(p.id, host_member_id=host.id, with_place=True)
    command = command_or_code(example(catalog, p, host, last, example_day(period, p, now)), "plain")
    blocks: list[Block] = [
        catalog.para(lang, head, host=host.name, period=period_text(texts, period), name=p.name)
    ]
    n = int(r.payload.get("n", 0))
    if Nudges.audience(n) == "host":
        blocks.append(catalog.para(lang, "reminder.schedule_how", example=command))
        if n == HOST_NUDGES - 1:
            blocks.append(catalog.para(lang, "reminder.schedule_last_for_host"))
        return Notice(blocks, (await roster(uow, p)).contacts_of(host))
    blocks.append(
        catalog.para(lang, "reminder.schedule_coordinators", host=host.name, example=command)
    )
    return Notice(blocks, await roles.coordinators(uow, p))
