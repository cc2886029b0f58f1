"""The outbox sender: delivers what the core wrote (announcements and direct replies alike),
retries, and never lets one message block its room.

A message is marked sent only after its platform accepted it, so a crash in between sends
it again after the restart; Matrix makes that resend a no-op through the stable txn id.
Different rooms are served side by side; within a room, messages go out one at a time, in
the order they were written. A message too large for its platform goes out in parts (the
messenger cuts it) or, beyond a few parts, as a file with a short message. One that keeps
failing, or that the platform refuses as it is, is parked: the room's next messages go
out, and the coordinators are told in the partnership's rooms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.messenger import Connected, DeliveryError, Messenger, TooLarge
from bot.core.model import OutboxMessage, Partnership
from bot.core.poll_messages import PollMessenger
from bot.core.render import render_plain
from bot.core.reply import Attachment, Paragraph, Reply
from bot.delivery_polls import PollDelivery
from bot.i18n import DEFAULT_LANGUAGE, Catalog
from bot.usecases import roles
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
OFFLINE_BACKOFF = timedelta(minutes=1)
"""At most this long between attempts while a platform is unreachable."""
MAX_ATTEMPTS = 12
"""Attempts before a message is parked: with the backoff, about an hour and a half of
failing (a platform's flood waits do not count)."""
FORGOTTEN_WHEN_SENT = ("reply", "email")
"""Kinds whose text is not kept once delivered: nothing needs it afterwards (an e-mail,
with the minutes attached, once per recipient), and it may name people."""
QUOTE = 80
"""How much of a parked message the coordinators' notice quotes."""
BATCH = 50
"""How many rooms' messages are read at a time."""
LOOK_AGAIN = 0.25
"""Seconds after which the outbox is read again while sends are still under way."""


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
        default_language: str = DEFAULT_LANGUAGE,
        max_attempts: int = MAX_ATTEMPTS,
        batch: int = BATCH,
        mark_each: bool = False,
    ) -> None:
        self.catalog = catalog
        self.uow_factory = uow_factory
        self.clock = clock
        self.messengers = messengers
        self.default_language = default_language
        self.max_attempts = max_attempts
        self.polls = PollDelivery(uow_factory, clock)
        self.batch = batch
        """Messages sent side by side before their outcome is marked in one transaction:
        a crash in between sends them again (e-mail uses a small batch, docs/email.md)."""
        self.mark_each = mark_each
        """Mark each message the moment its platform accepted it, in its own transaction:
        for e-mail, where nothing drops a resend, the window for a copy shrinks to one
        commit (chat platforms keep one commit per batch)."""

    async def deliver_due(self) -> int:
        """Send everything due now, oldest first; returns how many were sent.

        Rooms go out side by side, each keeping its order: a room whose message was answered
        gets its next one at once, without waiting for slower rooms (one held back by its
        platform's flood limits holds back nobody else). What finished is recorded together,
        one transaction for all the sends answered meanwhile."""
        sent = 0
        running: dict[asyncio.Task[DeliveryError | None], OutboxMessage] = {}
        try:
            while True:
                busy = {m.room for m in running.values()}
                async with self.uow_factory() as uow:
                    due = await uow.outbox.due(
                        self.clock.now(),
                        limit=self.batch,
                        platforms=list(self.messengers),
                        excluding=[m.id for m in running.values()],
                    )
                for message in due:
                    if message.room not in busy and self._ready(message.room.platform):
                        running[asyncio.create_task(self._send(message))] = message
                if not running:
                    return sent
                # a room that was quiet may get a message while the others still send
                await asyncio.wait(running, timeout=LOOK_AGAIN, return_when=asyncio.FIRST_COMPLETED)
                await asyncio.sleep(0)  # what finished at the same moment is recorded with it
                done = [t for t in running if t.done()]
                finished = [(running.pop(t), t.result()) for t in done]
                if self.mark_each:  # e-mail: each the moment its relay accepted it
                    for outcome in finished:
                        sent += await self._record([outcome])
                elif finished:
                    sent += await self._record(finished)
        finally:
            for task in running:
                task.cancel()

    def _ready(self, platform: str) -> bool:
        messenger = self.messengers.get(platform)
        return messenger is not None and (not isinstance(messenger, Connected) or messenger.ready())

    async def _send(self, message: OutboxMessage) -> DeliveryError | None:
        try:
            try:
                await self._send_as(message, message.reply, message.uid)
            except TooLarge as error:
                log.info("%s is too large (%s); sending it as a file", message.uid, error)
                as_file = self._as_file(message.reply, await self._language(message))
                await self._send_as(message, as_file, message.uid + ".file")
        except DeliveryError as error:
            log.warning("delivery of %s to %s failed: %s", message.uid, message.room, error)
            return error
        except Exception as error:  # a messenger's bug must not cost the batch's other rooms
            log.exception("delivery of %s to %s failed unexpectedly", message.uid, message.room)
            return DeliveryError(type(error).__name__)
        return None

    async def _send_as(self, message: OutboxMessage, reply: Reply, txn_id: str) -> None:
        messenger = self.messengers[message.room.platform]
        if reply.poll is not None and isinstance(messenger, PollMessenger):
            await self.polls.send(messenger, message.room, reply, txn_id, message.answers)
            return
        if message.answers is None:
            await messenger.send(message.room, reply, txn_id)
        else:
            await messenger.send(message.room, reply, txn_id, answers=message.answers)

    async def _language(self, message: OutboxMessage) -> str:
        if message.partnership_id is None:
            return self.default_language
        async with self.uow_factory() as uow:
            partnership = await uow.partnerships.get(message.partnership_id)
        return partnership.language if partnership else self.default_language

    def _as_file(self, reply: Reply, lang: str) -> Reply:
        """The whole text as a file, with its opening paragraph and a word of why."""
        text = render_plain(Reply(reply.blocks))
        head = reply.blocks[0] if reply.blocks else None
        short = (
            head
            if isinstance(head, Paragraph) and len(render_plain(Reply((head,)))) < 300
            else None
        )
        file = Attachment(
            self.catalog.text(lang, "delivery.file_name"), "text/plain", text.encode() + b"\n"
        )
        notice = self.catalog.para(lang, "delivery.as_file")
        return Reply.of(short, notice, attachments=(file, *reply.attachments))

    async def _record(self, outcomes: list[tuple[OutboxMessage, DeliveryError | None]]) -> int:
        """What a batch's sends came to, in one transaction (one commit, not one per room)."""
        now = self.clock.now()
        async with self.uow_factory() as uow:
            for forget in (False, True):
                sent = [
                    m.id
                    for m, e in outcomes
                    if e is None and (m.kind in FORGOTTEN_WHEN_SENT) == forget
                ]
                await uow.outbox.mark_all_sent(sent, now, forget)
            for message, error in outcomes:
                if error is None:
                    continue
                if error.permanent:
                    await uow.outbox.mark_failed(message.id, str(error))
                    await self._room_lost(uow, message)
                elif error.rejected or self._worn_out(message, error):
                    log.warning("parking %s to %s: %s", message.uid, message.room, error)
                    await uow.outbox.mark_parked(message.id, str(error))
                    await self._parked(uow, message, str(error))
                else:
                    wait = (
                        timedelta(seconds=error.retry_after)
                        if error.retry_after is not None
                        else backoff(message.attempts)
                    )
                    if error.offline:
                        wait = min(wait, OFFLINE_BACKOFF)
                    await uow.outbox.mark_retry(message.id, now + wait, str(error))
            await uow.commit()
        return sum(1 for _, error in outcomes if error is None)

    def _worn_out(self, message: OutboxMessage, error: DeliveryError) -> bool:
        """Failed too often, for reasons of its own: flood waits and an unreachable platform
        are not the message's fault (every message of the platform would be parked)."""
        if error.offline or error.retry_after is not None:
            return False
        return message.attempts + 1 >= self.max_attempts

    async def _room_lost(self, uow: UnitOfWork, message: OutboxMessage) -> None:
        """The room is gone for the bot: mark it inactive and tell the coordinators elsewhere."""
        room = await uow.rooms.find(message.room)
        if room is None or not room.active:
            return
        await uow.rooms.set_active(room.id, False)
        partnership = await uow.partnerships.get(room.partnership_id)
        if partnership is None:
            return
        notice = self.catalog.para(
            partnership.language,
            "delivery.room_lost",
            room=room.name,
            platform=self._platform(partnership, room.ref.platform),
            coordinators=await self._coordinators(uow, partnership),
        )
        for other in await uow.rooms.of_partnership(partnership.id):
            if other.active and other.id != room.id:
                await uow.outbox.add(
                    partnership.id, other.ref, Reply.of(notice), self.clock.now(), kind="notice"
                )

    async def _parked(self, uow: UnitOfWork, message: OutboxMessage, error: str) -> None:
        """Tell the coordinators in every room of the partnership (the message's own room
        included: it still works). A notice that is parked itself tells nobody again."""
        if message.kind == "notice" or message.partnership_id is None:
            return
        partnership = await uow.partnerships.get(message.partnership_id)
        if partnership is None:
            return
        room = await uow.rooms.find(message.room)
        start = " ".join(render_plain(Reply(message.reply.blocks)).split())
        own = f"delivery.parked.{message.room.platform}"
        notice = self.catalog.para(
            partnership.language,
            own if self.catalog.has(partnership.language, own) else "delivery.parked",
            room=room.name if room is not None else message.room.room_id,
            platform=self._platform(partnership, message.room.platform),
            attempts=message.attempts + 1,
            count=message.attempts + 1,
            start=start[:QUOTE] + ("…" if len(start) > QUOTE else ""),
            error=error[:QUOTE],
            coordinators=await self._coordinators(uow, partnership),
        )
        for other in await uow.rooms.of_partnership(partnership.id):
            if other.active:
                await uow.outbox.add(
                    partnership.id, other.ref, Reply.of(notice), self.clock.now(), kind="notice"
                )

    def _platform(self, partnership: Partnership, platform: str) -> str:
        return self.catalog.text(partnership.language, f"platform.{platform}")

    async def _coordinators(self, uow: UnitOfWork, partnership: Partnership) -> str:
        people = await roles.coordinators(uow, partnership)
        return ", ".join(p.display_name for p in people) or "-"

    async def run(self, wake: asyncio.Event) -> None:
        """Deliver forever: after every change (woken at once), and when a retry falls due."""
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
                # due but not sent: its platform is not connected (it wakes us when it is)
                timeout = max(1.0, min(timeout, (next_at - self.clock.now()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout)
