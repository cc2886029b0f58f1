"""Sending to Telegram: HTML parts and documents, paced, with failures made neutral."""

from __future__ import annotations

import logging
import warnings
from collections import OrderedDict
from collections.abc import Awaitable
from datetime import timedelta

from telegram import Bot, InputFile, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.polls import poll_fit, telegram_poll
from bot.adapters.telegram.split import strip_tags
from bot.adapters.telegram.translate import PLATFORM, DocumentPart, TextPart, outgoing
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError, TooLarge
from bot.core.parts import MAX_PARTS
from bot.core.poll_messages import PollFit, PollMessage, PostedPoll
from bot.core.reply import Poll, Reply

log = logging.getLogger(__name__)

_GONE = ("chat not found", "bot was kicked", "bot is not a member", "group chat was deactivated")


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def delivery_error(error: TelegramError) -> DeliveryError:
    """What a Telegram failure means for the outbox."""
    if isinstance(error, RetryAfter):
        return DeliveryError(str(error), retry_after=retry_seconds(error))
    if isinstance(error, ChatMigrated):
        return DeliveryError(
            f"the group became a supergroup with id {error.new_chat_id}; link that one again",
            permanent=True,
        )
    if isinstance(error, Forbidden):
        return DeliveryError(f"not allowed to write there: {error.message}", permanent=True)
    if isinstance(error, BadRequest) and any(g in error.message.lower() for g in _GONE):
        return DeliveryError(f"the chat is gone: {error.message}", permanent=True)
    if isinstance(error, BadRequest):
        # Telegram will refuse this message as it is every time; the chat is fine
        return DeliveryError(f"Telegram refused the message: {error.message}", rejected=True)
    if isinstance(error, InvalidToken):
        return DeliveryError(f"Telegram refused the token: {error.message}")
    if isinstance(error, NetworkError):
        # a timeout or no connection at all (httpx's errors) is the network's, not the
        # message's fault; an error status of the server may be the message's
        offline = isinstance(error, TimedOut) or error.message.startswith("httpx.")
        return DeliveryError(f"network: {error.message}", offline=offline)
    return DeliveryError(f"Telegram: {error.message}")


