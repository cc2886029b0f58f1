"""Sending the outbox's messages into Matrix rooms (`MatrixMessenger`): text as m.notice,
cut into events that fit the homeserver's size limit, attachments as m.file. Retries are
the outbox's; every event has a transaction id derived from its row's, so a resend is a
no-op."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from typing import Any

from nio import AsyncClient, LocalProtocolError, RoomSendError, SendRetryError, UploadError

from bot.adapters.matrix import polls
from bot.adapters.matrix.crypto import Keys
from bot.adapters.matrix.login import UNREACHABLE
from bot.adapters.matrix.translate import (
    PLATFORM,
    delivery_error,
    file_content,
    in_reply_to,
    part_txn_id,
    reply_content,
)
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError, TooLarge
from bot.core.parts import split_reply
from bot.core.poll_messages import PollFit, PollMessage, PostedPoll
from bot.core.reply import Attachment, Poll, Reply

log = logging.getLogger(__name__)

MAX_EVENT = 65_536
"""Synapse refuses a larger event (`M_TOO_LARGE`), for good."""
PLAIN_BUDGET = 60_000
"""For a part's content, measured as sent (JSON, non-ASCII escaped), leaving room for the
event's envelope (ids, signatures, hashes)."""
ENCRYPTED_BUDGET = 44_000
"""In an encrypted room the whole event is encrypted and base64-encoded (a third larger)."""


def content_size(content: dict[str, Any]) -> int:
    """Bytes of the content as the homeserver receives it (the JSON escaping included)."""
    return len(json.dumps(content).encode())


def text_contents(reply: Reply, answers: str | None, budget: int) -> list[dict[str, Any]]:
    """The m.notice contents of a reply's text, each within `budget` (see `split_reply`);
    `TooLarge` if that takes too many events or one paragraph alone does not fit."""
    text = Reply(reply.blocks)

    def size(part: Reply) -> int:
        content = reply_content(part)
        return content_size(in_reply_to(content, answers)) if content is not None else 0

    contents: list[dict[str, Any]] = []
    for index, part in enumerate(split_reply(text, size, budget)):
        content = reply_content(part)
        if content is None:
            continue
        if index == 0:
            content = in_reply_to(content, answers)
        if content_size(content) > budget:
            raise TooLarge(f"a paragraph alone is {content_size(content)} bytes")
        contents.append(content)
    return contents


def text_txn_id(txn_id: str, index: int) -> str:
    """Text part 0 keeps the row's id (as before parts existed); attachments use `.1`..."""
    return part_txn_id(txn_id, 0) if index == 0 else f"{txn_id}.t{index}"


