"""What the app tells others, and whom it asks to act on their own: observers of every
handled event (logs, metrics), change hooks, timers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.events import RoomRef
from bot.core.model import Partnership
from bot.usecases.ports import UnitOfWork


class Timer(Protocol):
    """Something that acts on its own at due times (the reminder scheduler)."""

    async def next_due(self) -> datetime | None: ...
    async def fire_due(self) -> None: ...


ChangeHook = Callable[[UnitOfWork, Partnership], Awaitable[None]]
"""Runs inside the transaction of every change to a partnership (re-plans its reminders)."""


@dataclass
class EventReport:
    """One event the app handles (a command, a join, a leave), as its observers see it.

    The app fills it in as it goes: the partnership once the room is looked up, the outcome
    and the time at the end, so observers need no lookups of their own."""

    kind: str
    """"message", "join", "leave" or "vote" (an answer to one of the bot's polls)."""
    room: RoomRef
    command: str | None = None
    """The command word as typed, casefolded (also unknown ones); None for joins and leaves."""
    partnership_id: int | None = None
    outcome: str = "failed"
    """"ok", "refused" (answered, nothing kept), "ignored" (a room of no partnership),
    "replayed" (handled before a restart, delivered again: not applied again) or "failed"
    (an exception; `error` names it)."""
    seconds: float = 0.0
    error: str | None = None

    @property
    def platform(self) -> str:
        return self.room.platform


class EventObserver(Protocol):
    """Told when the app starts and finishes an event (logs, metrics); must not raise.

    Both calls happen in the task that handles the event, so `event_started` may set
    context variables for what is logged meanwhile."""

    def event_started(self, handled: EventReport) -> None: ...
    def event_handled(self, handled: EventReport) -> None: ...
