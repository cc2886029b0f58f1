"""Rooms: each room's events handled in order off the sync loop (`RoomWorker`), the history a
limited sync left out, who created a room, and joining or declining invites."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from nio import AsyncClient, JoinError, MessageDirection, RoomGetStateResponse, RoomMessagesError
from nio import Event as NioEvent

from bot.adapters.matrix.login import UNREACHABLE
from bot.adapters.matrix.translate import TIMELINE_LIMIT, is_own_join
from bot.core.events import Event

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

MAX_BACKFILL_PAGES = 50


class RoomWorker:
    """One room's events, handled in order off the sync loop. Each reply is written to the
    outbox in the transaction of its command and sent from there, so the sync position may
    pass an event as soon as it was handled."""

    def __init__(self, app: App, room_id: str) -> None:
        self.app = app
        self.room_id = room_id
        self.queue: asyncio.Queue[tuple[Event, str, asyncio.Future[bool]]] = asyncio.Queue()
        self.tasks = (asyncio.create_task(self._handle(), name=f"matrix handle {room_id}"),)

    def submit(self, event: Event, event_id: str) -> asyncio.Future[bool]:
        """The future tells, once the event was handled, whether the sync position must be
        saved at once: the event changed something, or it was a replay caught (its record
        against replays is pruned after a week; a later restart must not replay it again)."""
        handled: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((event, event_id, handled))
        return handled

    async def drain(self) -> None:
        await self.queue.join()

    def cancel(self) -> list[asyncio.Task[None]]:
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        return tasks

    async def _handle(self) -> None:
        while True:
            event, event_id, handled = await self.queue.get()
            app = self.app
            changes, replays = app.changes, app.replays
            try:
                # the reply quotes its command (`m.in_reply_to`)
                await app.handle(event, answers=event_id)
            except Exception:
                log.exception("handling a Matrix event in %s failed", self.room_id)
                changes = -1
            finally:
                if not handled.done():
                    handled.set_result((app.changes, app.replays) != (changes, replays))
                self.queue.task_done()


async def backfill(
    client: AsyncClient, user_id: str, room_id: str, prev_batch: str, since: str
) -> list[NioEvent]:
    """The events a limited sync left out, oldest first (down to `since` or our join)."""
    newest_first: list[NioEvent] = []
    token = prev_batch
    for _ in range(MAX_BACKFILL_PAGES):
        page = await client.room_messages(
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
            if is_own_join(event, user_id):
                return newest_first[::-1]
        if not page.chunk or not page.end or page.end == token:
            break
        token = page.end
    log.info("Matrix: back-filled %d events in %s", len(newest_first), room_id)
    return newest_first[::-1]


async def fetch_creators(client: AsyncClient, room_id: str) -> frozenset[str] | None:
    """The room's creators from its create event (None if the state could not be read)."""
    answer = await client.room_get_state(room_id)
    found: frozenset[str] | None = None
    if isinstance(answer, RoomGetStateResponse):
        for raw in answer.events:
            if raw.get("type") == "m.room.create":
                creators = {raw.get("sender", "")}
                extra = raw.get("content", {}).get("additional_creators", [])
                if isinstance(extra, list):
                    creators.update(u for u in extra if isinstance(u, str))
                found = frozenset(c for c in creators if c)
    return found


async def join(client: AsyncClient, room_id: str) -> bool:
    """Accept an invite; False if that failed (to be tried on the next invite)."""
    try:
        answer = await client.join(room_id)
    except UNREACHABLE:
        answer = None
    if answer is None or isinstance(answer, JoinError):
        log.warning("Matrix: joining %s failed (%s); will try on the next invite", room_id, answer)
        return False
    return True


async def decline(client: AsyncClient, room_id: str) -> None:
    with contextlib.suppress(*UNREACHABLE):
        await client.room_leave(room_id)
