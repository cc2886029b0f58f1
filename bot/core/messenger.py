"""What an adapter offers the rest of the bot for sending: one message to one room."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.events import RoomRef
from bot.core.reply import Reply


class DeliveryError(Exception):
    """Sending failed. `permanent` means it never will work in this room (the bot was
    removed); `rejected` means this message never will (the room is fine: park it);
    `offline` means the platform could not be reached at all (not the message's fault:
    such attempts do not count towards parking it)."""

    def __init__(
        self,
        reason: str,
        permanent: bool = False,
        retry_after: float | None = None,
        rejected: bool = False,
        offline: bool = False,
    ):
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after
        self.rejected = rejected
        self.offline = offline


class TooLarge(DeliveryError):
    """The message does not fit the platform even in its allowed number of parts: the
    outbox sends it as a file with a short message instead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, rejected=True)


@runtime_checkable
class Connected(Protocol):
    """A messenger that knows whether its platform is connected: while it is not, the
    outbox does not try (no attempt counted, no backoff); its service wakes the outbox
    when it connects."""

    def ready(self) -> bool: ...


class Messenger(Protocol):
    platform: str

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        """Deliver `reply`; `txn_id` is stable per outbox row so a resend can be a no-op;
        `answers` is the platform's id of the message a direct reply quotes."""
        ...
