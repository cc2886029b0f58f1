"""The Matrix connection: the sync loop, and the parts it drives (all I/O lives here).

What an event *means* is decided in `translate.py`; `login`, `position` (the sync token),
`rooms` (a worker per room, back-filling, invites), `crypto` (keys and trust) and `sending`
only move data between the homeserver, matrix-nio and the core:

- Login with a password or an access token. The device id (and with it the encryption keys
  in the crypto store) is kept in the store directory; the bot never logs out.
- The sync token is saved in the database (`app.uow_factory().state`) once every event of a
  sync has been handled, so a restart continues where the bot left off. A crash after a
  change was committed but before the token was saved makes the first sync after the start
  repeat that event; those events are marked `maybe_replayed` and the app, which recorded
  the event id with the change, does not apply them twice. A brand-new bot only reads the
  rooms' state, not their history.
- A limited timeline (more events than one sync returns) is back-filled with `/messages`
  from its `prev_batch` down to the previous sync token, so no command is missed.
- Events are handled by one task per room, in order, never inside the sync loop; each
  direct reply is written to the outbox with its command and sent by the outbox delivery
  (woken at once), as a Matrix reply (`m.in_reply_to`) to its command. The sync loop
  reconnects with exponential backoff while the homeserver is away.

Why handling stays one-at-a-time per room: a command's effects depend on the commands
before it in the same room (`/member add X` then `/member remove X`, `/agenda add` then
`/agenda move`, a question and its `/ja`), and each runs in its own transaction, so running
them side by side could apply them out of order or make them conflict. Handling takes a few
milliseconds; sending, a round trip to the homeserver, happens in the outbox delivery,
outside the room's queue; it keeps each room's order, replies and announcements alike.
Rooms are independent and are handled side by side. (Measured with
`bench/matrix_latency.py`: handling a room's commands concurrently did not raise the burst
rate either; the limit is CPU, the database work per command, shared with the homeserver.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nio import AsyncClient, AsyncClientConfig, RedactionEvent, RoomCreateEvent, SyncError
from nio import Event as NioEvent

from bot.adapters.matrix import rooms, session
from bot.adapters.matrix.login import UNREACHABLE, LoginFailed, backoff, log_in, retrying
from bot.adapters.matrix.polls import MatrixPolls, Response
from bot.adapters.matrix.position import SyncPosition
from bot.adapters.matrix.rooms import RoomWorker
from bot.adapters.matrix.sending import MatrixMessenger, Sender
from bot.adapters.matrix.translate import (
    FIRST_SYNC_FILTER,
    PLATFORM,
    SYNC_FILTER,
    creators_of,
    creators_privileged,
    events_after_own_join,
    invite_allowed,
    is_own_join,
    to_neutral,
)
from bot.config import MatrixSection
from bot.poll_book import PollBook

if TYPE_CHECKING:
    from bot.app import App
    from bot.core.events import Event

__all__ = ["LoginFailed", "MatrixMessenger", "MatrixService"]

log = logging.getLogger(__name__)

DRAIN_SECONDS = 4.0
"""How long `stop` lets the commands in hand finish (`partnerbot run` stops within 10 s)."""


class MatrixService:
    """The Matrix platform service for `partnerbot run` (see `bot.platform.PlatformService`)."""

    platform = PLATFORM

    def __init__(
        self,
        section: MatrixSection,
        data_dir: Path,
        *,
        max_backoff: float = 30.0,
        sync_timeout_ms: int = 30_000,
    ) -> None:
        self.section = section
        self.store_path = Path(section.store_path) if section.store_path else data_dir / "matrix"
        self.max_backoff = max_backoff
        self.sync_timeout_ms = sync_timeout_ms
        self._sender = Sender(section.trust, max_backoff)
        self._messenger = MatrixMessenger(self._sender)
        self._app: App | None = None
        self._client: AsyncClient | None = None
        self._position: SyncPosition | None = None
        self._connected = False
        self._workers: dict[str, RoomWorker] = {}
        self._creators: dict[str, frozenset[str]] = {}
        self._invites_seen: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sync_task: asyncio.Task[None] | None = None
        self._polls: MatrixPolls | None = None

    # -- PlatformService ------------------------------------------------------------------

    @property
    def messenger(self) -> MatrixMessenger:
        return self._messenger

    @property
    def app(self) -> App:
        assert self._app is not None, "start() first"
        return self._app

    @property
    def client(self) -> AsyncClient:
        assert self._client is not None, "start() first"
        return self._client

    @property
    def user_id(self) -> str:
        return self.section.user_id

    def connected(self) -> bool:
        return self._connected

    async def start(self, app: App) -> None:
        """Log in, catch up with the rooms, and keep syncing in the background."""
        self._app = app
        self._polls = MatrixPolls(PollBook(app.uow_factory), self.user_id, app.clock)
        session.prepare_store(self.store_path)
        self._client = AsyncClient(
            self.section.homeserver,
            self.section.user_id,
            store_path=str(self.store_path),
            config=AsyncClientConfig(
                # nio would sleep on 429 and retry forever on connection errors; the bot
                # decides itself (backoff for the sync, DeliveryError for the outbox).
                max_limit_exceeded=0,
                max_timeouts=0,
                encryption_enabled=True,
                store_sync_tokens=False,
                request_timeout=60,
            ),
        )
        self._sender.connect(self._client)
        await retrying("login", self._login, self.max_backoff)
        self._position = SyncPosition(app.uow_factory, self.user_id)
        since = await self._position.load()
        await retrying("first sync", lambda: self._first_sync(since), self.max_backoff)
        self._sender.ready.set()
        app.outbox_changed.set()  # what waited for the connection goes out now
        self._sync_task = asyncio.create_task(self._sync_forever(), name="matrix sync")
        log.info(
            "Matrix: %s (device %s) is connected to %s",
            self.user_id,
            self.client.device_id,
            self.section.homeserver,
        )

    async def stop(self) -> None:
        """Stop syncing and close the connection. Never logs out: the device stays valid."""
        if self._sync_task is not None:
            self._sync_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync_task
            self._sync_task = None
        pending = [w.drain() for w in self._workers.values()]
        if pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*pending), DRAIN_SECONDS)
        if self._position is not None:
            await self._position.close()
        tasks = [t for w in self._workers.values() for t in w.cancel()] + list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()
        self._tasks.clear()
        self._connected = False
        self._sender.disconnect()
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _login(self) -> None:
        await log_in(self.client, self.section, self.store_path)

    # -- syncing --------------------------------------------------------------------------

    async def _first_sync(self, since: str | None) -> None:
        client = self.client
        if since:
            # Full state rebuilds the rooms (nio keeps no room state on disk); the timeline
            # is everything since the saved position, answered as usual.
            answer = await client.sync(
                timeout=0, sync_filter=SYNC_FILTER, since=since, full_state=True
            )
        else:
            answer = await client.sync(timeout=0, sync_filter=FIRST_SYNC_FILTER, full_state=True)
        if isinstance(answer, SyncError):
            raise ConnectionError(f"first sync refused: {answer.status_code}")
        await self._process(answer, since, history=since is None, replayed=since is not None)
        await self._keys()
        self._connected = True

    async def _sync_forever(self) -> None:
        attempt = 0
        while True:
            since = self.client.next_batch
            try:
                answer = await self.client.sync(
                    timeout=self.sync_timeout_ms, sync_filter=SYNC_FILTER, since=since
                )
                if isinstance(answer, SyncError):
                    self._connected = False
                    if answer.status_code == "M_UNKNOWN_TOKEN" and not self.section.access_token:
                        log.warning("Matrix: the homeserver forgot the login; logging in again")
                        await self._login()
                        continue
                    if answer.status_code == "M_LIMIT_EXCEEDED" and answer.retry_after_ms:
                        wait = answer.retry_after_ms / 1000
                    else:
                        wait = backoff(attempt, self.max_backoff)
                        attempt += 1
                    log.warning("Matrix sync refused (%s); retrying in %.1f s", answer, wait)
                    await asyncio.sleep(wait)
                    continue
                if not self._connected and attempt:
                    log.info("Matrix: connected again to %s", self.section.homeserver)
                self._connected = True
                attempt = 0
                await self._process(answer, since, history=False, replayed=False)
                await self._keys()
            except asyncio.CancelledError:
                raise
            except UNREACHABLE as error:
                self._connected = False
                wait = backoff(attempt, self.max_backoff)
                attempt += 1
                log.warning(
                    "Matrix: homeserver unreachable (%s); retrying in %.1f s",
                    type(error).__name__,
                    wait,
                )
                await asyncio.sleep(wait)
            except Exception:
                wait = backoff(attempt, self.max_backoff)
                attempt += 1
                log.exception("Matrix sync failed; retrying in %.1f s", wait)
                await asyncio.sleep(wait)

    async def _process(self, answer: Any, since: str | None, history: bool, replayed: bool) -> None:
        """Hand one sync's events to the room workers (history=True: state only).

        replayed=True: the first sync after a start, from the saved position; it may repeat
        events handled before a crash, which the app then recognises (see `Event`)."""
        client = self.client
        for room_id in answer.rooms.invite:
            self._on_invite(room_id)
        for room_id in answer.rooms.leave:
            # Left, kicked or banned: sending there will never work again.
            client.rooms.pop(room_id, None)
            self._creators.pop(room_id, None)
        handled: list[asyncio.Future[bool]] = []
        for room_id, info in answer.rooms.join.items():
            room = client.rooms.get(room_id)
            if room is None:
                continue
            for event in [*info.state, *info.timeline.events]:
                if isinstance(event, RoomCreateEvent):
                    self._creators[room_id] = creators_of(event)
            if history:
                continue
            events: list[NioEvent] = list(info.timeline.events)
            gap = bool(info.timeline.limited and info.timeline.prev_batch and since)
            if gap and not any(is_own_join(e, self.user_id) for e in events):
                assert info.timeline.prev_batch is not None and since is not None
                older = await rooms.backfill(
                    self.client, self.user_id, room_id, info.timeline.prev_batch, since
                )
                events = older + events
            events = events_after_own_join(events, self.user_id)
            if events and room_id not in self._creators and creators_privileged(room.room_version):
                await self._fetch_creators(room_id)
            creators = self._creators.get(room_id, frozenset())
            assert self._polls is not None
            items = await self._polls.after_gap(client, room_id, events) if gap else events
            for item in items:
                if isinstance(item, RedactionEvent):
                    await self._polls.redacted(room_id, item)
                    continue
                neutral: Event | None = None
                if not isinstance(item, Response):
                    # a gap's back-filled events may include some handled already: checked
                    neutral = to_neutral(room, item, self.user_id, creators, replayed or gap)
                if neutral is None:
                    # a vote in a gap may have been handled before a restart
                    neutral = await self._polls.vote(room, item, creators, replayed or gap)
                if neutral is None:
                    continue
                handled.append(self._worker(room_id).submit(neutral, neutral.event_id))
        if answer.next_batch:
            assert self._position is not None
            self._position.after(handled, answer.next_batch)

    async def _fetch_creators(self, room_id: str) -> None:
        creators = await rooms.fetch_creators(self.client, room_id)
        if creators is not None:
            self._creators[room_id] = creators

    async def _keys(self) -> None:
        if self._sender.keys is not None:
            await self._sender.keys.housekeeping()

    def _worker(self, room_id: str) -> RoomWorker:
        worker = self._workers.get(room_id)
        if worker is None:
            worker = RoomWorker(self.app, room_id)
            self._workers[room_id] = worker
        return worker

    def _spawn(self, step: Awaitable[None]) -> None:
        async def run() -> None:
            await step

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- invites --------------------------------------------------------------------------

    def _on_invite(self, room_id: str) -> None:
        if room_id in self._invites_seen:
            return
        self._invites_seen.add(room_id)
        room = self.client.invited_rooms.get(room_id)
        inviter = str(getattr(room, "inviter", "") or "")
        if invite_allowed(inviter, self.section.allow_invites_from, self.user_id):
            log.info("Matrix: accepting the invite of %s to %s", inviter, room_id)
            self._spawn(self._join(room_id))
        else:
            log.info("Matrix: declining the invite of %s to %s (not allowed)", inviter, room_id)
            self._spawn(self._decline(room_id))

    async def _join(self, room_id: str) -> None:
        if not await rooms.join(self.client, room_id):
            self._invites_seen.discard(room_id)

    async def _decline(self, room_id: str) -> None:
        await rooms.decline(self.client, room_id)
