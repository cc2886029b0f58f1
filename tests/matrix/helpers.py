"""Test actors for the Synapse suite: people as plain nio clients, and the bot under test."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinResponse,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomEncryptedFile,
    RoomMessageFile,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)

from bot.adapters.matrix.service import MatrixService
from bot.app import AppConfig
from bot.bootstrap import Runtime, bootstrap
from bot.config import MatrixSection, Secret
from bot.core.clock import Clock, SystemClock
from tests.matrix.synapse import Account, Synapse

WAIT = 30.0
_names = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}{next(_names)}x{id(_names) % 10000}"


@dataclass
class Seen:
    room_id: str
    sender: str
    kind: str  # "text", "notice", "file", "undecryptable"
    body: str
    content: dict[str, Any]
    event_id: str


class Person:
    """A user with a plain matrix-nio client (encryption capable), syncing in the background."""

    def __init__(self, synapse: Synapse, account: Account, store: Path) -> None:
        self.account = account
        self.user_id = account.user_id
        store.mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(
            synapse.url,
            account.user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
        )
        self.client.restore_login(account.user_id, account.device_id, account.access_token)
        self.seen: list[Seen] = []
        self.invites: list[str] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.client.add_event_callback(
            self._on_event,
            (RoomMessageText, RoomMessageNotice, RoomMessageFile, RoomEncryptedFile, MegolmEvent),
        )
        self.client.add_event_callback(self._on_invite, InviteMemberEvent)

    async def _on_event(self, room: MatrixRoom, event: Any) -> None:
        if isinstance(event, MegolmEvent):
            kind, body = "undecryptable", ""
        elif isinstance(event, RoomMessageNotice):
            kind, body = "notice", event.body
        elif isinstance(event, (RoomMessageFile, RoomEncryptedFile)):
            kind, body = "file", event.body
        else:
            kind, body = "text", event.body
        content = event.source.get("content", {})
        self.seen.append(Seen(room.room_id, event.sender, kind, body, content, event.event_id))
        self._changed.set()

    async def _on_invite(self, room: MatrixRoom, event: Any) -> None:
        if event.state_key == self.user_id and event.membership == "invite":
            self.invites.append(room.room_id)
            self._changed.set()

    async def start(self) -> None:
        first = await self.client.sync(timeout=0, full_state=True)
        assert isinstance(first, SyncResponse), first
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self._task = asyncio.create_task(self.client.sync_forever(timeout=30_000))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    async def wait_until(
        self, check: Callable[[], Any], wait: float = WAIT, poll: float = 1.0
    ) -> Any:
        """Wait until `check()` is truthy (re-evaluated after every sync, and every `poll`
        seconds for what no sync announces, like a file another process writes)."""
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            result = check()
            if result:
                return result
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(
                    f"{self.user_id} waited {wait} s in vain; saw {self.seen[-5:]}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, poll))

    def from_user(self, room_id: str, user_id: str, kind: str | None = None) -> list[Seen]:
        return [
            s
            for s in self.seen
            if s.room_id == room_id and s.sender == user_id and (kind is None or s.kind == kind)
        ]

    async def wait_for(
        self, room_id: str, sender: str, contains: str, wait: float = WAIT, after: int = 0
    ) -> Seen:
        def found() -> Seen | None:
            for item in self.from_user(room_id, sender)[after:]:
                if contains in item.body:
                    return item
            return None

        result: Seen = await self.wait_until(found, wait)
        return result

    async def say(self, room_id: str, text: str) -> str:
        answer = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert isinstance(answer, RoomSendResponse), answer
        return str(answer.event_id)

    async def ask(self, room_id: str, bot: str, text: str, wait: float = WAIT) -> Seen:
        """Send a command and return the bot's answer to it: the notice that is a Matrix reply
        to the command (announcements sent meanwhile are not mistaken for it)."""
        asked = await self.say(room_id, text)

        def answer() -> Seen | None:
            for seen in self.from_user(room_id, bot, "notice"):
                relates = seen.content.get("m.relates_to", {})
                if relates.get("m.in_reply_to", {}).get("event_id") == asked:
                    return seen
            return None

        result: Seen = await self.wait_until(answer, wait)
        return result

    async def create_room(
        self,
        name: str,
        version: str | None = None,
        encrypted: bool = False,
        invite: tuple[str, ...] = (),
    ) -> str:
        state: list[dict[str, Any]] = []
        if encrypted:
            state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        answer = await self.client.room_create(
            name=name, room_version=version, initial_state=state, invite=invite
        )
        assert isinstance(answer, RoomCreateResponse), answer
        await self.wait_until(lambda: answer.room_id in self.client.rooms)
        return str(answer.room_id)

    async def bring_in(self, room_id: str, other: Person) -> None:
        """Invite `other`, who joins; wait until this person sees them in the room."""
        await self.client.room_invite(room_id, other.user_id)
        answer = await other.client.join(room_id)
        assert isinstance(answer, JoinResponse), answer
        await self.joined(room_id, other.user_id)
        await other.joined(room_id, other.user_id)

    async def joined(self, room_id: str, user_id: str) -> None:
        """Wait until this person's client sees `user_id` in the room."""
        await self.wait_until(
            lambda: room_id in self.client.rooms and user_id in self.client.rooms[room_id].users
        )


class BotUnderTest:
    """partnerbot with the real runtime (SQLite), Matrix service and outbox delivery."""

    def __init__(
        self,
        synapse: Synapse,
        account: Account,
        directory: Path,
        allow: list[str] | None = None,
        trust: str = "tofu",
    ) -> None:
        self.account = account
        self.user_id = account.user_id
        self.directory = directory
        self.database_url = f"sqlite:///{directory / 'bot.sqlite3'}"
        self.section = MatrixSection(
            homeserver=synapse.url,
            user_id=account.user_id,
            password=Secret(account.password),
            store_path=str(directory / "store"),
            allow_invites_from=allow if allow is not None else ["test.local"],
            trust=trust,
        )
        self.clock: Clock = SystemClock()
        """Replace before start() with a ManualClock to move time (reminders, meeting days)."""
        self.service: MatrixService | None = None
        self.runtime: Runtime | None = None
        self._delivery: asyncio.Task[None] | None = None

    async def start(self) -> MatrixService:
        self.directory.mkdir(parents=True, exist_ok=True)
        service = MatrixService(self.section, self.directory, max_backoff=1.0)
        runtime = await bootstrap(
            self.database_url,
            self.clock,
            {service.platform: service.messenger},
            AppConfig(default_language="de"),
        )
        self._delivery = asyncio.create_task(runtime.delivery.run(runtime.app.outbox_changed))
        await service.start(runtime.app)
        self.service, self.runtime = service, runtime
        return service

    async def in_room(self, room_id: str, wait: float = WAIT) -> None:
        """Wait until the bot's own sync has the room (others may see its join earlier)."""
        deadline = asyncio.get_running_loop().time() + wait
        while self.service is None or room_id not in self.service.client.rooms:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the bot never saw itself in {room_id}")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.stop()
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        if self.runtime is not None:
            await self.runtime.close()
        self.service = self.runtime = self._delivery = None
