"""Reminders: planned from a partnership's state, kept in the database, fired exactly once.

Planning is derived. Each kind (`bot/usecases/reminder_kinds.py`) says which reminders the
current state wants; `replan` makes the stored pending reminders match that, inside the
transaction of every change, so moving or cancelling a meeting, a member leaving or a
setting change re-plans at once. A reminder that was sent or dropped is never touched again,
and because (partnership, kind, key) is unique it is never planned twice.

Firing happens in one transaction per batch: `fire` marks the reminder and returns what it
says as chat notices, which the scheduler publishes through the notifier in the same
transaction; with the outbox's stable ids that makes delivery exactly-once.

The commands (`/remind`, `/reminders`, `/reminders cancel`, `/settings reminders`) are the
use cases at the end.

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

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.domain_events import ChatNotice, DomainEvent
from bot.core.errors import UsageError, UserError
from bot.core.model import Partnership, Reminder, ReminderSetting, Room
from bot.core.permissions import Who
from bot.core.reply import Bold, Mention, Paragraph, Reply, Span, Text
from bot.core.text import ascii_number
from bot.core.timefmt import fmt_datetime
from bot.i18n import Catalog
from bot.usecases.base import Call, Facts, NotAllowed, use_case
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_kinds import GROUP_KINDS, KINDS, wanted_reminders
from bot.usecases.reminder_model import GROUPS, Notice, load_settings

LATE_NOTE_AFTER = timedelta(minutes=15)
"""A reminder fired later than this says so."""


async def replan(uow: UnitOfWork, partnership: Partnership, now: datetime) -> None:
    """Make the pending reminders of planned kinds match what the state wants.

    New ones are only planned when still ahead; a wanted one that was cancelled comes back;
    an overdue pending one that is still wanted is left to the scheduler's overdue rules."""
    wanted = {(w.kind, w.key): w for w in await wanted_reminders(uow, partnership, now)}
    existing = await uow.reminders.for_replan(partnership.id, set(wanted))
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


@dataclass(frozen=True)
class Fired:
    status: str
    """"sent" or "dropped"."""
    notices: list[ChatNotice]
    """What it says, one message per room (mentions differ per platform)."""
    events: list[DomainEvent] = field(default_factory=list)
    """Other events the reminder raises (the final agenda for e-mail)."""


async def fire(
    uow: UnitOfWork,
    catalog: Catalog,
    partnership: Partnership,
    reminder: Reminder,
    now: datetime,
    rooms: list[Room] | None = None,
) -> Fired | None:
    """Fire one due reminder: mark it in the caller's transaction and return its messages
    for the notifier. None when it was no longer pending. `rooms`: the partnership's rooms,
    when the caller read them already."""
    kind = KINDS.get(reminder.kind)
    notice = await kind.render(uow, catalog, partnership, reminder, now) if kind else None
    status = "sent" if notice is not None else "dropped"
    if not await uow.reminders.mark_fired(reminder.id, status, now):
        return None
    if notice is None or not notice.blocks:
        return Fired(status, [], notice.events if notice else [])
    lang = partnership.language
    blocks = list(notice.blocks)
    if now - reminder.due_at > LATE_NOTE_AFTER:
        blocks.append(
            catalog.para(
                lang, "reminder.late", due=fmt_datetime(reminder.due_at, lang, partnership.timezone)
            )
        )
    if rooms is None:
        rooms = await uow.rooms.of_partnership(partnership.id)
    refs = [r.ref for r in rooms if r.active]
    if notice.room is not None:
        refs = [notice.room] if notice.room in refs else []
    notices: list[ChatNotice] = []
    for room in refs:
        mentions = _mentions(notice, room.platform)
        to = catalog.para(lang, "reminder.to").spans
        extra = [Paragraph((*to, *mentions))] if mentions else []
        reply = Reply.of(*blocks, *extra, buttons=notice.buttons)
        if notice.poll is not None:
            reply = Reply(reply.blocks, reply.attachments, reply.buttons, notice.poll)
        notices.append(ChatNotice(partnership, reply, room))
    return Fired(status, notices, notice.events)


def needs_replan(reminder: Reminder) -> bool:
    """Firing this reminder changes what is wanted next (a checkpoint, a weekly reminder)."""
    kind = KINDS.get(reminder.kind)
    return kind is not None and kind.replan_after


# --- the commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SetReminder:
    at: datetime
    text: str


@dataclass(frozen=True)
class ReminderSet:
    number: int
    at: datetime
    text: str


@dataclass(frozen=True)
class AdhocReminder:
    """A pending `/remind` reminder as `/reminders` lists it."""

    number: str
    due_at: datetime
    text: str
    author: str
    room: str
    """The name of the room it goes to; "-" when that room is no longer linked."""


@dataclass(frozen=True)
class ReminderList:
    adhoc: list[AdhocReminder]
    automatic: list[Reminder]
    """Pending planned reminders (checkpoints left out), soonest first."""


