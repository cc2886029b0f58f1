"""The pace of sending, within Telegram's flood limits: about thirty messages a second in
all, twenty a minute to one group, and about one a second to one chat.

The limits are windows, not even spacing: thirty may go out at once, the thirty-first when
the first is a second old, so a burst to many groups takes no longer than the limits demand.
A send counts from its start until it is answered (`sent`), then from its answer, which is
never earlier than Telegram saw it: however late a request arrives, Telegram never sees more
in a window than allowed. A `RetryAfter` from Telegram holds the chat back for as long as
asked. A free place goes to the chat that has waited longest among those that may send
(first come, first served): a group's first message is not left to the last window while
other groups' second messages take the places, which would make its next one a second late.
Time comes from a monotonic source (never the wall clock), so tests can drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

POLL = 0.005
"""What `delay` says while only unanswered sends fill a window (`wait` waits for an answer)."""
YIELD = 0.001
"""How long a chat steps back for one that waited longer and may send now."""
MOST_YIELDS = 20
"""After stepping back this often a chat takes its place anyway (never waits on others)."""


@dataclass
class _Window:
    """At most `most` sends in any `span` seconds: those answered in it, and those open."""

    span: float
    most: int
    answered: deque[float] = field(default_factory=deque)
    open: int = 0

    def wait(self, now: float) -> float:
        """Seconds until one more may start (0: now)."""
        while self.answered and self.answered[0] <= now - self.span:
            self.answered.popleft()
        over = len(self.answered) + self.open - self.most + 1
        if over <= 0:
            return 0.0
        if over > len(self.answered):
            return POLL  # only an answer frees a place
        return self.answered[over - 1] + self.span - now


class Pacer:
    def __init__(
        self,
        per_chat_interval: float = 1.0,
        per_second: float = 30.0,
        monotonic: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        per_group_minute: int = 20,
        group_window: float = 60.0,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self._all = _Window(1.0, int(per_second)) if per_second > 0 else None
        self.per_group_minute = per_group_minute
        self._groups: dict[int, _Window] = defaultdict(
            lambda: _Window(group_window, per_group_minute)
        )
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_in_chat: dict[int, float] = {}
        self._answer: asyncio.Future[None] | None = None
        """Resolved by the next answer, for those waiting for one."""
        self._tickets = itertools.count()
        self._waiting: dict[int, int] = {}
        """The chats waiting in `wait`, by the order they came in (ticket: chat id)."""

    def _now(self) -> float:
        if self._monotonic is not None:
            return self._monotonic()
        return asyncio.get_running_loop().time()

    def _windows(self, chat_id: int) -> list[_Window]:
        windows = [self._all] if self._all is not None else []
        if chat_id < 0 and self.per_group_minute > 0:
            windows.append(self._groups[chat_id])
        return windows

    def delay(self, chat_id: int) -> float:
        """Seconds until this chat may send (0: now)."""
        now = self._now()
        waits = [self._next_in_chat.get(chat_id, now) - now]
        waits += [w.wait(now) for w in self._windows(chat_id)]
        return max(waits)

    async def wait(self, chat_id: int) -> None:
        """Until this chat may send; the send then counts as open until `sent`."""
        ticket = next(self._tickets)
        self._waiting[ticket] = chat_id
        try:
            await self._turn(ticket, chat_id)
        finally:
            del self._waiting[ticket]
        now = self._now()
        for window in self._windows(chat_id):
            window.open += 1
        self._next_in_chat[chat_id] = now + self.per_chat_interval
        if len(self._next_in_chat) > 10_000:
            self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}
            for chat in [c for c, g in self._groups.items() if not (g.open or g.answered)]:
                del self._groups[chat]

    async def _turn(self, ticket: int, chat_id: int) -> None:
        yields = 0
        while True:
            delay = self.delay(chat_id)
            if delay <= 0:
                if yields >= MOST_YIELDS or not self._earlier_may_send(ticket):
                    return
                yields += 1
                await self._sleep(YIELD)
            elif delay == POLL and self._monotonic is None:
                # only an answer frees a place: wait for one instead of looking again and again
                if self._answer is None or self._answer.done():
                    self._answer = asyncio.get_running_loop().create_future()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(self._answer), 1.0)
            else:
                await self._sleep(delay)

    def _earlier_may_send(self, ticket: int) -> bool:
        """Whether a chat that came before `ticket` is waiting and may send now."""
        return any(t < ticket and self.delay(c) <= 0 for t, c in self._waiting.items())

    def sent(self, chat_id: int) -> None:
        """A send that `wait` let start was answered (or failed)."""
        now = self._now()
        for window in self._windows(chat_id):
            window.open = max(0, window.open - 1)
            window.answered.append(now)
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(None)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked us to wait: nothing goes to this chat before then."""
        until = self._now() + seconds
        self._next_in_chat[chat_id] = max(self._next_in_chat.get(chat_id, until), until)
