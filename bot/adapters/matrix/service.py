"""The Matrix connection: login, sync, invites, encryption and sending (all I/O lives here).

What an event *means* is decided in `translate.py`; this module only moves data between the
homeserver, matrix-nio and the core:

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
  direct reply is sent at once in its own task, as a Matrix reply (`m.in_reply_to`) to its
  command. The sync loop reconnects with exponential backoff while the homeserver is away.

Why handling stays one-at-a-time per room while sending does not: a command's effects
depend on the commands before it in the same room (`/member add X` then `/member remove X`,
`/agenda add` then `/agenda move`, a question and its `/ja`), and each runs in its own
transaction, so running them side by side could apply them out of order or make them
conflict. Handling takes a few milliseconds; sending takes a round trip to the homeserver.
Sending concurrently removes the round trip from the queue while the order of effects is
kept; each reply names the command it answers, so a reply that overtakes another is still
unambiguous. Announcements go through the outbox, which keeps each room's order. Rooms are
independent and are handled side by side. (Measured with `bench/matrix_latency.py`: handling
a room's commands concurrently did not raise the burst rate either; the limit is CPU, the
database work per command, shared with the homeserver.)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinError,
    LocalProtocolError,
    LoginResponse,
    MessageDirection,
    RoomCreateEvent,
    RoomGetStateResponse,
    RoomMessagesError,
    RoomSendError,
    SendRetryError,
    SyncError,
    UploadError,
    WhoamiError,
)
from nio import Event as NioEvent

from bot.adapters.matrix import session
from bot.adapters.matrix.translate import (
    FIRST_SYNC_FILTER,
    PLATFORM,
    SYNC_FILTER,
    TIMELINE_LIMIT,
    creators_of,
    creators_privileged,
    delivery_error,
    events_after_own_join,
    file_content,
    in_reply_to,
    invite_allowed,
    is_own_join,
    part_txn_id,
    reply_content,
    reply_txn_id,
    to_neutral,
)
from bot.config import MatrixSection
from bot.core.events import Event, RoomRef
from bot.core.messenger import DeliveryError
from bot.core.reply import Attachment, Reply

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

UNREACHABLE: tuple[type[BaseException], ...] = (aiohttp.ClientError, OSError, TimeoutError)
"""What a homeserver that is away (restarting, network down) looks like from here."""

MAX_BACKFILL_PAGES = 50
SAVE_EVERY_SYNCS = 20


class LoginFailed(RuntimeError):
    """The homeserver refused the configured credentials (the secret is never included)."""


def _skip_empty_room_saves(client: AsyncClient) -> None:
    """nio writes the set of newly encrypted rooms to its crypto store after every sync, even
    when it is empty: a blocking SQLite query in the event loop for every message received.
    An empty set has nothing to save."""
    store = getattr(client, "store", None)
    if store is None or getattr(store, "_skips_empty_saves", False):
        return
    save = store.save_encrypted_rooms

    def save_encrypted_rooms(rooms: Any) -> None:
        if rooms:
            save(rooms)

    store.save_encrypted_rooms = save_encrypted_rooms
    store._skips_empty_saves = True


class MatrixMessenger:
    """Sends neutral replies into Matrix rooms; used by the outbox (`Delivery`)."""

    platform = PLATFORM

    def __init__(self, service: MatrixService) -> None:
        self._service = service

    async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
        await self._service.deliver(room.room_id, reply, txn_id)


class _RoomWorker:
    """One room's events, handled in order off the sync loop; each reply is sent in its own
    task as soon as it is ready (see the module docstring for why)."""

    def __init__(self, service: MatrixService, room_id: str) -> None:
        self.service = service
        self.room_id = room_id
        self.queue: asyncio.Queue[tuple[Event, str, asyncio.Future[bool]]] = asyncio.Queue()
        self.sending: set[asyncio.Task[None]] = set()
        self.tasks = (asyncio.create_task(self._handle(), name=f"matrix handle {room_id}"),)

    def submit(self, event: Event, event_id: str) -> asyncio.Future[bool]:
        handled: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((event, event_id, handled))
        return handled

    async def drain(self) -> None:
        await self.queue.join()
        while self.sending:
            await asyncio.gather(*self.sending, return_exceptions=True)

    def cancel(self) -> list[asyncio.Task[None]]:
        tasks = [*self.tasks, *self.sending]
        for task in tasks:
            task.cancel()
        return tasks

    async def _handle(self) -> None:
        while True:
            event, event_id, handled = await self.queue.get()
            app = self.service.app
            changes = app.changes
            sending: asyncio.Task[None] | None = None
            try:
                reply = await app.handle(event)
                if reply is not None:
                    sending = self._send(reply, event_id)
            except Exception:
                log.exception("handling a Matrix event in %s failed", self.room_id)
                changes = -1
            finally:
                changed = app.changes != changes
                if sending is None:
                    _resolve(handled, changed)
                else:
                    # The sync position passes the event only once its reply is out: a crash
                    # before that replays the event, and the app answers it again.
                    sending.add_done_callback(functools.partial(_resolve, handled, changed))
                self.queue.task_done()

    def _send(self, reply: Reply, event_id: str) -> asyncio.Task[None]:
        task = asyncio.create_task(
            self.service.send_reply(self.room_id, reply, reply_txn_id(event_id), event_id),
            name=f"matrix reply {event_id}",
        )
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)
        return task


def _resolve(handled: asyncio.Future[bool], changed: bool, _sent: object = None) -> None:
    if not handled.done():
        handled.set_result(changed)


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
        self._messenger = MatrixMessenger(self)
        self._app: App | None = None
        self._client: AsyncClient | None = None
        self._ready = asyncio.Event()
        self._connected = False
        self._workers: dict[str, _RoomWorker] = {}
        self._creators: dict[str, frozenset[str]] = {}
        self._invites_seen: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sync_task: asyncio.Task[None] | None = None
        self._checkpoint: asyncio.Task[None] | None = None
        self._saved_token: str | None = None
        self._processed_token: str | None = None
        self._syncs_unsaved = 0
        self._unsaved_change = False
        self._key_lock = asyncio.Lock()

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
        await self._retrying("login", self._login)
        since = await self._load_token()
        await self._retrying("first sync", lambda: self._first_sync(since))
        self._ready.set()
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
                await asyncio.wait_for(asyncio.gather(*pending), 10)
        if self._checkpoint is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._checkpoint), 10)
        await self._save_processed()
        tasks = [t for w in self._workers.values() for t in w.cancel()] + list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()
        self._tasks.clear()
        self._connected = False
        self._ready.clear()
        if self._client is not None:
            await self._client.close()
            self._client = None

    # -- login ----------------------------------------------------------------------------

    async def _login(self) -> None:
        await self._log_in()
        _skip_empty_room_saves(self.client)

    async def _log_in(self) -> None:
        client = self.client
        stored = session.load(self.store_path, self.section.homeserver, self.user_id)
        if self.section.access_token:
            token = self.section.access_token.reveal()
            client.user_id = self.user_id
            client.access_token = token
            who = await client.whoami()
            if isinstance(who, WhoamiError):
                client.access_token = ""
                raise LoginFailed(f"the homeserver refused the access token ({who.status_code})")
            if who.user_id != self.user_id:
                raise LoginFailed(f"the access token belongs to {who.user_id}, not {self.user_id}")
            device_id = who.device_id or (stored.device_id if stored else "")
            if not device_id:
                raise LoginFailed("the homeserver did not say which device the token belongs to")
            client.restore_login(self.user_id, device_id, token)
            session.save(
                self.store_path,
                session.StoredSession(self.section.homeserver, self.user_id, device_id, ""),
            )
            return
        if stored is not None and stored.access_token:
            client.user_id = self.user_id
            client.access_token = stored.access_token
            who = await client.whoami()
            if not isinstance(who, WhoamiError) and who.device_id in (None, stored.device_id):
                client.restore_login(self.user_id, stored.device_id, stored.access_token)
                return
            client.access_token = ""
            log.info("Matrix: the stored login is no longer valid; logging in again")
        if stored is not None:
            client.device_id = stored.device_id  # log in again as the same device: same keys
        answer = await client.login(
            password=self.section.password.reveal(), device_name=self.section.device_name
        )
        if not isinstance(answer, LoginResponse):
            raise LoginFailed(f"the homeserver refused the password login ({answer.status_code})")
        session.save(
            self.store_path,
            session.StoredSession(
                self.section.homeserver, self.user_id, answer.device_id, answer.access_token
            ),
        )

    async def _retrying(self, what: str, step: Callable[[], Awaitable[None]]) -> None:
        attempt = 0
        while True:
            try:
                await step()
                return
            except UNREACHABLE as error:
                wait = self._backoff(attempt)
                attempt += 1
                log.warning(
                    "Matrix %s: homeserver unreachable (%s); retrying in %.1f s",
                    what,
                    type(error).__name__,
                    wait,
                )
                await asyncio.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return float(min(self.max_backoff, 0.25 * 2 ** min(attempt, 16)))

    # -- the sync token ---------------------------------------------------------------------

    @property
    def _token_key(self) -> str:
        return f"matrix:{self.user_id}:next_batch"

    async def _load_token(self) -> str | None:
        async with self.app.uow_factory() as uow:
            token = await uow.state.get(self._token_key)
        self._saved_token = token
        return token

    async def _save_token(self, token: str) -> None:
        if token == self._saved_token:
            return
        async with self.app.uow_factory() as uow:
            await uow.state.put(self._token_key, token)
            await uow.commit()
        self._saved_token = token

    def _checkpoint_after(self, handled: list[asyncio.Future[bool]], token: str) -> None:
        """Save `token` once every event before it was handled, in sync order.

        The position is saved at once after an event that changed something. After syncs
        whose events changed nothing (read-only commands like /next, chat, the bot's own
        replies) it is saved only every `SAVE_EVERY_SYNCS` syncs and on stop: replaying
        such events after a crash is harmless (a re-sent reply keeps its transaction id,
        which makes it a no-op), and a busy room is spared a database write per command."""
        self._processed_token = token
        previous = self._checkpoint

        async def checkpoint() -> None:
            if previous is not None:
                with contextlib.suppress(Exception):
                    await previous
            if any(await asyncio.gather(*handled)):
                self._unsaved_change = True
            self._syncs_unsaved += 1
            if self._checkpoint is not task:
                return  # a later sync is queued behind: it saves a newer position
            if not self._unsaved_change and self._syncs_unsaved < SAVE_EVERY_SYNCS:
                return
            try:
                await self._save_token(token)
            except Exception:
                log.exception("Matrix: saving the sync position failed")
                return
            self._unsaved_change = False
            self._syncs_unsaved = 0

        task = asyncio.create_task(checkpoint(), name="matrix checkpoint")
        self._checkpoint = task

    async def _save_processed(self) -> None:
        """On stop: everything handed out was handled, so the newest position can be saved."""
        if self._processed_token is None or self._checkpoint_pending():
            return
        try:
            await self._save_token(self._processed_token)
        except Exception:
            log.exception("Matrix: saving the sync position failed")

    def _checkpoint_pending(self) -> bool:
        return self._checkpoint is not None and not self._checkpoint.done()

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
                        wait = self._backoff(attempt)
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
                wait = self._backoff(attempt)
                attempt += 1
                log.warning(
                    "Matrix: homeserver unreachable (%s); retrying in %.1f s",
                    type(error).__name__,
                    wait,
                )
                await asyncio.sleep(wait)
            except Exception:
                wait = self._backoff(attempt)
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
            if (
                info.timeline.limited
                and info.timeline.prev_batch
                and since
                and not any(is_own_join(e, self.user_id) for e in events)
            ):
                events = await self._backfill(room_id, info.timeline.prev_batch, since) + events
            events = events_after_own_join(events, self.user_id)
            if events and room_id not in self._creators and creators_privileged(room.room_version):
                await self._fetch_creators(room_id)
            creators = self._creators.get(room_id, frozenset())
            for event in events:
                neutral = to_neutral(room, event, self.user_id, creators, replayed)
                if neutral is None:
                    continue
                handled.append(self._worker(room_id).submit(neutral, str(event.event_id)))
        if answer.next_batch:
            self._checkpoint_after(handled, answer.next_batch)

    async def _backfill(self, room_id: str, prev_batch: str, since: str) -> list[NioEvent]:
        """The events a limited sync left out, oldest first (down to `since` or our join)."""
        newest_first: list[NioEvent] = []
        token = prev_batch
        for _ in range(MAX_BACKFILL_PAGES):
            page = await self.client.room_messages(
                room_id,
                start=token,
                end=since,
                direction=MessageDirection.back,
                limit=TIMELINE_LIMIT,
            )
            if isinstance(page, RoomMessagesError):
                log.warning("Matrix: back-filling %s failed: %s", room_id, page)
                break
            for event in page.chunk:
                newest_first.append(event)
                if is_own_join(event, self.user_id):
                    return newest_first[::-1]
            if not page.chunk or not page.end or page.end == token:
                break
            token = page.end
        log.info("Matrix: back-filled %d events in %s", len(newest_first), room_id)
        return newest_first[::-1]

    async def _fetch_creators(self, room_id: str) -> None:
        answer = await self.client.room_get_state(room_id)
        if isinstance(answer, RoomGetStateResponse):
            for raw in answer.events:
                if raw.get("type") == "m.room.create":
                    creators = {raw.get("sender", "")}
                    extra = raw.get("content", {}).get("additional_creators", [])
                    if isinstance(extra, list):
                        creators.update(u for u in extra if isinstance(u, str))
                    self._creators[room_id] = frozenset(c for c in creators if c)

    def _worker(self, room_id: str) -> _RoomWorker:
        worker = self._workers.get(room_id)
        if worker is None:
            worker = self._workers[room_id] = _RoomWorker(self, room_id)
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
        try:
            answer = await self.client.join(room_id)
        except UNREACHABLE:
            answer = None
        if answer is None or isinstance(answer, JoinError):
            log.warning(
                "Matrix: joining %s failed (%s); will try on the next invite", room_id, answer
            )
            self._invites_seen.discard(room_id)

    async def _decline(self, room_id: str) -> None:
        with contextlib.suppress(*UNREACHABLE):
            await self.client.room_leave(room_id)

    # -- encryption -----------------------------------------------------------------------

    async def _keys(self) -> None:
        """The key housekeeping nio's own sync loop would do, plus the trust policy."""
        client = self.client
        if client.olm is None:
            return
        async with self._key_lock:
            try:
                if client.outgoing_to_device_messages:
                    await client.send_to_device_messages()
                if client.should_upload_keys:
                    await client.keys_upload()
                if client.should_query_keys:
                    await client.keys_query()
                if client.should_claim_keys:
                    await client.keys_claim(client.get_users_for_key_claiming())
            except LocalProtocolError as error:
                log.debug("Matrix key housekeeping: %s", error)
            self._trust(self._encrypted_room_users())

    def _encrypted_room_users(self) -> set[str]:
        return {u for r in self.client.rooms.values() if r.encrypted for u in r.users}

    def _trust(self, users: Iterable[str]) -> None:
        """trust = "tofu": a device seen for the first time is trusted (and remembered in the
        crypto store); devices an operator blacklisted stay blacklisted. With "all" nothing is
        marked and keys go to every device unverified."""
        client = self.client
        if self.section.trust != "tofu" or client.olm is None:
            return
        for user_id in users:
            for device in client.device_store.active_user_devices(user_id):
                if not (device.verified or device.blacklisted or device.ignored):
                    client.verify_device(device)

    async def _prepare_encrypted(self, room_id: str) -> None:
        client = self.client
        room = client.rooms[room_id]
        async with self._key_lock:
            if not room.members_synced:
                await client.joined_members(room_id)
            if client.should_query_keys:
                with contextlib.suppress(LocalProtocolError):
                    await client.keys_query()
            self._trust(room.users)

    # -- sending --------------------------------------------------------------------------

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
                    error.retry_after if error.retry_after is not None else self._backoff(attempt)
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
        if self._client is None or not self._ready.is_set():
            raise DeliveryError("not connected to the Matrix homeserver yet")
        if room_id not in self.client.rooms:
            raise DeliveryError(f"the bot is not in the Matrix room {room_id}", permanent=True)
        content = reply_content(reply)
        if content is not None:
            await self._send_event(room_id, in_reply_to(content, answers), part_txn_id(txn_id, 0))
        for part, attachment in enumerate(reply.attachments, start=1):
            file = await self._upload(room_id, attachment)
            await self._send_event(room_id, in_reply_to(file, answers), part_txn_id(txn_id, part))

    async def _send_event(self, room_id: str, content: dict[str, Any], txn_id: str) -> None:
        client = self.client
        try:
            room = client.rooms.get(room_id)
            if room is None:
                raise DeliveryError(f"the bot is not in the Matrix room {room_id}", permanent=True)
            if room.encrypted and client.olm is not None:
                await self._prepare_encrypted(room_id)
            answer = await client.room_send(
                room_id,
                "m.room.message",
                content,
                tx_id=txn_id,
                ignore_unverified_devices=self.section.trust == "all",
            )
        except UNREACHABLE as error:
            raise DeliveryError(f"Matrix homeserver unreachable ({type(error).__name__})") from None
        except (SendRetryError, LocalProtocolError) as error:
            if room_id not in client.rooms:
                raise DeliveryError(str(error), permanent=True) from None
            raise DeliveryError(f"Matrix: {type(error).__name__}: {error}") from None
        if isinstance(answer, RoomSendError):
            raise delivery_error(answer.status_code, answer.message, answer.retry_after_ms)

    async def _upload(self, room_id: str, attachment: Attachment) -> dict[str, Any]:
        client = self.client
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
