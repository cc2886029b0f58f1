"""The in-memory repositories of what happens in a partnership: audit, outbox, meetings,
reminders, agenda, minutes and action items (`tests/fakes.py`)."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core.events import RoomRef
from bot.core.model import (
    ActionItem,
    AgendaItem,
    AuditEntry,
    HandledEvent,
    Meeting,
    MinuteEntry,
    Minutes,
    OutboxMessage,
    Reminder,
    ReminderSetting,
    RotationOverride,
)
from bot.core.reply import Reply
from storage.reply_codec import reply_from_json, reply_to_json
from tests.fake_tables import FakeIntegrityError, Repository, as_json, ordered, stored, utc


class FakeAudit(Repository):
    async def add(
        self, partnership_id: int, actor_id: int | None, action: str, detail: str, now: datetime
    ) -> None:
        self._insert(
            self._t.audit, lambda i: AuditEntry(i, partnership_id, now, actor_id, action, detail)
        )

    async def of_partnership(self, partnership_id: int, limit: int = 50) -> list[AuditEntry]:
        found = (a for a in self._t.audit.values() if a.partnership_id == partnership_id)
        return ordered(found, lambda a: -a.id)[:limit]


class FakeOutbox(Repository):
    async def add(
        self,
        partnership_id: int | None,
        room: RoomRef,
        reply: Reply,
        now: datetime,
        *,
        answers: str | None = None,
        kind: str = "message",
    ) -> str:
        uid = uuid.uuid4().hex
        reply = reply_from_json(reply_to_json(reply))  # what the sender would read back
        self._insert(
            self._t.outbox,
            lambda i: OutboxMessage(
                i, uid, partnership_id, room, reply, now, now, 0, "pending", "", answers, kind
            ),
        )
        return uid

    async def due(
        self,
        now: datetime,
        limit: int = 100,
        platforms: Sequence[str] | None = None,
        excluding: Sequence[int] = (),
    ) -> list[OutboxMessage]:
        """At most the oldest pending message of each room, if it is due (and not excluded)."""
        first: dict[RoomRef, OutboxMessage] = {}
        for message in sorted(self._t.outbox.values(), key=lambda m: m.id):
            if platforms is not None and message.room.platform not in platforms:
                continue
            if message.status == "pending":
                first.setdefault(message.room, message)
        due = (m for m in first.values() if m.next_attempt_at <= now and m.id not in excluding)
        return ordered(due, lambda m: m.id)[:limit]

    async def pending(self) -> list[OutboxMessage]:
        found = (m for m in self._t.outbox.values() if m.status == "pending")
        return ordered(found, lambda m: m.id)

    async def failed(self) -> list[OutboxMessage]:
        found = (m for m in self._t.outbox.values() if m.status == "failed")
        return ordered(found, lambda m: m.id)

    async def parked(self) -> list[OutboxMessage]:
        found = (m for m in self._t.outbox.values() if m.status == "parked")
        return ordered(found, lambda m: m.id)

    def _attempt(self, message_id: int, **values: Any) -> None:
        self._wrote()
        message = self._t.outbox.get(message_id)
        if message is not None:
            message.attempts += 1
            for name, value in values.items():
                setattr(message, name, utc(value))

    async def mark_sent(self, message_id: int, now: datetime, forget: bool = False) -> None:
        self._attempt(message_id, status="sent")
        if forget and message_id in self._t.outbox:
            self._t.outbox[message_id].reply = Reply(())

    async def mark_all_sent(self, message_ids: list[int], now: datetime, forget: bool) -> None:
        for message_id in message_ids:
            await self.mark_sent(message_id, now, forget)

    async def mark_retry(self, message_id: int, next_attempt_at: datetime, error: str) -> None:
        self._attempt(message_id, next_attempt_at=next_attempt_at, last_error=error[:1000])

    async def mark_failed(self, message_id: int, error: str) -> None:
        self._attempt(message_id, status="failed", last_error=error[:1000])

    async def mark_parked(self, message_id: int, error: str) -> None:
        self._attempt(message_id, status="parked", last_error=error[:1000])

    async def next_due_at(self) -> datetime | None:
        times = [m.next_attempt_at for m in self._t.outbox.values() if m.status == "pending"]
        return min(times, default=None)


class FakeState(Repository):
    async def get(self, key: str) -> str | None:
        return self._t.state.get(key)

    async def put(self, key: str, value: str) -> None:
        self._wrote()
        self._t.state[key] = value


class FakeHandledEvents(Repository):
    async def find(self, platform: str, event_id: str) -> HandledEvent | None:
        return copy.deepcopy(self._t.handled_events.get((platform, event_id)))

    async def add(self, event: HandledEvent) -> None:
        key = (event.platform, event.event_id)
        if key in self._t.handled_events:
            raise FakeIntegrityError(f"event {key} handled before")
        self._wrote()
        self._t.handled_events[key] = stored(event)

    async def prune(self, before: datetime) -> None:
        self._wrote()
        for key, event in list(self._t.handled_events.items()):
            if event.handled_at < before:
                del self._t.handled_events[key]


class FakeMeetings(Repository):
    async def of_partnership(self, partnership_id: int) -> list[Meeting]:
        found = (m for m in self._t.meetings.values() if m.partnership_id == partnership_id)
        return ordered(found, lambda m: (m.starts_at, m.id))

    async def add(
        self, partnership_id: int, uid: str, starts_at: datetime, place: str, now: datetime
    ) -> Meeting:
        if any(m.uid == uid for m in self._t.meetings.values()):
            raise FakeIntegrityError(f"meeting uid {uid} exists")
        return self._insert(
            self._t.meetings,
            lambda i: Meeting(i, partnership_id, uid, starts_at, place, "scheduled", 0, now, now),
        )

    async def save(self, meeting: Meeting) -> None:
        names = ("starts_at", "place", "status", "sequence", "host_member_id", "cancel_reason")
        details = ("ends_at", "address", "online_url", "minute_taker_person_id")
        self._update(self._t.meetings, meeting, *names, *details, "host_fixed_at", "updated_at")


class FakeOverrides(Repository):
    async def of_partnership(self, partnership_id: int) -> list[RotationOverride]:
        found = (o for o in self._t.overrides.values() if o.partnership_id == partnership_id)
        return ordered(found, lambda o: (o.at, o.id))

    async def add(
        self,
        partnership_id: int,
        kind: str,
        member_id: int | None,
        other_member_id: int | None,
        reason: str,
        actor_id: int | None,
        now: datetime,
    ) -> RotationOverride:
        return self._insert(
            self._t.overrides,
            lambda i: RotationOverride(
                i, partnership_id, kind, member_id, other_member_id, reason, actor_id, now
            ),
        )


class FakeReminders(Repository):
    async def of_partnership(
        self, partnership_id: int, statuses: Sequence[str] | None = None
    ) -> list[Reminder]:
        found = (
            r
            for r in self._t.reminders.values()
            if r.partnership_id == partnership_id and (statuses is None or r.status in statuses)
        )
        return ordered(found, lambda r: (r.due_at, r.id))

    async def add(
        self,
        partnership_id: int,
        kind: str,
        key: str,
        due_at: datetime,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        for r in self._t.reminders.values():
            if (r.partnership_id, r.kind, r.key) == (partnership_id, kind, key):
                raise FakeIntegrityError(f"reminder {kind} {key} exists")
        self._insert(
            self._t.reminders,
            lambda i: Reminder(
                i, partnership_id, kind, key, due_at, as_json(payload), "pending", now
            ),
        )

    async def replan(self, reminder_id: int, due_at: datetime, payload: dict[str, Any]) -> None:
        self._wrote()
        reminder = self._t.reminders.get(reminder_id)
        if reminder is not None:
            reminder.due_at, reminder.payload = utc(due_at), as_json(payload)
            reminder.status, reminder.fired_at = "pending", None

    async def cancel(self, reminder_ids: Sequence[int]) -> None:
        if reminder_ids:
            self._wrote()
            for reminder_id in reminder_ids:
                reminder = self._t.reminders.get(reminder_id)
                if reminder is not None and reminder.status == "pending":
                    reminder.status = "cancelled"

    async def due(self, now: datetime, limit: int = 100) -> list[Reminder]:
        found = (r for r in self._t.reminders.values() if r.status == "pending" and r.due_at <= now)
        return ordered(found, lambda r: (r.due_at, r.id))[:limit]

    async def mark_fired(self, reminder_id: int, status: str, now: datetime) -> bool:
        """Only a pending reminder fires; False if somebody else fired or cancelled it."""
        self._wrote()
        reminder = self._t.reminders.get(reminder_id)
        if reminder is None or reminder.status != "pending":
            return False
        reminder.status, reminder.fired_at = status, utc(now)
        return True

    async def next_due_at(self) -> datetime | None:
        times = [r.due_at for r in self._t.reminders.values() if r.status == "pending"]
        return min(times, default=None)

    async def unplanned_partnerships(self) -> list[int]:
        planned = {r.partnership_id for r in self._t.reminders.values()}
        return sorted(set(self._t.partnerships) - planned)

    async def settings(self, partnership_id: int) -> list[ReminderSetting]:
        found = self._t.reminder_settings.values()
        return [copy.deepcopy(s) for s in found if s.partnership_id == partnership_id]

    async def save_setting(self, setting: ReminderSetting) -> None:
        self._wrote()
        self._t.reminder_settings[(setting.partnership_id, setting.kind)] = stored(setting)


class FakeAgenda(Repository):
    async def of_partnership(self, partnership_id: int) -> list[AgendaItem]:
        found = (
            a
            for a in self._t.agenda.values()
            if a.partnership_id == partnership_id and a.status != "removed"
        )
        return ordered(found, lambda a: (a.position, a.id))

    async def add(self, item: AgendaItem) -> AgendaItem:
        return self._insert(
            self._t.agenda,
            lambda i: dataclasses.replace(item, id=i, carried_over=False, proposer=""),
        )

    async def save(self, item: AgendaItem) -> None:
        names = ("text", "field", "position", "not_before", "status", "meeting_id")
        self._update(self._t.agenda, item, *names)


class FakeMinutes(Repository):
    async def of_partnership(self, partnership_id: int) -> list[Minutes]:
        found = (m for m in self._t.minutes.values() if m.partnership_id == partnership_id)
        return ordered(found, lambda m: (m.started_at, m.id))

    async def for_meeting(self, meeting_id: int) -> Minutes | None:
        found = (m for m in self._t.minutes.values() if m.meeting_id == meeting_id)
        return copy.deepcopy(next(found, None))

    async def add(self, minutes: Minutes) -> Minutes:
        if await self.for_meeting(minutes.meeting_id) is not None:
            raise FakeIntegrityError(f"minutes of meeting {minutes.meeting_id} exist")
        return self._insert(self._t.minutes, lambda i: dataclasses.replace(minutes, id=i))

    async def save(self, minutes: Minutes) -> None:
        names = ("status", "source", "taker_person_id", "ended_at", "document")
        self._update(self._t.minutes, minutes, *names)

    async def entries(self, minutes_id: int) -> list[MinuteEntry]:
        found = (e for e in self._t.entries.values() if e.minutes_id == minutes_id)
        return ordered(found, lambda e: e.id)

    async def add_entry(self, entry: MinuteEntry) -> MinuteEntry:
        return self._insert(self._t.entries, lambda i: dataclasses.replace(entry, id=i))

    async def remove_entry(self, entry_id: int) -> None:
        self._wrote()
        self._t.entries.pop(entry_id, None)


class FakeActions(Repository):
    async def of_partnership(self, partnership_id: int) -> list[ActionItem]:
        found = (a for a in self._t.actions.values() if a.partnership_id == partnership_id)
        return ordered(found, lambda a: a.number)

    async def add(self, item: ActionItem) -> ActionItem:
        """Numbered after the partnership's highest number."""
        numbers = [
            a.number for a in self._t.actions.values() if a.partnership_id == item.partnership_id
        ]
        number = max(numbers, default=0) + 1
        return self._insert(
            self._t.actions, lambda i: dataclasses.replace(item, id=i, number=number)
        )

    async def save(self, item: ActionItem) -> None:
        names = ("text", "owner_member_id", "owner_person_id", "due", "done_at", "done_by")
        self._update(self._t.actions, item, *names)
