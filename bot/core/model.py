"""The domain's things, as plain data: what the services reason about and storage keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.events import Identity, RoomRef


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
    payload: str
    created_at: datetime
    next_attempt_at: datetime
    attempts: int
    status: str
    last_error: str = ""


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
