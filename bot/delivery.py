"""The outbox sender: delivers what the core wrote, retries, and gives up only for good reason.

A message is marked sent only after its platform accepted it, so a crash in between sends
it again after the restart; Matrix makes that resend a no-op through the stable txn id.
Different rooms are served side by side; within a room, messages go out one at a time, in
the order they were written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.messenger import DeliveryError, Messenger
from bot.core.model import OutboxMessage
from bot.core.reply import Reply
from bot.i18n import Catalog
from bot.usecases import roles
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s, ... up to an hour."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), MAX_BACKOFF)


class Delivery:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        messengers: Mapping[str, Messenger],
        catalog: Catalog,
    ) -> None:
        self.catalog = catalog
        self.uow_factory = uow_factory
        self.clock = clock
        self.messengers = messengers

    async def deliver_due(self) -> int:
        """Send everything due now, oldest first; returns how many were sent."""
        sent = 0
        while True:
            async with self.uow_factory() as uow:
                batch = [
                    m
                    for m in await uow.outbox.due(self.clock.now(), limit=50)
                    if m.room.platform in self.messengers
                ]
            if not batch:
                return sent
            # a batch holds at most one message per room, so rooms go out side by side
            # while each room keeps its order; the messengers keep each platform's pace
            errors = await asyncio.gather(*(self._send(m) for m in batch))
            sent += await self._record(list(zip(batch, errors, strict=True)))

    async def _send(self, message: OutboxMessage) -> DeliveryError | None:
        try:
            await self.messengers[message.room.platform].send(
                message.room, message.reply, message.uid
            )
        except DeliveryError as error:
            log.warning("delivery of %s to %s failed: %s", message.uid, message.room, error)
            return error
        except Exception as error:  # a messenger's bug must not cost the batch's other rooms
            log.exception("delivery of %s to %s failed unexpectedly", message.uid, message.room)
            return DeliveryError(type(error).__name__)
        return None

    async def _record(self, outcomes: list[tuple[OutboxMessage, DeliveryError | None]]) -> int:
        """What a batch's sends came to, in one transaction (one commit, not one per room)."""
        now = self.clock.now()
        async with self.uow_factory() as uow:
            for message, error in outcomes:
                if error is None:
                    await uow.outbox.mark_sent(message.id, now)
                elif error.permanent:
                    await uow.outbox.mark_failed(message.id, str(error))
                    await self._room_lost(uow, message)
                else:
                    wait = (
                        timedelta(seconds=error.retry_after)
                        if error.retry_after is not None
                        else backoff(message.attempts)
                    )
                    await uow.outbox.mark_retry(message.id, now + wait, str(error))
            await uow.commit()
        return sum(1 for _, error in outcomes if error is None)

    async def _room_lost(self, uow: UnitOfWork, message: OutboxMessage) -> None:
        """The room is gone for the bot: mark it inactive and tell the coordinators elsewhere."""
        room = await uow.rooms.find(message.room)
        if room is None or not room.active:
            return
        await uow.rooms.set_active(room.id, False)
        partnership = await uow.partnerships.get(room.partnership_id)
        if partnership is None:
            return
        people = await roles.coordinators(uow, partnership)
        notice = self.catalog.para(
            partnership.language,
            "delivery.room_lost",
            room=room.name,
            platform=self.catalog.text(partnership.language, f"platform.{room.ref.platform}"),
            coordinators=", ".join(p.display_name for p in people) or "-",
        )
        for other in await uow.rooms.of_partnership(partnership.id):
            if other.active and other.id != room.id:
                await uow.outbox.add(partnership.id, other.ref, Reply.of(notice), self.clock.now())

    async def run(self, wake: asyncio.Event) -> None:
        """Deliver forever: after every change, and when the next retry falls due."""
        while True:
            wake.clear()
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox delivery failed; trying again shortly")
            async with self.uow_factory() as uow:
                next_at = await uow.outbox.next_due_at()
            timeout = 30.0
            if next_at is not None:
                timeout = max(0.05, min(timeout, (next_at - self.clock.now()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout)
