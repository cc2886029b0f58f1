"""The pace of sending: about one message a second per chat and thirty a second overall.

Each send reserves a slot and sleeps until it; a `RetryAfter` from Telegram holds the chat
back for as long as asked. Time comes from a monotonic source (never the wall clock), so
tests can drive it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class Pacer:
    def __init__(
        self,
        per_chat_interval: float = 1.0,
        per_second: float = 30.0,
        monotonic: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.global_interval = 1.0 / per_second if per_second > 0 else 0.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_in_chat: dict[int, float] = {}
        self._next_global = 0.0

    def _now(self) -> float:
        if self._monotonic is not None:
            return self._monotonic()
        return asyncio.get_running_loop().time()

    def reserve(self, chat_id: int) -> float:
        """The moment this chat may send next; reserves it (and the global slot)."""
        now = self._now()
        global_slot = max(now, self._next_global)
        self._next_global = global_slot + self.global_interval
        slot = max(global_slot, self._next_in_chat.get(chat_id, now))
        self._next_in_chat[chat_id] = slot + self.per_chat_interval
        if len(self._next_in_chat) > 10_000:
            self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}
        return slot

    async def wait(self, chat_id: int) -> None:
        delay = self.reserve(chat_id) - self._now()
        if delay > 0:
            await self._sleep(delay)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked us to wait: nothing goes to this chat before then."""
        until = self._now() + seconds
        self._next_in_chat[chat_id] = max(self._next_in_chat.get(chat_id, until), until)
