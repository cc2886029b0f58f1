"""What an adapter offers the rest of the bot for sending: one message to one room."""

from __future__ import annotations

from typing import Protocol

from bot.core.events import RoomRef
from bot.core.reply import Reply


class DeliveryError(Exception):
    """Sending failed. `permanent` means it never will work (the bot was removed)."""

    def __init__(self, reason: str, permanent: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after


class Messenger(Protocol):
    platform: str

    async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
        """Deliver `reply`; `txn_id` is stable per outbox row so a resend can be a no-op."""
        ...
