"""Where the platforms put the bot's polls, and what a messenger needs to post and end them.

A poll is the bot's (`Poll.key`, "datepoll:12"); each room shows it as the platform's own
poll with the platform's own id. Votes name the platform's id, so the pair is kept in the
database (`PollMessage`) from the moment the platform accepted the poll: a vote after a
restart still finds its poll, and a poll is never posted twice in one room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from bot.core.events import RoomRef
from bot.core.reply import Poll, Reply


@dataclass(frozen=True)
class PostedPoll:
    """What the platform answered when it accepted a poll."""

    poll_id: str
    """The id votes name: the start event id in Matrix, the poll id in Telegram."""
    message_id: str
    """The message that shows the poll (to end it, and to reply to it)."""


@dataclass(frozen=True)
class PollMessage:
    """The bot's poll `poll_key` as posted in one room."""

    room: RoomRef
    poll_key: str
    poll_id: str
    message_id: str
    answer_keys: tuple[str, ...]
    """In the order the platform shows them (Telegram votes name positions)."""
    posted_at: datetime
    closed_at: datetime | None = None


PollFit = Literal["whole", "cut", "none"]
"""How a poll fits a platform: entirely; shortened (the full text goes out as a message
too); not at all (too few or too many answers: the text alone goes out)."""


@runtime_checkable
class PollMessenger(Protocol):
    """A messenger whose platform has native polls (Matrix, Telegram)."""

    platform: str

    def poll_fit(self, poll: Poll) -> PollFit: ...

    async def start_poll(
        self, room: RoomRef, poll: Poll, fallback: Reply, txn_id: str
    ) -> PostedPoll:
        """Post the poll; `fallback` is its text for clients without polls."""
        ...

    async def end_poll(
        self, room: RoomRef, posted: PollMessage, fallback: Reply, txn_id: str
    ) -> None:
        """End the poll (no more votes); a poll ended already counts as ended."""
        ...

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None: ...
