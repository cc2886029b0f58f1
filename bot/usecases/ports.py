"""What the services need from storage, as protocols; `storage/` implements them with SQL.

One unit of work per incoming event: everything a command changes, and the messages it
causes, are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from bot.core.events import Identity, RoomRef
from bot.core.model import (
    ActionItem,
    AgendaItem,
    AuditEntry,
    Contact,
    HandledEvent,
    LinkCode,
    Meeting,
    Member,
    MinuteEntry,
    Minutes,
    OutboxMessage,
    Partnership,
    Person,
    Reminder,
    ReminderSetting,
    Room,
    RotationOverride,
)
from bot.core.poll_messages import PollMessage
from bot.core.reply import Reply
from bot.usecases.ports_history import MinutesArchive, RecentMeetings, RotationStateRepository
from bot.usecases.ports_polls import DatePollRepository
from bot.usecases.ports_reach import EmailRepository, ReplyRepository, WebRepository


class PartnershipRepository(Protocol):
    async def add(self, name: str, language: str, timezone: str, now: datetime) -> Partnership: ...
    async def get(self, partnership_id: int) -> Partnership | None: ...
    async def save(self, partnership: Partnership) -> None: ...


class RoomRepository(Protocol):
    async def find(self, ref: RoomRef) -> Room | None: ...
    async def add(self, partnership_id: int, ref: RoomRef, name: str, now: datetime) -> Room: ...
    async def remove(self, room_id: int) -> None: ...
    async def of_partnership(self, partnership_id: int) -> list[Room]: ...
    async def set_active(self, room_id: int, active: bool) -> None: ...
    async def rekey(self, room_id: int, ref: RoomRef) -> None:
        """The chat got a new id (a Telegram group became a supergroup); the room stays."""
        ...


class MemberRepository(Protocol):
    async def of_partnership(self, partnership_id: int) -> list[Member]:
        """All members ever, those who left included."""
        ...

    async def add(self, partnership_id: int, name: str, now: datetime) -> Member: ...
    async def save(self, member: Member) -> None: ...


class PersonRepository(Protocol):
    async def by_identity(self, identity: Identity) -> Person | None: ...
    async def get(self, person_id: int) -> Person | None: ...
    async def many(self, person_ids: set[int]) -> dict[int, Person]: ...
    async def add(self, display_name: str, identity: Identity) -> Person: ...
    async def rename(self, person_id: int, display_name: str) -> None: ...
    async def record(
        self, person_id: int, partnership_id: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """Everything stored about the person, table by table (only one partnership's part,
        when given): their row, every row pointing at them, every text naming them."""
        ...

    async def forget(
        self, person_id: int, placeholder: str, partnership_id: int | None = None
    ) -> bool:
        """Delete what exists because of them, put `placeholder` where they are named; with a
        partnership, only its part. True when the person is gone entirely."""
        ...

    async def referenced_by(self, partnership_id: int) -> set[int]:
        """Everyone any row of the partnership refers to, people who left included."""
        ...


class ContactRepository(Protocol):
    async def active_of_partnership(self, partnership_id: int) -> list[Contact]: ...
    async def add(self, member_id: int, person_id: int, now: datetime) -> Contact: ...
    async def end(self, contact_id: int, now: datetime) -> None: ...


class CoordinatorRepository(Protocol):
    async def of_partnership(self, partnership_id: int) -> list[int]: ...
    async def add(self, partnership_id: int, person_id: int, now: datetime) -> None: ...
    async def remove(self, partnership_id: int, person_id: int) -> None: ...


class PresenceRepository(Protocol):
    """Who is in which linked room, as far as the bot has seen."""

    async def enter(self, room_id: int, person_id: int, now: datetime) -> None: ...
    async def leave(self, room_id: int, person_id: int) -> None: ...
    async def of_partnership(self, partnership_id: int) -> dict[int, set[int]]:
        """person id -> ids of the partnership's rooms they are in."""
        ...


class LinkCodeRepository(Protocol):
    async def add(self, code: LinkCode) -> None: ...
    async def get(self, code: str) -> LinkCode | None: ...
    async def mark_used(self, code: str, now: datetime) -> None: ...
    async def failed(self, room: RoomRef, user: Identity, now: datetime) -> None:
        """Record a failed redemption; those older than a day are forgotten meanwhile."""
        ...

    async def failures(self, room: RoomRef, user: Identity, since: datetime) -> list[datetime]:
        """When redemptions failed since `since` in this room or by this account, oldest
        first."""
        ...


