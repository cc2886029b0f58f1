"""A read cache for what every command looks up again: its room, partnership and sender,
and the data of the host rotation.

On SQLite every statement costs several hand-offs to aiosqlite's thread, which made these
repeated lookups most of the time a read-only command like /next takes. Kept entries are
only ever read by units of work of the same `Database`, and are dropped as a whole:

- after every commit through that `Database` that wrote a table a lookup may read, so a
  change made by one command or one room is seen by the next unit of work. A commit that
  wrote only `UNCACHED_TABLES` (sync positions, delivery marks, the replay record, a
  reminder fired) keeps them: the adapters write those after nearly every command, and the
  scheduler with every reminder, which would otherwise leave the cache empty;
- when they are older than `max_age` seconds, which bounds how long a change made by
  another process (a CLI `import` or `person forget` while the bot runs) goes unseen.

A unit of work uses the cache only while it has written nothing itself (it must read its
own writes), and stores into it only while nothing was committed since it began (else it
may have read an older state than the one now committed). Callers get deep copies, so
changing a returned object changes nothing kept. Keys carry the ids they are about (room
reference, partnership id, identity), so one room's lookups never answer another's.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_ENTRIES = 10_000
MAX_AGE_SECONDS = 30.0
INFO_KEY = "partnerbot_reads"
WROTE_KEY = "partnerbot_wrote"
ANY_TABLE = "*"
"""A write whose tables are unknown (made past the ORM): it drops the cache."""

UNCACHED_TABLES = frozenset({"adapter_state", "handled_event", "outbox", "reminder"})
"""Tables no cached lookup reads from."""


class ReadCache:
    """The entries of one `Database`, and a generation that moves with every commit."""

    def __init__(
        self,
        max_age: float = MAX_AGE_SECONDS,
        max_entries: int = MAX_ENTRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._monotonic = monotonic
        self.generation = 0
        self._entries: dict[Hashable, Any] = {}
        self._since = monotonic()

    def invalidate(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._since = self._monotonic()

    def begin(self) -> int:
        """The generation a new unit of work starts at (entries past their age are dropped)."""
        if self._monotonic() - self._since > self.max_age:
            self.invalidate()
        return self.generation

    def get(self, key: Hashable) -> Any:
        return self._entries.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = value

    def __len__(self) -> int:
        return len(self._entries)


class SessionReads:
    """One unit of work's use of the cache (kept in its session's `info`)."""

    def __init__(self, cache: ReadCache) -> None:
        self.cache = cache
        self.generation = cache.begin()

    def usable(self, session: Session) -> bool:
        return (
            self.generation == self.cache.generation
            and not wrote_anything(session)
            and not (session.new or session.dirty or session.deleted)
        )

    async def read(self, session: Session, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The kept value for `key`, else `load()` (kept unless it is None)."""
        if not self.usable(session):
            return await load()
        kept = self.cache.get(key)
        if kept is not None:
            return copy.deepcopy(kept)  # type: ignore[no-any-return]
        value = await load()
        if value is not None and self.usable(session):
            self.cache.put(key, copy.deepcopy(value))
        return value

    def committed(self, wrote: set[str]) -> None:
        """This unit of work committed: unless it wrote only tables no lookup reads, drop
        every entry; its later reads start afresh."""
        if not wrote or not wrote <= UNCACHED_TABLES:
            self.cache.invalidate()
        self.generation = self.cache.generation


async def cached(session: Session, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
    """`load()` through the session's read cache, or directly when it has none."""
    reads: SessionReads | None = session.info.get(INFO_KEY)
    if reads is None:
        return await load()
    return await reads.read(session, key, load)


def wrote(session: Session, table: str) -> None:
    """Note that the session's transaction wrote `table` (`ANY_TABLE` when unknown)."""
    session.info.setdefault(WROTE_KEY, set()).add(table)


def wrote_anything(session: Session) -> bool:
    """Whether the session's transaction wrote anything yet."""
    return bool(session.info.get(WROTE_KEY))


def committed(session: Session) -> None:
    written: set[str] = session.info.pop(WROTE_KEY, set())
    reads: SessionReads | None = session.info.get(INFO_KEY)
    if reads is not None:
        reads.committed(written)


def rolled_back(session: Session) -> None:
    session.info.pop(WROTE_KEY, None)
