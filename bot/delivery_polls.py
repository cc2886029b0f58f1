"""Polls through the outbox: posted as the platform's own poll, ended there, never twice.

The pair (room, poll key) -> platform poll is written the moment the platform accepted the
poll, before the outbox row is marked sent: a retry (or a restart after a crash) finds it
and does not post the poll again, and votes after a restart find their poll. A poll that a
platform cannot show (too few or too many answers) goes out as its text; one it can show
only shortened goes out as a poll and, in reply to it, its full text.
"""

from __future__ import annotations

from bot.core.clock import Clock
from bot.core.events import RoomRef
from bot.core.poll_messages import PollMessage, PollMessenger
from bot.core.reply import Poll, Reply
from bot.usecases.ports import UnitOfWorkFactory


def text_of(reply: Reply) -> Reply:
    """The reply without its poll: the text (and files and buttons) alone."""
    return Reply(reply.blocks, reply.attachments, reply.buttons)


class PollDelivery:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    async def send(
        self,
        messenger: PollMessenger,
        room: RoomRef,
        reply: Reply,
        txn_id: str,
        answers: str | None,
    ) -> None:
        poll = reply.poll
        assert poll is not None
        async with self.uow_factory() as uow:
            posted = await uow.poll_messages.find(room, poll.key)
        if poll.closed:
            await self._end(messenger, room, reply, txn_id, answers, posted)
        else:
            await self._start(messenger, room, poll, reply, txn_id, answers, posted)

    async def _start(
        self,
        messenger: PollMessenger,
        room: RoomRef,
        poll: Poll,
        reply: Reply,
        txn_id: str,
        answers: str | None,
        posted: PollMessage | None,
    ) -> None:
        text = text_of(reply)
        fit = messenger.poll_fit(poll)
        if fit == "none":
            await self._text(messenger, room, text, txn_id, answers)
            return
        if posted is None:
            placed = await messenger.start_poll(room, poll, text, txn_id)
            posted = PollMessage(
                room,
                poll.key,
                placed.poll_id,
                placed.message_id,
                tuple(a.key for a in poll.answers),
                self.clock.now(),
            )
            async with self.uow_factory() as uow:
                await uow.poll_messages.add(posted)
                await uow.commit()
        if fit == "cut":
            await self._text(messenger, room, text, txn_id + ".text", posted.message_id)

    async def _end(
        self,
        messenger: PollMessenger,
        room: RoomRef,
        reply: Reply,
        txn_id: str,
        answers: str | None,
        posted: PollMessage | None,
    ) -> None:
        """End the poll where it was posted, then show the result in reply to it."""
        text = text_of(reply)
        if posted is not None and posted.closed_at is None:
            await messenger.end_poll(room, posted, text, txn_id + ".end")
            async with self.uow_factory() as uow:
                await uow.poll_messages.mark_closed(room, posted.poll_key, self.clock.now())
                await uow.commit()
        await self._text(
            messenger, room, text, txn_id, posted.message_id if posted is not None else answers
        )

    @staticmethod
    async def _text(
        messenger: PollMessenger, room: RoomRef, text: Reply, txn_id: str, answers: str | None
    ) -> None:
        if not text.blocks and not text.attachments:
            return
        if answers is None:
            await messenger.send(room, text, txn_id)
        else:
            await messenger.send(room, text, txn_id, answers=answers)
