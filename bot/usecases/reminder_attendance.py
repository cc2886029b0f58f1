"""The reminder kinds about replies to an invitation: the host's count three days before a
meeting (`/einstellungen erinnerungen teilnahme <Tage>|aus`), and one reminder to the members
that have not answered (switched with it).

The members without an answer are reminded once per meeting and start time (a move asks
again): at 09:00 five days before; when the invitation came later than that, at 09:00 the
next morning, as long as that is a day before the meeting (else the invitation itself was
the last word). Both are dropped when the meeting moved, was cancelled or has begun; the
reminder to answer also when everybody answered or the meeting is less than a day away.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.model import Meeting, Member, Partnership, Reminder
from bot.core.timefmt import fmt_datetime, local
from bot.i18n import Catalog
from bot.i18n.attendance import answer_buttons, day_name, tally_blocks
from bot.usecases.attendance_tally import tally
from bot.usecases.plan import current_plan
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_model import Notice, Situation, Wanted, at_local_hour, stamp

ASK_DAYS = 5
ASK_UNTIL = timedelta(days=1)
"""The reminder to answer is not sent when the meeting is nearer than this."""


def ask_due(meeting: Meeting, timezone: str) -> datetime | None:
    """When the members without an answer are reminded (see the module docstring)."""
    day = local(meeting.starts_at, timezone).date()
    early = at_local_hour(day - timedelta(days=ASK_DAYS), timezone)
    invited = meeting.updated_at
    if early > invited:
        return early
    morning = at_local_hour(local(invited, timezone).date() + timedelta(days=1), timezone)
    return morning if morning <= meeting.starts_at - ASK_UNTIL else None


async def plan_attendance(s: Situation) -> list[Wanted]:
    if not s.settings.enabled("attendance"):
        return []
    (count_days,) = s.settings.offsets("attendance")[:1]
    zone = s.partnership.timezone
    wanted: list[Wanted] = []
    for m, _ in s.plan.upcoming:
        key, about = (
            f"{m.id}@{stamp(m.starts_at)}",
            {"meeting": m.id, "starts_at": stamp(m.starts_at)},
        )
        day = local(m.starts_at, zone).date()
        count_at = at_local_hour(day - timedelta(days=count_days), zone)
        wanted.append(Wanted("attendance_count", key, count_at, about))
        if (ask_at := ask_due(m, zone)) is not None:
            wanted.append(Wanted("attendance_ask", key, ask_at, about))
    return wanted


async def _meeting(
    uow: UnitOfWork, p: Partnership, r: Reminder, now: datetime
) -> tuple[Meeting, Member | None] | None:
    plan = await current_plan(uow, p, now)
    found = next(((m, h) for m, h in plan.upcoming if m.id == r.payload["meeting"]), None)
    if found is None or stamp(found[0].starts_at) != r.payload["starts_at"]:
        return None
    return found


async def render_count(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    """To the host's contact persons: who comes, as `/teilnahme` shows it."""
    found = await _meeting(uow, p, r, now)
    if found is None:
        return None
    meeting, host = found
    counted = await tally(uow, p, meeting)
    lang, zone = p.language, p.timezone
    head = catalog.para(
        lang,
        "reminder.attendance_count",
        when=fmt_datetime(meeting.starts_at, lang, zone),
        yes=len(counted.with_answer("yes")),
        count=len(counted.members),
    )
    host_entry = next((e for e in counted.members if host and e.member.id == host.id), None)
    people = list(host_entry.contacts) if host_entry else []
    return Notice([head, *tally_blocks(catalog, lang, zone, counted)[1:]], people)


async def render_ask(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    """To the contact persons of the members without an answer, with the answer buttons."""
    found = await _meeting(uow, p, r, now)
    if found is None or found[0].starts_at - now < ASK_UNTIL:
        return None
    meeting, _ = found
    missing = (await tally(uow, p, meeting)).with_answer(None)
    if not missing:
        return None
    lang, zone = p.language, p.timezone
    head = catalog.para(
        lang,
        "reminder.attendance_ask",
        when=fmt_datetime(meeting.starts_at, lang, zone),
        members=", ".join(e.member.name for e in missing),
        day=day_name(meeting, zone),
    )
    people = [person for e in missing for person in e.contacts]
    return Notice([head], people, buttons=answer_buttons(catalog, lang, meeting, zone))
