"""Sending replies into Matrix rooms: direct replies (retried under the same transaction id)
and the outbox's messages (`MatrixMessenger`); text as m.notice, attachments as m.file."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

from nio import AsyncClient, LocalProtocolError, RoomSendError, SendRetryError, UploadError

from bot.adapters.matrix.crypto import Keys
from bot.adapters.matrix.login import UNREACHABLE, backoff
from bot.adapters.matrix.translate import (
    PLATFORM,
    delivery_error,
    file_content,
    in_reply_to,
    part_txn_id,
    reply_content,
)
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError
from bot.core.reply import Attachment, Reply

log = logging.getLogger(__name__)


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

    async def send_reply(
        self, room_id: str, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        """A direct reply (to the event `answers`): retried with the same transaction id
        until it is accepted."""
        for attempt in range(12):
            try:
                await self.deliver(room_id, reply, txn_id, answers)
                return
            except DeliveryError as error:
                if error.permanent:
                    log.warning("Matrix: reply to %s dropped: %s", room_id, error)
                    return
                wait = (
                    error.retry_after
                    if error.retry_after is not None
                    else backoff(attempt, self.max_backoff)
                )
                log.info(
                    "Matrix: reply to %s failed (%s); retrying in %.1f s", room_id, error, wait
                )
                await asyncio.sleep(wait)
        log.warning("Matrix: gave up sending a reply to %s", room_id)

    async def deliver(
        self, room_id: str, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        """One reply into one room: the text as m.notice, then each attachment as m.file;
        with `answers`, each part is a Matrix reply to that event."""
        client = self.client
        if client is None or not self.ready.is_set():
            raise DeliveryError("not connected to the Matrix homeserver yet")
        if room_id not in client.rooms:
            raise DeliveryError(f"the bot is not in the Matrix room {room_id}", permanent=True)
        content = reply_content(reply)
        if content is not None:
            await self._send_event(
                client, room_id, in_reply_to(content, answers), part_txn_id(txn_id, 0)
            )
        for part, attachment in enumerate(reply.attachments, start=1):
            file = await self._upload(client, room_id, attachment)
            await self._send_event(
                client, room_id, in_reply_to(file, answers), part_txn_id(txn_id, part)
            )

    async def _send_event(
        self, client: AsyncClient, room_id: str, content: dict[str, Any], txn_id: str
    ) -> None:
        try:
            room = client.rooms.get(room_id)
            if room is None:
                raise DeliveryError(f"the bot is not in the Matrix room {room_id}", permanent=True)
            if room.encrypted and client.olm is not None and self.keys is not None:
                await self.keys.prepare(room_id)
            answer = await client.room_send(
                room_id,
                "m.room.message",
                content,
                tx_id=txn_id,
                ignore_unverified_devices=self.trust == "all",
            )
        except UNREACHABLE as error:
            raise DeliveryError(f"Matrix homeserver unreachable ({type(error).__name__})") from None
        except (SendRetryError, LocalProtocolError) as error:
            if room_id not in client.rooms:
                raise DeliveryError(str(error), permanent=True) from None
            raise DeliveryError(f"Matrix: {type(error).__name__}: {error}") from None
        if isinstance(answer, RoomSendError):
            raise delivery_error(answer.status_code, answer.message, answer.retry_after_ms)

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
            raise DeliveryError(f"Matrix homeserver unreachable ({type(error).__name__})") from None
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

    async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
        await self._sender.deliver(room.room_id, reply, txn_id)
