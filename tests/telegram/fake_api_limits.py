"""Telegram's published flood limits, for the fake Bot API (off unless a test turns them on).

Telegram asks bots to send no more than about 30 messages a second in all and no more than
20 messages a minute to one group; beyond that it answers 429 "Too Many Requests: retry
after N" with `parameters.retry_after`. Here: at most `per_second` sends in any window of one
second, and at most `per_group_minute` to one group (a negative chat id) in any window of a
minute; a refused send counts nowhere. Every accepted send is logged with its moment, so a
benchmark can see what went where and when.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.telegram.fake_api_model import ApiError

SENDING = frozenset(
    {"sendMessage", "sendDocument", "sendPoll", "sendPhoto", "copyMessage", "forwardMessage"}
)


@dataclass
class RateLimits:
    per_second: int = 30
    per_group_minute: int = 20
    group_window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    accepted: list[tuple[float, int]] = field(default_factory=list)
    """(moment, chat id) of every send let through."""
    refused: int = 0
    _all: deque[float] = field(default_factory=deque)
    _groups: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def admit(self, method: str, chat_id: object) -> None:
        """Let a send through (and count it), or refuse it with 429 and how long to wait."""
        if method not in SENDING or not isinstance(chat_id, int):
            return
        now = self.clock()
        wait = self._wait(self._all, now, 1.0, self.per_second)
        if chat_id < 0:
            wait = max(
                wait,
                self._wait(self._groups[chat_id], now, self.group_window, self.per_group_minute),
            )
        if wait > 0:
            self.refused += 1
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        self._all.append(now)
        if chat_id < 0:
            self._groups[chat_id].append(now)
        self.accepted.append((now, chat_id))

    @staticmethod
    def _wait(window: deque[float], now: float, span: float, most: int) -> float:
        """Seconds until one more fits in the window (0: now)."""
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < most:
            return 0.0
        return window[len(window) - most] + span - now


def fastest(counts: dict[int, int], per_second: int = 30, per_group_minute: int = 20) -> float:
    """The least time these limits allow for sending `counts[chat]` messages to each chat,
    from the first send to the last: every message as early as the windows let it go."""
    left = {chat: n for chat, n in counts.items() if n > 0}
    moment, sent_all, sent_group = 0.0, deque[float](), defaultdict(deque[float])
    last = 0.0
    while left:
        while sent_all and sent_all[0] <= moment - 1.0:
            sent_all.popleft()
        progressed = False
        for chat in sorted(left, key=lambda c: -left[c]):
            if len(sent_all) >= per_second:
                break
            group = sent_group[chat]
            while group and group[0] <= moment - 60.0:
                group.popleft()
            if chat < 0 and len(group) >= per_group_minute:
                continue
            sent_all.append(moment)
            group.append(moment)
            last = moment
            progressed = True
            left[chat] -= 1
            if not left[chat]:
                del left[chat]
        if left:
            moment += 1.0 if not progressed or len(sent_all) >= per_second else 0.0
    return last
