"""Guessing links is throttled per client address.

Kept in memory, per process: a restart forgets it, and a standby that takes over starts
afresh. That is enough: a token has 256 bits, so the throttle only keeps scanners from
burning CPU and filling logs, it is not what keeps links secret.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from datetime import datetime, timedelta

from bot.core.clock import Clock

MISSES = 10
"""Pages not found from one address within WINDOW before it is refused for a while."""
WINDOW = timedelta(minutes=1)
MAX_ADDRESSES = 10_000
"""Beyond this many addresses the oldest are forgotten (memory stays bounded)."""


def client_address(remote: str | None, forwarded_for: str | None) -> str:
    """The visitor's address. Behind a reverse proxy on this machine (the connection comes
    from loopback), the proxy's `X-Forwarded-For` names it: its last entry is the address
    the proxy itself saw, which a visitor cannot forge."""
    address = remote or "-"
    try:
        loopback = ipaddress.ip_address(address).is_loopback
    except ValueError:
        loopback = False
    if loopback and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return address


class Throttle:
    def __init__(self, clock: Clock, misses: int = MISSES, window: timedelta = WINDOW) -> None:
        self.clock = clock
        self.misses = misses
        self.window = window
        self._seen: dict[str, deque[datetime]] = {}

    def _recent(self, address: str) -> deque[datetime]:
        found = self._seen.get(address)
        if found is None:
            return deque()
        cutoff = self.clock.now() - self.window
        while found and found[0] < cutoff:
            found.popleft()
        if not found:
            del self._seen[address]
        return found

    def refused(self, address: str) -> int:
        """Seconds until the address may try again; 0: it may now."""
        recent = self._recent(address)
        if len(recent) < self.misses:
            return 0
        wait = recent[-self.misses] + self.window - self.clock.now()
        return max(1, int(wait.total_seconds()) + 1)

    def missed(self, address: str) -> None:
        if address not in self._seen and len(self._seen) >= MAX_ADDRESSES:
            del self._seen[next(iter(self._seen))]
        self._seen.setdefault(address, deque()).append(self.clock.now())
