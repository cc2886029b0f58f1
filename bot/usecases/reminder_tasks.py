"""The reminder kinds about what people said they would do: action items coming due, and
the ad hoc reminders of `/remind`."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.events import RoomRef
from bot.core.model import Partnership, Person, Reminder
from bot.core.timefmt import fmt_date
from bot.i18n import Catalog
from bot.usecases import actions
from bot.usecases.members import roster
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_model import Notice, Situation, Wanted, at_local_hour

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
