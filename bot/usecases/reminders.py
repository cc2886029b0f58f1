"""Reminders: planned from a partnership's state, kept in the database, fired exactly once.

Planning is derived. Each kind (`bot/usecases/reminder_kinds.py`) says which reminders the
current state wants; `replan` makes the stored pending reminders match that, inside the
transaction of every change, so moving or cancelling a meeting, a member leaving or a
setting change re-plans at once. A reminder that was sent or dropped is never touched again,
and because (partnership, kind, key) is unique it is never planned twice.

Firing happens in one transaction per batch: the messages go to the outbox and the reminder
is marked sent together, which with the outbox's stable ids makes delivery exactly-once.

After downtime a reminder may be overdue. Each kind decides whether it still makes sense
(`Kind.render` returns None to drop it); the rules, per kind:

- meeting ahead (14 and 1 days before): sent late while the meeting has not started, with
  "(verspätet)"; dropped once it started, or when it moved or was cancelled.
- schedule the next meeting (weekly, from 6 weeks before the expected period): dropped when
  a meeting was scheduled meanwhile, when the next host changed, or when more than 6 days
  late (next week's reminder follows).
- agenda deadline (2 days before the deadline): dropped once the deadline passed.
- agenda posted (at the deadline): sent late until the meeting starts, dropped after.
- minutes due (3 and 10 days after the meeting): dropped when the minutes exist, the host
  left, or it is more than 7 days late.
- action items (3 days before and on the due date): dropped when the item is done or the due
  date is more than a day past.
- ad hoc (`/remind`): sent late with "(verspätet)" when less than 24 hours late, else dropped.
- checkpoint (at each meeting's start, internal): sends nothing; re-plans after the meeting
  (minutes due, schedule the next one).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.model import Partnership, Reminder
from bot.core.reply import Bold, Mention, Paragraph, Reply, Span, Text
from bot.core.timefmt import fmt_datetime
from bot.i18n import Catalog
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_kinds import KINDS, Notice, wanted_reminders

LATE_NOTE_AFTER = timedelta(minutes=15)
"""A reminder fired later than this says so."""


async def replan(uow: UnitOfWork, partnership: Partnership, now: datetime) -> None:
    """Make the pending reminders of planned kinds match what the state wants.

    New ones are only planned when still ahead; a wanted one that was cancelled comes back;
    an overdue pending one that is still wanted is left to the scheduler's overdue rules."""
    wanted = {(w.kind, w.key): w for w in await wanted_reminders(uow, partnership, now)}
    existing = await uow.reminders.of_partnership(partnership.id)
    by_key = {(r.kind, r.key): r for r in existing}
    obsolete = [
        r.id
        for r in existing
        if r.status == "pending" and KINDS[r.kind].planned and (r.kind, r.key) not in wanted
    ]
    await uow.reminders.cancel(obsolete)
    for what, want in wanted.items():
        found = by_key.get(what)
        if found is None:
            if want.due_at > now:
                await uow.reminders.add(
                    partnership.id, want.kind, want.key, want.due_at, want.payload, now
                )
        elif found.status == "pending":
            if found.due_at != want.due_at or found.payload != want.payload:
                await uow.reminders.replan(found.id, want.due_at, want.payload)
        elif found.status == "cancelled" and want.due_at > now:
            await uow.reminders.replan(found.id, want.due_at, want.payload)


def _mentions(notice: Notice, platform: str) -> list[Span]:
    """People as mentions on this room's platform; by name where they have no account there."""
    spans: list[Span] = []
    for person in notice.people:
        identity = next((i for i in person.identities if i.platform == platform), None)
        if spans:
            spans.append(Text(", "))
        spans.append(
            Mention(identity, person.display_name) if identity else Bold(person.display_name)
        )
    return spans


async def fire(
    uow: UnitOfWork, catalog: Catalog, partnership: Partnership, reminder: Reminder, now: datetime
) -> str | None:
    """Fire one due reminder: write its messages to the outbox and mark it, in the caller's
    transaction. Returns "sent", "dropped", or None when it was no longer pending."""
    kind = KINDS.get(reminder.kind)
    notice = await kind.render(uow, catalog, partnership, reminder, now) if kind else None
    status = "sent" if notice is not None else "dropped"
    if not await uow.reminders.mark_fired(reminder.id, status, now):
        return None
    if notice is None or not notice.blocks:
        return status
    lang = partnership.language
    blocks = list(notice.blocks)
    if now - reminder.due_at > LATE_NOTE_AFTER:
        blocks.append(
            catalog.para(
                lang, "reminder.late", due=fmt_datetime(reminder.due_at, lang, partnership.timezone)
            )
        )
    rooms = [r.ref for r in await uow.rooms.of_partnership(partnership.id) if r.active]
    if notice.room is not None:
        rooms = [notice.room] if notice.room in rooms else []
    for room in rooms:
        mentions = _mentions(notice, room.platform)
        to = catalog.para(lang, "reminder.to").spans
        extra = [Paragraph((*to, *mentions))] if mentions else []
        reply = Reply.of(*blocks, *extra)
        await uow.outbox.add(partnership.id, room, reply, now)
    return status


def needs_replan(reminder: Reminder) -> bool:
    """Firing this reminder changes what is wanted next (a checkpoint, a weekly reminder)."""
    kind = KINDS.get(reminder.kind)
    return kind is not None and kind.replan_after