class TelegramMessenger:
    """`send` delivers a reply, its text cut into messages of at most 4,096 characters at
    line ends (between paragraphs and list items); a retry after a partial failure resumes
    where it stopped (Telegram has no idempotent send: each part is sent once per process).
    Beyond `MAX_PARTS` messages, `TooLarge` makes the outbox send a file instead."""

    platform = PLATFORM

    def __init__(self, pacer: Pacer | None = None) -> None:
        self.bot: Bot | None = None
        self.pacer = pacer or Pacer()
        self._progress: OrderedDict[str, int] = OrderedDict()
        self.moved: dict[int, int] = {}
        """Groups that became supergroups: old chat id -> new one."""

    def ready(self) -> bool:
        return self.bot is not None

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        reply_to = int(answers) if answers is not None and answers.isdigit() else None
        await self.deliver(room, reply, txn_id, reply_to)

    def _chat(self, room: RoomRef) -> tuple[Bot, int]:
        if self.bot is None:
            raise DeliveryError("Telegram is not connected yet", retry_after=2.0)
        try:
            chat_id = int(room.room_id)
        except ValueError:
            reason = f"not a Telegram chat id: {room.room_id!r}"
            raise DeliveryError(reason, permanent=True) from None
        return self.bot, self.moved.get(chat_id, chat_id)

    # -- polls (see `bot.delivery_polls`) ---------------------------------------------------

    def poll_fit(self, poll: Poll) -> PollFit:
        return poll_fit(poll)

    async def start_poll(
        self, room: RoomRef, poll: Poll, fallback: Reply, txn_id: str
    ) -> PostedPoll:
        """`sendPoll`, not anonymous (votes come as `poll_answer`), several answers if the
        poll allows them."""
        bot, chat_id = self._chat(room)
        shape = telegram_poll(poll)
        assert shape is not None, "poll_fit said none"
        await self.pacer.wait(chat_id)
        paced = chat_id

        def send(to: int) -> Awaitable[Message]:
            options = list(shape.options)
            multiple = poll.multiple
            return bot.send_poll(
                to, shape.question, options, is_anonymous=False, allows_multiple_answers=multiple
            )

        try:
            try:
                message = await send(chat_id)
            except ChatMigrated as migrated:
                self.moved[chat_id] = chat_id = migrated.new_chat_id
                message = await send(chat_id)
        except TelegramError as error:
            if isinstance(error, RetryAfter):
                self.pacer.hold(chat_id, retry_seconds(error))
            raise delivery_error(error) from error
        finally:
            self.pacer.sent(paced)  # answered or failed: its place in the window is free
        assert message.poll is not None
        return PostedPoll(message.poll.id, str(message.message_id))

    async def end_poll(
        self, room: RoomRef, posted: PollMessage, fallback: Reply, txn_id: str
    ) -> None:
        """`stopPoll`; a poll closed already, or deleted meanwhile, is ended too."""
        bot, chat_id = self._chat(room)
        await self.pacer.wait(chat_id)
        try:
            await bot.stop_poll(chat_id, int(posted.message_id))
        except BadRequest as error:
            gone = ("already been closed", "poll to stop not found", "message to stop not found")
            if any(g in error.message.lower() for g in gone):
                log.info("Telegram: poll %s was ended already (%s)", posted.poll_key, error)
                return
            raise delivery_error(error) from error
        except TelegramError as error:
            if isinstance(error, RetryAfter):
                self.pacer.hold(chat_id, retry_seconds(error))
            raise delivery_error(error) from error
        finally:
            self.pacer.sent(chat_id)

    async def deliver(
        self, room: RoomRef, reply: Reply, txn_id: str, reply_to: int | None = None
    ) -> None:
        _, chat_id = self._chat(room)
        parts = outgoing(reply)
        texts = sum(1 for p in parts if isinstance(p, TextPart))
        if texts > MAX_PARTS:
            raise TooLarge(f"{texts} Telegram messages, more than {MAX_PARTS}")
        done = self._progress.get(txn_id, 0)
        for index in range(done, len(parts)):
            await self.pacer.wait(chat_id)
            paced = chat_id
            try:
                try:
                    await self._send_part(chat_id, parts[index], reply_to if index == 0 else None)
                except ChatMigrated as migrated:
                    # the group became a supergroup: same people, new id; the quote stays behind
                    self.moved[chat_id] = chat_id = migrated.new_chat_id
                    await self._send_part(chat_id, parts[index], None)
                finally:
                    self.pacer.sent(paced)
            except TelegramError as error:
                if isinstance(error, RetryAfter):
                    self.pacer.hold(chat_id, retry_seconds(error))
                self._remember(txn_id, index)
                raise delivery_error(error) from error
        self._progress.pop(txn_id, None)

    def _remember(self, txn_id: str, sent: int) -> None:
        if sent:
            self._progress[txn_id] = sent
            self._progress.move_to_end(txn_id)
            while len(self._progress) > 1000:
                self._progress.popitem(last=False)

    async def _send_part(
        self, chat_id: int, part: TextPart | DocumentPart, reply_to: int | None
    ) -> None:
        assert self.bot is not None
        reply_parameters = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        if isinstance(part, DocumentPart):
            attachment = part.attachment
            await self.bot.send_document(
                chat_id,
                InputFile(attachment.data, filename=attachment.filename),
                reply_parameters=reply_parameters,
            )
            return
        try:
            await self.bot.send_message(
                chat_id,
                part.html,
                parse_mode=ParseMode.HTML,
                link_preview_options=None,
                reply_parameters=reply_parameters,
                reply_markup=part.keyboard,
            )
        except BadRequest as error:
            if "parse entities" not in error.message.lower():
                raise
            # our HTML should always parse; if Telegram disagrees, say it plainly instead
            log.warning("Telegram did not accept our HTML (%s); sending plain text", error)
            await self.bot.send_message(
                chat_id,
                strip_tags(part.html),
                reply_parameters=reply_parameters,
                reply_markup=part.keyboard,
            )
