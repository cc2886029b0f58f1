"""Domain events: what happened, raised by use cases, turned into messages by the notifier.

An event says what changed in the domain's words and carries what any channel needs to
tell people about it (the partnership for its language and time zone, names as they were at
that moment), so a channel renders it without looking anything up. Channels decide how:
the chat channel posts to every room, e-mail and feeds can follow without any use case
changing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.events import RoomRef
from bot.core.model import Meeting, Member, Partnership
from bot.core.reply import Block, Reply


@dataclass(frozen=True)
class DomainEvent:
    partnership: Partnership

    @property
    def only_room(self) -> RoomRef | None:
        """The one room this event is told in; None: every active room of the partnership."""
        return None


@dataclass(frozen=True)
class ChatNotice(DomainEvent):
    """A message only the chat rooms get (a welcome, a reminder): already written as a
    Reply. `room` None means every active room of the partnership."""

    reply: Reply
    room: RoomRef | None = None

    @property
    def only_room(self) -> RoomRef | None:
        return self.room


@dataclass(frozen=True)
class MeetingScheduled(DomainEvent):
    meeting: Meeting
    host: Member | None
    by: str
    """Who scheduled it (display name)."""


@dataclass(frozen=True)
class MeetingMoved(DomainEvent):
    meeting: Meeting
    host: Member | None
    old_start: datetime
    by: str
    old_place: str = ""
    """The place as it was, to say when it changed."""
    taker: str | None = None
    """The delegated minute-taker; None: the host."""


@dataclass(frozen=True)
class MeetingHostChanged(DomainEvent):
    """A planned meeting got another host because its host left (`reason`: as given)."""

    meeting: Meeting
    old_host: str
    host: Member | None
    reason: str
    by: str


@dataclass(frozen=True)
class MinuteTakerSet(DomainEvent):
    """Who writes the minutes of a meeting: `taker` a person, or None: the host again."""

    meeting: Meeting
    host: Member | None
    taker: str | None
    by: str


@dataclass(frozen=True)
class MeetingCancelled(DomainEvent):
    meeting: Meeting
    host: Member | None
    reason: str
    by: str
    next_host: Member | None
    others: int = 0
    """How many other meetings stay planned (as they are)."""


@dataclass(frozen=True)
class AgendaPosted(DomainEvent):
    """The agenda deadline passed: this is the meeting's final agenda (`blocks`, as the
    rooms read it). Raised by the reminder that posts it, for channels beyond chat (the chat
    rooms get the reminder's own message)."""

    meeting: Meeting
    host: Member | None
    blocks: tuple[Block, ...]
