"""The sync position (the `next_batch` token), saved in the database once every event before
it was handled, so a restart continues where the bot left off."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.usecases.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

SAVE_EVERY_SYNCS = 20


class SyncPosition:
    def __init__(self, uow_factory: UnitOfWorkFactory, user_id: str) -> None:
        self.uow_factory = uow_factory
        self.key = f"matrix:{user_id}:next_batch"
        self._saved: str | None = None
        self._processed: str | None = None
        self._checkpoint: asyncio.Task[None] | None = None
        self._syncs_unsaved = 0
        self._unsaved_change = False

    async def load(self) -> str | None:
        async with self.uow_factory() as uow:
            token = await uow.state.get(self.key)
        self._saved = token
        return token

    async def _save(self, token: str) -> None:
        if token == self._saved:
            return
        async with self.uow_factory() as uow:
            await uow.state.put(self.key, token)
            await uow.commit()
        self._saved = token

    def after(self, handled: list[asyncio.Future[bool]], token: str) -> None:
        """Save `token` once every event before it was handled, in sync order.

        The position is saved at once after an event that changed something or that was
        caught as a replay (a replay's record is pruned after a week: the next restart must
        not start before it, or the event is applied a second time). After syncs
        whose events changed nothing (read-only commands like /next, chat, the bot's own
        replies) it is saved only every `SAVE_EVERY_SYNCS` syncs and on stop: replaying
        such events after a crash is harmless (a re-sent reply keeps its transaction id,
        which makes it a no-op), and a busy room is spared a database write per command."""
        self._processed = token
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
                await self._save(token)
            except Exception:
                log.exception("Matrix: saving the sync position failed")
                return
            self._unsaved_change = False
            self._syncs_unsaved = 0

        task = asyncio.create_task(checkpoint(), name="matrix checkpoint")
        self._checkpoint = task

    async def close(self) -> None:
        """On stop, once the room workers are drained: the last checkpoint finishes (within
        ten seconds), then the newest position handed out is saved."""
        if self._checkpoint is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._checkpoint), 10)
        if self._processed is None or self._pending():
            return
        try:
            await self._save(self._processed)
        except Exception:
            log.exception("Matrix: saving the sync position failed")

    def _pending(self) -> bool:
        return self._checkpoint is not None and not self._checkpoint.done()
