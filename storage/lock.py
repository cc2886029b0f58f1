"""One active process per database; any other waits as a standby until the lock is free.

Two processes on one database would both deliver the outbox and both take the platforms'
updates: every message twice, and Telegram answers a second getUpdates with a conflict.
The lock is one the operating system or the server frees the moment its holder dies, even
by SIGKILL, so a standby takes over within a poll interval:

- PostgreSQL: a session advisory lock held on a connection of its own, outside the pool
  (the server drops the lock when that connection ends);
- SQLite: an `flock` on the file `<database>.lock` beside the database file (the kernel
  drops it when the process's descriptor closes); a database in memory needs none.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import zlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.database import normalise_url

log = logging.getLogger(__name__)

LOCK_CLASS = 0x70626F74
"""The advisory lock's first key ("pbot"); the second is the schema's, so that tests on
separate schemas of one server do not wait for each other."""


class InstanceLock:
    """`acquire()` waits until this process is the active one; `lost()` returns if it stops
    being it (only PostgreSQL can take the lock away: the connection broke)."""

    def __init__(self, url: str | None, schema: str | None = None, poll: float = 1.0) -> None:
        self.url = normalise_url(url)
        self.schema = schema
        self.poll = poll
        self._fd: int | None = None
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None
        self.held = False

    @property
    def where(self) -> str:
        """What is locked, for the log (never the password)."""
        if self.is_sqlite:
            return str(self.lock_file) if self.lock_file else "an in-memory database"
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def lock_file(self) -> Path | None:
        database = make_url(self.url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(f"{database}.lock")

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        self.held = await (self._try_file() if self.is_sqlite else self._try_advisory())
        return self.held

    async def acquire(self, on_wait: str | None = None) -> None:
        """Wait as long as another process holds the lock (cancel to give up waiting)."""
        told = failed = False
        while True:
            try:
                if await self.try_acquire():
                    return
            except Exception as error:  # the server is away: keep waiting, say so once
                if not failed:
                    log.warning("cannot reach the database to take the lock: %s", error)
                failed = True
            else:
                if not told and on_wait:
                    log.info(on_wait, self.where)
                told = True
            await asyncio.sleep(self.poll)

    async def lost(self) -> None:
        """Returns when the lock was taken away from this process; never for a file lock."""
        if self.is_sqlite:
            await asyncio.Future()
        while True:
            await asyncio.sleep(self.poll)
            try:
                assert self._connection is not None
                async with asyncio.timeout(max(self.poll, 5.0)):
                    await self._connection.execute(text("SELECT 1"))
            except Exception as error:
                log.error("the connection holding the instance lock broke: %s", error)
                self.held = False
                return

    async def release(self) -> None:
        self.held = False
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._connection is not None:
            # closing the connection ends the session, and with it the advisory lock
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _try_file(self) -> bool:
        path = self.lock_file
        if path is None:
            return True
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    async def _try_advisory(self) -> bool:
        if self._connection is None:
            kwargs: dict[str, object] = {"poolclass": NullPool}
            if self.schema:
                kwargs["connect_args"] = {"server_settings": {"search_path": self.schema}}
            self._engine = create_async_engine(self.url, **kwargs)
            connection = await self._engine.connect()
            # no transaction stays open while the lock is held for days
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        key = zlib.crc32((self.schema or "").encode()) - 2**31
        try:
            got = await self._connection.scalar(
                text("SELECT pg_try_advisory_lock(:c, :k)"), {"c": LOCK_CLASS, "k": key}
            )
        except Exception:
            await self.release()  # a broken connection: a fresh one next time
            raise
        return bool(got)