class Sender:
    """Sends through the service's client once it is connected (`connect`), until `disconnect`."""

    def __init__(self, trust: str, max_backoff: float) -> None:
        self.trust = trust
        self.max_backoff = max_backoff
        self.client: AsyncClient | None = None
        self.keys: Keys | None = None
        self.ready = asyncio.Event()
        """Set once the first sync knows the rooms."""

    def connect(self, client: AsyncClient) -> None:
        self.client = client
        self.keys = Keys(client, self.trust)

    def disconnect(self) -> None:
        self.ready.clear()
        self.client = self.keys = None

    async def deliver(
        self, room_id: str, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        """One reply into one room: the text as m.notice events (cut where it would be too
        large; the first quotes `answers`), then each attachment as m.file."""
        client = self.client
        if client is None or not self.ready.is_set():
            raise DeliveryError("not connected to the Matrix homeserver yet", retry_after=2.0)
        room = client.rooms.get(room_id)
        if room is None:
            raise DeliveryError(f"the bot is not in the Matrix room {room_id}", permanent=True)
        budget = ENCRYPTED_BUDGET if room.encrypted else PLAIN_BUDGET
        for index, content in enumerate(text_contents(reply, answers, budget)):
            await self._send_event(client, room_id, content, text_txn_id(txn_id, index))
        for part, attachment in enumerate(reply.attachments, start=1):
            file = await self._upload(client, room_id, attachment)
            await self._send_event(
                client, room_id, in_reply_to(file, answers), part_txn_id(txn_id, part)
            )

    async def send_event(
        self, room_id: str, event_type: str, content: dict[str, Any], txn_id: str
    ) -> str:
        """One event of any type (a poll's start or end); returns its event id."""
        client = self.client
        if client is None or not self.ready.is_set():
            raise DeliveryError("not connected to the Matrix homeserver yet", retry_after=2.0)
        budget = (
            ENCRYPTED_BUDGET
            if room_id in client.rooms and client.rooms[room_id].encrypted
            else PLAIN_BUDGET
        )
        if content_size(content) > budget:
            raise TooLarge(f"a {event_type} event of {content_size(content)} bytes")
        return await self._send_event(client, room_id, content, txn_id, event_type)

    async def _send_event(
        self,
        client: AsyncClient,
        room_id: str,
        content: dict[str, Any],
        txn_id: str,
        event_type: str = "m.room.message",
    ) -> str:
        try:
            room = client.rooms.get(room_id)
            if room is None:
                raise DeliveryError(f"the bot is not in the Matrix room {room_id}", permanent=True)
            if room.encrypted and client.olm is not None and self.keys is not None:
                await self.keys.prepare(room_id)
            answer = await client.room_send(
                room_id,
                event_type,
                content,
                tx_id=txn_id,
                ignore_unverified_devices=self.trust == "all",
            )
        except UNREACHABLE as error:
            raise DeliveryError(
                f"Matrix homeserver unreachable ({type(error).__name__})", offline=True
            ) from None
        except (SendRetryError, LocalProtocolError) as error:
            if room_id not in client.rooms:
                raise DeliveryError(str(error), permanent=True) from None
            raise DeliveryError(f"Matrix: {type(error).__name__}: {error}") from None
        if isinstance(answer, RoomSendError):
            raise delivery_error(answer.status_code, answer.message, answer.retry_after_ms)
        return str(answer.event_id)

    async def _upload(
        self, client: AsyncClient, room_id: str, attachment: Attachment
    ) -> dict[str, Any]:
        room = client.rooms.get(room_id)
        encrypt = bool(room is not None and room.encrypted and client.olm is not None)
        try:
            answer, keys = await client.upload(
                io.BytesIO(attachment.data),
                content_type=attachment.mimetype,
                filename=attachment.filename,
                encrypt=encrypt,
                filesize=len(attachment.data),
            )
        except UNREACHABLE as error:
            raise DeliveryError(
                f"Matrix homeserver unreachable ({type(error).__name__})", offline=True
            ) from None
        if isinstance(answer, UploadError):
            raise delivery_error(answer.status_code, answer.message, answer.retry_after_ms)
        if encrypt and keys is not None:
            file = {
                "url": answer.content_uri,
                "key": keys["key"],
                "iv": keys["iv"],
                "hashes": keys["hashes"],
                "v": keys["v"],
            }
            return file_content(attachment, None, file)
        return file_content(attachment, answer.content_uri)


class MatrixMessenger:
    """Sends neutral replies into Matrix rooms; used by the outbox (`Delivery`)."""

    platform = PLATFORM

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    def ready(self) -> bool:
        return self._sender.client is not None and self._sender.ready.is_set()

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        await self._sender.deliver(room.room_id, reply, txn_id, answers)

    # -- polls (see `bot.delivery_polls`): a resend keeps its txn id, so it is a no-op ------

    def poll_fit(self, poll: Poll) -> PollFit:
        return polls.poll_fit(poll)

    async def start_poll(
        self, room: RoomRef, poll: Poll, fallback: Reply, txn_id: str
    ) -> PostedPoll:
        content = polls.start_content(poll, fallback)
        event_id = await self._sender.send_event(room.room_id, polls.START, content, txn_id)
        return PostedPoll(event_id, event_id)

    async def end_poll(
        self, room: RoomRef, posted: PollMessage, fallback: Reply, txn_id: str
    ) -> None:
        content = polls.end_content(posted.poll_id, fallback)
        await self._sender.send_event(room.room_id, polls.END, content, txn_id)