@dataclass(frozen=True)
class CancelReminder:
    number: str
    """As typed, digits only (leading zeros allowed)."""


@dataclass(frozen=True)
class ReminderCancelled:
    number: str
    text: str


@dataclass(frozen=True)
class ChangeReminderSetting:
    group: str
    """A name in `GROUPS`."""
    enabled: bool
    offsets: tuple[int, ...] | None = None
    """None: the offsets stay."""
    typed: str = ""
    """The value as typed, for the refusal of offsets out of range."""


@dataclass(frozen=True)
class ReminderSettingChanged(DomainEvent):
    setting: ReminderSetting
    by: str
    """Who changed it (display name)."""


def offered_groups() -> list[str]:
    """The settings groups `/settings reminders` offers: those that switch some kind."""
    return [name for name in GROUPS if name in GROUP_KINDS]


@use_case("reminders.remind")
async def remind(call: Call, command: SetReminder) -> ReminderSet:
    """An ad hoc reminder, posted in the room it was set in; numbered per partnership."""
    partnership = call.partnership
    assert call.room is not None
    existing = await call.uow.reminders.of_partnership(partnership.id)
    number = 1 + max((int(r.key) for r in existing if r.kind == "adhoc"), default=0)
    payload = {
        "platform": call.room.ref.platform,
        "room": call.room.ref.room_id,
        "author": call.person.display_name,
        "author_id": call.person.id,
        "text": command.text,
    }
    await call.uow.reminders.add(
        partnership.id, "adhoc", str(number), command.at, payload, call.now
    )
    return ReminderSet(number, command.at, command.text)


@use_case("reminders.list")
async def list_reminders(call: Call) -> ReminderList:
    partnership = call.partnership
    pending = await call.uow.reminders.of_partnership(partnership.id, ("pending",))
    rooms = {
        (r.ref.platform, r.ref.room_id): r.name
        for r in await call.uow.rooms.of_partnership(partnership.id)
    }
    adhoc = [
        AdhocReminder(
            r.key,
            r.due_at,
            str(r.payload["text"]),
            str(r.payload["author"]),
            rooms.get((str(r.payload["platform"]), str(r.payload["room"])), "-"),
        )
        for r in pending
        if r.kind == "adhoc"
    ]
    automatic = [r for r in pending if r.kind not in ("adhoc", "checkpoint")]
    return ReminderList(adhoc, automatic)


@use_case("reminders.cancel", Who.AUTHOR, Who.COORDINATOR, refusal="reminders.not_yours")
async def cancel(call: Call, command: CancelReminder) -> ReminderCancelled:
    """An ad hoc reminder before it fires, by whoever set it or a coordinator."""
    pending = await call.uow.reminders.of_partnership(call.partnership.id, ("pending",))
    key = str(ascii_number(command.number))
    found = next((r for r in pending if r.kind == "adhoc" and r.key == key), None)
    if found is None:
        raise UserError("reminders.not_found", number=command.number[:10])
    author = found.payload.get("author_id")
    try:
        await call.authorize(
            cancel.permission, Facts(author_id=author if isinstance(author, int) else None)
        )
    except NotAllowed as refused:
        raise NotAllowed(
            refused.permission, refused.key, number=found.key, person=found.payload["author"]
        ) from None
    await call.uow.reminders.cancel([found.id])
    return ReminderCancelled(found.key, str(found.payload["text"]))


@use_case("reminders.settings", Who.COORDINATOR)
async def settings(call: Call) -> list[ReminderSetting]:
    """The partnership's reminder settings, one per offered group, defaults filled in."""
    current = await load_settings(call.uow, call.partnership.id)
    return [current.values[name] for name in offered_groups()]


@use_case("reminders.change_setting", Who.COORDINATOR)
async def change_setting(call: Call, command: ChangeReminderSetting) -> ReminderSettingChanged:
    """Switch a group of reminders on or off, or set its offsets (which switches it on);
    every room is told."""
    partnership = call.partnership
    group = GROUPS[command.group]
    current = (await load_settings(call.uow, partnership.id)).values[command.group]
    offsets = current.offsets
    if command.offsets is not None:
        offsets = command.offsets
        if (
            (not group.many and len(offsets) > 1)
            or len(offsets) > 5
            or not all(group.low <= x <= group.high for x in offsets)
        ):
            raise UsageError(
                "reminder_settings.bad_offsets",
                value=command.typed[:30],
                low=group.low,
                high=group.high,
                count=5 if group.many else 1,
            )
    setting = ReminderSetting(partnership.id, command.group, command.enabled, offsets)
    await call.uow.reminders.save_setting(setting)
    await call.audit(
        "settings.reminders",
        group=command.group,
        enabled=setting.enabled,
        offsets=list(setting.offsets),
    )
    event = ReminderSettingChanged(partnership, setting, call.person.display_name)
    call.raise_event(event)
    return event
