"""The domain's things, as plain data: what the services reason about and storage keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.core.events import Identity, RoomRef
from bot.core.reply import Reply


@dataclass
class Partnership:
    """A Bündnis: owns rooms, members, settings and (later) meetings."""

    id: int
    name: str
    language: str
    timezone: str
    max_contacts: int
    rules: str
    created_at: datetime
    cadence: str = "quarterly"
    agenda_deadline_days: int = 7
    """Agenda proposals are expected until this many days before a meeting."""
    state: str = ""
    """The Bundesland (NW, BY, ...) whose public holidays are pointed out; "" for none."""


@dataclass
class Room:
    """A chat room linked to one partnership."""

    id: int
    partnership_id: int
    ref: RoomRef
    name: str
    active: bool
    linked_at: datetime


@dataclass
class Member:
    """A municipality or organisation: the unit of the host rotation."""

    id: int
    partnership_id: int
    name: str
    joined_at: datetime
    left_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.left_at is None


@dataclass
class Person:
    """Somebody the bot has met, with every chat account it knows of them."""

    id: int
    display_name: str
    identities: tuple[Identity, ...] = field(default=())


@dataclass
class Contact:
    """A person speaking for a member (Ansprechpartner*in), from `since` until `until`."""

    id: int
    member_id: int
    person_id: int
    since: datetime
    until: datetime | None = None


@dataclass
class LinkCode:
    code: str
    partnership_id: int
    expires_at: datetime
    used_at: datetime | None = None


@dataclass
class AuditEntry:
    id: int
    partnership_id: int
    at: datetime
    actor_id: int | None
    action: str
    detail: str


@dataclass
class OutboxMessage:
    """One message to one room, written with the change that caused it, sent afterwards."""

    id: int
    uid: str
    partnership_id: int | None
    room: RoomRef
    reply: Reply
    created_at: datetime
    next_attempt_at: datetime
    attempts: int
    status: str
    """pending, sent, failed (the room is gone) or parked (kept failing; the room goes on)"""
    last_error: str = ""
    answers: str | None = None
    """The platform's id of the message this one answers (a direct reply), if any."""
    kind: str = "message"
    """message (an announcement), reply (to a command), email (one e-mail to one address)
    or notice (about delivery itself: when a notice is parked, nobody is told again)"""


@dataclass
class HandledEvent:
    """A platform event that was handled (a change, or a reply written to the outbox): kept a
    few days so the same event delivered again after a crash is neither applied nor answered
    again; its reply is in the outbox already, written in the same transaction."""

    platform: str
    event_id: str
    handled_at: datetime


@dataclass
class Meeting:
    """A meeting of the contact persons. Once its time has passed and it was not cancelled,
    it counts as held and its host is recorded (`status` "held")."""

    id: int
    partnership_id: int
    uid: str
    starts_at: datetime
    place: str
    status: str
    sequence: int
    created_at: datetime
    updated_at: datetime
    host_member_id: int | None = None
    cancel_reason: str = ""
    host_fixed_at: datetime | None = None
    """When the host was fixed (at planning): the meeting takes that turn from then on, so
    later plans, moves and rotation changes never hand it to another member."""
    ends_at: datetime | None = None
    address: str = ""
    """Where exactly (street, room), apart from `place`; empty: not given."""
    online_url: str = ""
    minute_taker_person_id: int | None = None
    """Who writes the minutes when delegated; None: the host's contact persons."""

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


@dataclass
class RotationOverride:
    """A coordinator's change to the host order, kept with who did it and why.

    `kind` is "skip" (member_id in line swaps with other_member_id), "swap" or "set"."""

    id: int
    partnership_id: int
    kind: str
    member_id: int | None
    other_member_id: int | None
    reason: str
    actor_id: int | None
    at: datetime


@dataclass
class Reminder:
    """A message the bot sends on its own at `due_at`: planned from the partnership's state,
    fired once. `key` identifies what it is about within its kind (a meeting and an offset),
    so a reminder that was sent is never planned again."""

    id: int
    partnership_id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    status: str
    created_at: datetime
    fired_at: datetime | None = None


@dataclass
class ReminderSetting:
    """A partnership's choice for one reminder kind: on or off, and its offsets."""

    partnership_id: int
    kind: str
    enabled: bool
    offsets: tuple[int, ...]


@dataclass
class AgendaItem:
    """A proposed item (TOP) for the next meeting.

    Open items belong to the first coming meeting that starts after `not_before` (a proposal
    after the deadline waits for the following meeting); once dealt with in a meeting the
    item is "done" with that `meeting_id`. `carried_over` is worked out when the agenda is
    read: the item was open when an earlier meeting took place."""

    id: int
    partnership_id: int
    text: str
    field: str
    proposer_person_id: int | None
    proposer_member_id: int | None
    position: int
    created_at: datetime
    not_before: datetime | None = None
    status: str = "open"
    meeting_id: int | None = None
    carried_over: bool = False
    proposer: str = ""
    """The proposing member's name (else the person's), filled in when the agenda is read."""

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass
class Minutes:
    """The minutes of one meeting: "open" while meeting mode runs, "final" afterwards.

    `document` is the finished minutes as JSON (names as written then): the one place a
    person's name is kept in the text, so it can be rewritten when they ask to be forgotten."""

    id: int
    partnership_id: int
    meeting_id: int
    status: str
    source: str
    started_at: datetime
    taker_person_id: int | None
    ended_at: datetime | None = None
    document: str = ""

    @property
    def open(self) -> bool:
        return self.status == "open"


@dataclass
class MinuteEntry:
    """One line taken in meeting mode: a topic, information, decision, action or attendance."""

    id: int
    minutes_id: int
    kind: str
    text: str
    author_person_id: int | None
    created_at: datetime
    agenda_item_id: int | None = None
    member_id: int | None = None
    person_id: int | None = None
    due: date | None = None


@dataclass
class ActionItem:
    """Who does what until when; `number` is what people type in /done."""

    id: int
    partnership_id: int
    number: int
    text: str
    owner_member_id: int | None
    owner_person_id: int | None
    due: date | None
    meeting_id: int | None
    created_at: datetime
    done_at: datetime | None = None
    done_by: int | None = None

    @property
    def open(self) -> bool:
        return self.done_at is None
