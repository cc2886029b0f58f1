"""Domain events in, outbox rows out: the notifier hands every event to every channel.

It runs inside the transaction of the change that raised the events, so the change and the
messages it causes are committed together (or not at all). A channel that has nothing to
say about an event ignores it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.core.domain_events import DomainEvent
from bot.usecases.ports import UnitOfWork


class Channel(Protocol):
    async def deliver(self, uow: UnitOfWork, event: DomainEvent, now: datetime) -> None:
        """Write what this channel sends about `event` to the outbox (or nothing)."""
        ...


class Notifier:
    def __init__(self, channels: Sequence[Channel]) -> None:
        self.channels = list(channels)

    async def publish(self, uow: UnitOfWork, events: Sequence[DomainEvent], now: datetime) -> None:
        for event in events:
            for channel in self.channels:
                await channel.deliver(uow, event, now)
