"""Writers of one SQLite file in one process take turns (`storage.database.WriteTurns`).

SQLite's own wait for a locked file polls with sleeps of up to 100 ms and can miss every
gap between another connection's transactions; bench/reminders saw the outbox sender wait
up to 1.4 s behind the scheduler that way (and, past the 5 s busy timeout, send again)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.events import RoomRef
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

STREAM = 20
"""Transactions in the stream; each holds the write lock for HOLD seconds."""
HOLD = 0.05


async def _write(database: Database, hold: float = 0.0, wrote: asyncio.Event | None = None) -> None:
    """A transaction that writes first thing, as the outbox sender's record does."""
    async with database.uow() as uow:
        await uow.outbox.mark_sent(0, NOW)
        if wrote is not None:
            wrote.set()
        await asyncio.sleep(hold)
        await uow.commit()


async def test_a_writer_is_let_in_behind_a_stream_of_short_transactions(
    sqlite_database: Database,
) -> None:
    committed = 0
    inside_third = asyncio.Event()

    async def stream() -> None:
        nonlocal committed
        for n in range(STREAM):
            await _write(sqlite_database, HOLD, inside_third if n == 2 else None)
            committed += 1

    streaming = asyncio.create_task(stream())
    await inside_third.wait()
    await _write(sqlite_database)
    passed_by = committed - 2
    await streaming
    # its turn comes when the stream's current transaction ends, not when the stream does
    assert passed_by <= 1, f"{passed_by} of the stream's transactions went first"


async def test_a_failed_or_abandoned_write_gives_its_turn_back(sqlite_database: Database) -> None:
    ref = RoomRef("matrix", "!abc:example.org")
    async with sqlite_database.uow() as uow:
        partnership = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        await uow.rooms.add(partnership.id, ref, "Raum", NOW)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with sqlite_database.uow() as uow:
            await uow.rooms.add(partnership.id, ref, "noch einmal", NOW)
    async with sqlite_database.uow() as uow:
        await uow.state.put("left without commit", "x")
    await asyncio.wait_for(_write(sqlite_database), 1.0)