class AuditRepository(Protocol):
    async def add(
        self, partnership_id: int, actor_id: int | None, action: str, detail: str, now: datetime
    ) -> None: ...
    async def of_partnership(self, partnership_id: int, limit: int = 50) -> list[AuditEntry]: ...


class OutboxRepository(Protocol):
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
        """Stores the message (serialising is storage's job); returns its uid. `answers` is
        the platform's id of the message a direct reply quotes; `kind` see `OutboxMessage`."""
        ...

    async def due(
        self,
        now: datetime,
        limit: int = 100,
        platforms: Sequence[str] | None = None,
        excluding: Sequence[int] = (),
    ) -> list[OutboxMessage]:
        """Due messages, at most the oldest pending one per room (order within a room);
        only those of `platforms` when given (so e-mail never waits behind chat, nor chat
        behind a thousand e-mails); none of the ids `excluding` (those being sent: their
        rooms' next messages still wait behind them)."""
        ...

    async def pending(self) -> list[OutboxMessage]: ...
    async def failed(self) -> list[OutboxMessage]: ...
    async def parked(self) -> list[OutboxMessage]:
        """Messages given up after too many attempts; their rooms went on without them."""
        ...

    async def mark_sent(self, message_id: int, now: datetime, forget: bool = False) -> None:
        """`forget`: keep no text once sent (a direct reply may name people; nothing needs
        it afterwards, and a forgotten person's name must not stay behind in it)."""
        ...

    async def mark_all_sent(self, message_ids: list[int], now: datetime, forget: bool) -> None:
        """`mark_sent` for many at once (one statement)."""
        ...

    async def mark_retry(self, message_id: int, next_attempt_at: datetime, error: str) -> None: ...
    async def mark_failed(self, message_id: int, error: str) -> None: ...
    async def mark_parked(self, message_id: int, error: str) -> None: ...
    async def next_due_at(self) -> datetime | None: ...


class KeyValueRepository(Protocol):
    """Small pieces of adapter state that must survive restarts (a Matrix sync token)."""

    async def get(self, key: str) -> str | None: ...
    async def put(self, key: str, value: str) -> None: ...


class HandledEventRepository(Protocol):
    """Platform events that changed something or were answered (see `HandledEvent`)."""

    async def find(self, platform: str, event_id: str) -> HandledEvent | None: ...
    async def add(self, event: HandledEvent) -> None: ...
    async def prune(self, before: datetime) -> None:
        """Forget events handled before `before`."""
        ...


class PollMessageRepository(Protocol):
    """Where the bot's polls were posted (see `PollMessage`), per room."""

    async def add(self, message: PollMessage) -> None: ...
    async def find(self, room: RoomRef, poll_key: str) -> PollMessage | None: ...
    async def by_poll_id(self, platform: str, poll_id: str) -> PollMessage | None: ...
    async def open_in(self, room: RoomRef) -> list[PollMessage]:
        """The room's polls not ended yet, oldest first."""
        ...

    async def mark_closed(self, room: RoomRef, poll_key: str, now: datetime) -> None: ...


class MeetingRepository(RecentMeetings, Protocol):
    async def of_partnership(self, partnership_id: int) -> list[Meeting]:
        """All meetings, cancelled and held ones included, by start time."""
        ...

    async def add(
        self, partnership_id: int, uid: str, starts_at: datetime, place: str, now: datetime
    ) -> Meeting: ...
    async def save(self, meeting: Meeting) -> None: ...


class OverrideRepository(Protocol):
    async def of_partnership(self, partnership_id: int) -> list[RotationOverride]:
        """Every override, oldest first."""
        ...

    async def for_plan(
        self, partnership_id: int, since: datetime, keep: int
    ) -> list[RotationOverride]:
        """Every override since `since` and the last `keep` before, oldest first."""
        ...

    async def add(
        self,
        partnership_id: int,
        kind: str,
        member_id: int | None,
        other_member_id: int | None,
        reason: str,
        actor_id: int | None,
        now: datetime,
    ) -> RotationOverride: ...


