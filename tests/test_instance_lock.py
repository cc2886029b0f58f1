"""The instance lock: one holder per database; freed when its holder goes, however it goes."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import normalise_url
from storage.lock import InstanceLock
from tests.conftest import POSTGRES_URL


def lock_url(backend: str, tmp_path: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.sqlite3'}", None
    return POSTGRES_URL, "lock_" + uuid.uuid4().hex[:12]


async def test_one_holder_and_the_next_when_it_lets_go(backend: str, tmp_path: Path) -> None:
    url, schema = lock_url(backend, tmp_path)
    first = InstanceLock(url, schema, poll=0.05)
    second = InstanceLock(url, schema, poll=0.05)
    other_database = InstanceLock(*lock_url(backend, tmp_path / "other"), poll=0.05)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await other_database.try_acquire()  # another database: not in the way
        waiting = asyncio.create_task(second.acquire())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # a standby waits
        await first.release()
        async with asyncio.timeout(5):
            await waiting
        assert second.held
        assert not await first.try_acquire()
    finally:
        for lock in (first, second, other_database):
            await lock.release()


async def test_the_lock_is_freed_when_its_holder_is_killed(backend: str, tmp_path: Path) -> None:
    """SIGKILL leaves no chance to clean up: the kernel (file lock) or the server (the
    session's advisory lock) frees it."""
    url, schema = lock_url(backend, tmp_path)
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import asyncio, sys\n"
        "from storage.lock import InstanceLock\n"
        "async def main():\n"
        f"    lock = InstanceLock({url!r}, {schema!r})\n"
        "    assert await lock.try_acquire()\n"
        "    print('held', flush=True)\n"
        "    await asyncio.sleep(600)\n"
        "asyncio.run(main())\n",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    standby = InstanceLock(url, schema, poll=0.05)
    try:
        assert holder.stdout is not None
        async with asyncio.timeout(20):
            assert await holder.stdout.readline() == b"held\n"
        assert not await standby.try_acquire()
        holder.kill()
        await holder.wait()
        async with asyncio.timeout(5):
            await standby.acquire()
        assert standby.held
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await standby.release()


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PARTNERBOT_TEST_POSTGRES")
async def test_the_holder_learns_when_its_connection_broke() -> None:
    """The server ended the session (a restart, a network cut): the lock may be someone
    else's now, so the process must hear that it lost it."""
    schema = "lock_" + uuid.uuid4().hex[:12]
    lock = InstanceLock(POSTGRES_URL, schema, poll=0.05)
    admin = create_async_engine(normalise_url(POSTGRES_URL))
    try:
        assert await lock.try_acquire()
        watching = asyncio.create_task(lock.lost())
        await asyncio.sleep(0.2)
        assert not watching.done()
        async with admin.begin() as connection:
            await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND objid = :k"
                ),
                {"k": _key(schema)},
            )
        async with asyncio.timeout(5):
            await watching
        assert not lock.held
    finally:
        await lock.release()
        await admin.dispose()


def test_a_database_in_memory_needs_no_lock() -> None:
    assert InstanceLock("sqlite://").lock_file is None
    assert InstanceLock("sqlite:///:memory:").lock_file is None


def _key(schema: str) -> int:
    import zlib

    key = zlib.crc32(schema.encode()) - 2**31
    return key % 2**32  # pg_locks shows objid as an unsigned oid
