"""The scheduler on its own: the run loop fires what falls due and wakes up for a change;
a reminder that cannot be fired is dropped instead of blocking the others."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock, SystemClock
from bot.core.events import RoomRef
from bot.core.render import render_plain
from storage.database import Database

ROOM = RoomRef("console", "main")


async def _partnership(database: Database, now: datetime) -> int:
    async with database.uow() as uow:
        partnership = await uow.partnerships.add("Klima-Allianz", "de", "Europe/Berlin", now)
        await uow.rooms.add(partnership.id, ROOM, "main", now)
        await uow.commit()
    return partnership.id


async def _remind(
    database: Database, pid: int, key: str, due: datetime, now: datetime, kind: str = "adhoc"
) -> None:
    payload = {"platform": "console", "room": "main", "author": "anna", "text": f"Punkt {key}"}
    async with database.uow() as uow:
        await uow.reminders.add(pid, kind, key, due, payload, now)
        await uow.commit()


async def _outbox_texts(database: Database) -> list[str]:
    async with database.uow() as uow:
        return [render_plain(m.reply) for m in await uow.outbox.pending()]


async def _wait_for(database: Database, count: int, limit: float = 20.0) -> list[str]:
    """Poll until `count` messages are in the outbox; the bound only stops a broken test."""
    for _ in range(int(limit / 0.05)):
        texts = await _outbox_texts(database)
        if len(texts) >= count:
            return texts
        await asyncio.sleep(0.05)
    return await _outbox_texts(database)


async def test_the_run_loop_fires_when_due_and_wakes_up_for_a_change(
    sqlite_database: Database,
) -> None:
    clock = SystemClock()
    runtime = await bootstrap(sqlite_database, clock, {})
    app, scheduler = runtime.app, runtime.scheduler
    pid = await _partnership(sqlite_database, clock.now())
    await _remind(sqlite_database, pid, "1", clock.now() + timedelta(milliseconds=300), clock.now())
    loop = asyncio.create_task(scheduler.run())
    try:
        assert len(await _wait_for(sqlite_database, 1)) == 1
        assert app.outbox_changed.is_set()
        # the loop now sleeps for up to a minute; a change hook wakes it for a sooner one
        await asyncio.sleep(0.2)
        async with sqlite_database.uow() as uow:
            payload = {"platform": "console", "room": "main", "author": "bo", "text": "gleich"}
            soon = clock.now() + timedelta(milliseconds=200)
            await uow.reminders.add(pid, "adhoc", "2", soon, payload, clock.now())
            partnership = await uow.partnerships.get(pid)
            assert partnership is not None
            await scheduler.on_change(uow, partnership)
            await uow.commit()
        texts = await _wait_for(sqlite_database, 2, limit=20.0)
        assert len(texts) == 2
        assert "gleich" in texts[1]
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop


async def test_a_reminder_that_cannot_fire_is_dropped_and_the_rest_go_out(
    database: Database,
) -> None:
    start = datetime.fromisoformat("2026-11-23T10:00:00+01:00")
    clock = ManualClock(start)
    scheduler = (await bootstrap(database, clock, {})).scheduler
    pid = await _partnership(database, start)
    await _remind(database, pid, "1", start + timedelta(minutes=1), start, kind="vanished")
    await _remind(database, pid, "2", start + timedelta(minutes=2), start)
    await _remind(database, pid, "3", start + timedelta(hours=2), start)
    assert await scheduler.next_due() == start + timedelta(minutes=1)
    clock.set(start + timedelta(minutes=5))
    assert await scheduler.fire_all() == 2
    async with database.uow() as uow:
        rows = await uow.reminders.of_partnership(pid)
    assert [(r.key, r.status) for r in rows] == [("1", "dropped"), ("2", "sent"), ("3", "pending")]
    assert len(await _outbox_texts(database)) == 1
    assert await scheduler.next_due() == start + timedelta(hours=2)
    assert await scheduler.fire_all() == 0


async def test_partnerships_without_reminders_are_planned_when_the_loop_starts(
    database: Database,
) -> None:
    """A partnership made before reminders existed (or imported) gets its reminders planned
    at start, once; one that has reminders is left as it is."""
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    pid = await _partnership(database, now)
    async with database.uow() as uow:
        for name in ("Kleve", "Goch"):
            await uow.members.add(pid, name, now)
        await uow.commit()
    scheduler = (await bootstrap(database, ManualClock(now), {})).scheduler
    assert await scheduler.plan_unplanned() == 1
    async with database.uow() as uow:
        planned = await uow.reminders.of_partnership(pid)
    assert planned and all(r.status == "pending" and r.due_at > now for r in planned)
    assert await scheduler.plan_unplanned() == 0


async def test_what_falls_due_right_after_the_next_fires_with_it_and_none_early(
    sqlite_database: Database,
) -> None:
    """The loop sleeps past the next due time by its gathering window: the reminders due
    within it fire together (one transaction, one delivery round), none before its time."""
    clock = SystemClock()
    runtime = await bootstrap(sqlite_database, clock, {})
    scheduler = runtime.scheduler
    scheduler.gather = 0.3  # wide, so that a slow machine cannot blur what is shown
    rounds: list[int] = []
    scheduler.on_fired = lambda: rounds.append(1)
    pid = await _partnership(sqlite_database, clock.now())
    first = clock.now() + timedelta(milliseconds=400)
    for n, after in enumerate((0, 80, 160)):
        await _remind(sqlite_database, pid, str(n), first + timedelta(milliseconds=after), first)
    later = first + timedelta(seconds=30)
    await _remind(sqlite_database, pid, "later", later, first)
    loop = asyncio.create_task(scheduler.run())
    try:
        assert len(await _wait_for(sqlite_database, 3)) == 3
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
    async with sqlite_database.uow() as uow:
        reminders = await uow.reminders.of_partnership(pid)
    fired = [r for r in reminders if r.status == "sent"]
    assert [r.key for r in fired] == ["0", "1", "2"]
    assert len({r.fired_at for r in fired}) == 1, "fired together, in one transaction"
    assert rounds == [1]
    assert all(r.fired_at is not None and r.fired_at >= r.due_at for r in fired), "none early"
    assert [r.status for r in reminders if r.key == "later"] == ["pending"]