class AgendaRepository(Protocol):
    async def of_partnership(self, partnership_id: int) -> list[AgendaItem]:
        """Open and done items (removed ones left out), by position."""
        ...

    async def open_items(self, partnership_id: int, done_in: int | None = None) -> list[AgendaItem]:
        """Open items, and those dealt with in meeting `done_in`, by position."""
        ...

    async def get(self, item_id: int) -> AgendaItem | None: ...
    async def highest_position(self, partnership_id: int) -> int:
        """The highest position of an open or done item (0: none)."""
        ...

    async def add(self, item: AgendaItem) -> AgendaItem:
        """Stores a new item (its id is ignored) and returns it with its id."""
        ...

    async def save(self, item: AgendaItem) -> None: ...


class MinutesRepository(MinutesArchive, Protocol):
    async def of_partnership(self, partnership_id: int) -> list[Minutes]:
        """Open and final minutes, oldest first."""
        ...

    async def open_of_partnership(self, partnership_id: int) -> list[Minutes]:
        """Minutes being taken (meeting mode), oldest first."""
        ...

    async def for_meetings(self, meeting_ids: set[int]) -> list[Minutes]: ...

    async def for_meeting(self, meeting_id: int) -> Minutes | None: ...
    async def add(self, minutes: Minutes) -> Minutes: ...
    async def save(self, minutes: Minutes) -> None: ...
    async def entries(self, minutes_id: int) -> list[MinuteEntry]:
        """In the order they were taken."""
        ...

    async def add_entry(self, entry: MinuteEntry) -> MinuteEntry: ...
    async def remove_entry(self, entry_id: int) -> None: ...


class ActionRepository(Protocol):
    async def of_partnership(self, partnership_id: int) -> list[ActionItem]:
        """Every action item, done ones included, by number."""
        ...

    async def open_of_partnership(self, partnership_id: int) -> list[ActionItem]:
        """Open action items, by number."""
        ...

    async def by_number(self, partnership_id: int, number: int) -> ActionItem | None: ...

    async def add(self, item: ActionItem) -> ActionItem:
        """Stores a new item with the partnership's next number."""
        ...

    async def save(self, item: ActionItem) -> None: ...


class ReminderRepository(Protocol):
    """Planned reminders (unique per partnership, kind and key) and reminder settings."""

    async def of_partnership(
        self, partnership_id: int, statuses: Sequence[str] | None = None
    ) -> list[Reminder]: ...
    async def add(
        self,
        partnership_id: int,
        kind: str,
        key: str,
        due_at: datetime,
        payload: dict[str, Any],
        now: datetime,
    ) -> None: ...
    async def replan(self, reminder_id: int, due_at: datetime, payload: dict[str, Any]) -> None:
        """Set a new due time and payload and make it pending again."""
        ...

    async def for_replan(self, partnership_id: int, keys: set[tuple[str, str]]) -> list[Reminder]:
        """The pending reminders and those with one of these (kind, key)s."""
        ...

    async def cancel(self, reminder_ids: Sequence[int]) -> None: ...
    async def due(self, now: datetime, limit: int = 100) -> list[Reminder]: ...
    async def mark_fired(self, reminder_id: int, status: str, now: datetime) -> bool: ...
    async def next_due_at(self) -> datetime | None: ...
    async def unplanned_partnerships(self) -> list[int]: ...
    async def settings(self, partnership_id: int) -> list[ReminderSetting]: ...
    async def save_setting(self, setting: ReminderSetting) -> None: ...


class UnitOfWork(Protocol):
    partnerships: PartnershipRepository
    rooms: RoomRepository
    members: MemberRepository
    persons: PersonRepository
    contacts: ContactRepository
    coordinators: CoordinatorRepository
    presence: PresenceRepository
    link_codes: LinkCodeRepository
    audit: AuditRepository
    outbox: OutboxRepository
    state: KeyValueRepository
    handled_events: HandledEventRepository
    poll_messages: PollMessageRepository
    meetings: MeetingRepository
    overrides: OverrideRepository
    rotation_states: RotationStateRepository
    reminders: ReminderRepository
    agenda: AgendaRepository
    minutes: MinutesRepository
    actions: ActionRepository
    web: WebRepository
    date_polls: DatePollRepository
    replies: ReplyRepository
    emails: EmailRepository

    @property
    def changed(self) -> bool:
        """Whether anything was written since the last commit (read-only work commits nothing)."""
        ...

    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
